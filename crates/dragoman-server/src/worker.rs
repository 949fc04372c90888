//! Background workers: claim jobs from the durable queue and run them. A job's work must be
//! idempotent: a worker that dies mid-job leaves it to be claimed again when its lease ends.

use crate::state::AppState;
use dragoman_core::sla::SlaEvent;
use dragoman_core::{Conversation, Direction, LanguageTag, Marketplace, Message, MessageId, OrderId, Priority};
use dragoman_lang::Detection;
use dragoman_nlu::Entities;
use dragoman_store::{ConversationPatch, EnrichmentState, Job, JobState};
use std::time::Duration;
use tokio::task::JoinSet;

pub const ENRICH: &str = "enrich";
const LEASE_MS: i64 = 120_000;
/// How long an idle worker sleeps when nothing wakes it (jobs from another process, retries
/// coming due).
const IDLE_POLL: Duration = Duration::from_secs(1);

/// Starts `settings.workers` workers; they run until the set is dropped or aborted.
pub fn spawn(state: AppState) -> JoinSet<()> {
    let mut set = JoinSet::new();
    for _ in 0..state.settings.workers.max(1) {
        set.spawn(work(state.clone()));
    }
    set
}

/// How often a process checks for intent examples added through another process.
const LEARN_POLL: Duration = Duration::from_secs(60);

/// Trains the intent classifier on the store's examples at start, then whenever their number
/// differs from what it learnt (corrections made here retrain at once; this catches those
/// made through other processes).
pub async fn keep_learning(state: AppState) {
    let Some(classifier) = state.analyzer.intents() else { return };
    loop {
        match state.store.count_intent_examples().await {
            Ok(count) if count != classifier.store_examples() => {
                crate::api::understanding::relearn(state.clone()).await;
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "cannot count intent examples"),
        }
        tokio::time::sleep(LEARN_POLL).await;
    }
}

async fn work(state: AppState) {
    loop {
        let claimed = state.store.claim_jobs(&[ENRICH, crate::shopify::FETCH_ORDER], 1, LEASE_MS, state.now()).await;
        match claimed {
            Ok(jobs) if !jobs.is_empty() => {
                for job in jobs {
                    run(&state, job).await;
                }
            }
            Ok(_) => {
                let _ = tokio::time::timeout(IDLE_POLL, state.jobs_queued.notified()).await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot claim jobs; retrying");
                tokio::time::sleep(IDLE_POLL).await;
            }
        }
    }
}

async fn run(state: &AppState, job: Job) {
    let result = match job.kind.as_str() {
        ENRICH => enrich(state, &job).await,
        crate::shopify::FETCH_ORDER => crate::shopify::fetch_order(state, &job).await,
        other => Err(format!("no worker knows job kind {other:?}")),
    };
    let now = state.now();
    let outcome = match result {
        Ok(()) => state.store.complete_job(job.id, now).await.map(|()| "done"),
        Err(error) => {
            tracing::warn!(job = %job.id, kind = %job.kind, attempt = job.attempts, %error, "job failed");
            state.store.fail_job(job.id, &error, now).await.map(|s| if s == JobState::Dead { "dead" } else { "retry" })
        }
    };
    match outcome {
        Ok(result) => {
            state.metrics.jobs.get_or_create(&crate::metrics::JobLabels { kind: job.kind.clone(), result }).inc();
        }
        // The lease runs out and the job is claimed again: nothing is lost.
        Err(e) => tracing::error!(job = %job.id, error = %e, "cannot record job outcome"),
    }
}

/// Understands a new inbound message and what it means for its conversation: language
/// (per message, and for the conversation with the storefront as a prior), intent,
/// escalation, entities, and the order it is about. Safe to run twice.
async fn enrich(state: &AppState, job: &Job) -> Result<(), String> {
    let id = job
        .payload
        .get("message_id")
        .and_then(serde_json::Value::as_i64)
        .ok_or_else(|| format!("payload {} has no message_id", job.payload))?;
    let store = &state.store;
    let message = store.get_message(MessageId(id)).await.map_err(|e| e.to_string())?;
    let text = if message.body_text.trim().is_empty() {
        message.subject.clone().unwrap_or_default()
    } else {
        message.body_text.clone()
    };
    let analyzer = state.analyzer.clone();
    let analysis = tokio::task::spawn_blocking(move || analyzer.analyze(&text)).await.map_err(|e| e.to_string())?;

    store.record_language(message.id, &analysis.lang, analysis.lang_confidence).await.map_err(|e| e.to_string())?;
    let analysis_json = serde_json::to_value(&analysis).map_err(|e| e.to_string())?;
    store.record_analysis(message.id, &analysis_json).await.map_err(|e| e.to_string())?;

    let conversation = store.get_conversation(message.conversation_id).await.map_err(|e| e.to_string())?;
    let mut patch = ConversationPatch::default();
    if conversation.buyer_language.is_none() {
        patch.buyer_language = thread_language(state, &conversation).await?;
    }
    if message.direction == Direction::Inbound {
        // The conversation is about what the buyer asked last; escalation sticks until an
        // agent lowers it.
        if let Some(intent) = analysis.intent {
            patch.intent = Some(Some(intent.to_string()));
        }
        if analysis.escalate && !conversation.escalated {
            patch.escalated = Some(true);
            patch.priority = Some(Priority::from_rank(conversation.priority.rank().max(Priority::High.rank())));
        }
    }
    if conversation.order_id.is_none() {
        patch.order_id = linked_order(state, &analysis.entities).await?.map(Some);
        if patch.order_id.is_none() {
            // The buyer may name an order the shop has not told us about yet.
            crate::shopify::queue_lookups(state, conversation.id, &analysis.entities.order_ids).await?;
        }
    }
    let conversation = if patch != ConversationPatch::default() {
        store.update_conversation(conversation.id, &patch, state.now()).await.map_err(|e| e.to_string())?
    } else {
        conversation
    };
    if message.direction == Direction::Inbound {
        refine_sla(state, &conversation, &message).await?;
    }
    // Never fails the job: what no engine can translate now is recorded as pending and retried.
    crate::api::translation::translate_message(state, &message, &analysis.lang, &conversation).await;
    store.set_enrichment_state(message.id, EnrichmentState::Done).await.map_err(|e| e.to_string())?;
    Ok(())
}

/// Replaces ingest's default due time with the one the conversation's policy and calendar give,
/// counted from the message's arrival; unless an agent has answered since (enrichment can lag
/// behind a quick reply), which the clock has then already heard.
async fn refine_sla(state: &AppState, conversation: &Conversation, message: &Message) -> Result<(), String> {
    let messages = state.store.list_messages(conversation.id).await.map_err(|e| e.to_string())?;
    let answered = messages.iter().any(|m| m.direction == Direction::Outbound && m.created_at >= message.created_at);
    if !answered {
        crate::sla::advance(state, conversation, SlaEvent::BuyerMessage(message.created_at))
            .await
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// The conversation's language from all its buyer messages, with the storefront's usual
/// language (amazon.de → de) or the chat visitor's browser language as a prior for threads
/// too short to tell.
async fn thread_language(state: &AppState, conversation: &Conversation) -> Result<Option<LanguageTag>, String> {
    let messages = state.store.list_messages(conversation.id).await.map_err(|e| e.to_string())?;
    let detections: Vec<(Detection, usize)> = messages
        .iter()
        .filter(|m| m.direction == Direction::Inbound)
        .filter_map(|m| {
            let language = m.language.clone()?;
            Some((
                Detection { language, confidence: m.language_confidence.unwrap_or(0.0) },
                m.body_text.chars().count(),
            ))
        })
        .collect();
    let prior = match conversation.marketplace.as_ref().and_then(Marketplace::language_prior) {
        Some(prior) => Some(prior),
        // A visitor of the live chat: the language their browser prefers.
        None => crate::chat::browser_language(state, conversation.id).await.map_err(|e| e.to_string())?,
    };
    Ok(dragoman_lang::conversation_language(&detections, prior.as_ref()))
}

/// The store's order a message names, by order number first, then by tracking number.
async fn linked_order(state: &AppState, entities: &Entities) -> Result<Option<OrderId>, String> {
    for number in &entities.order_ids {
        if let Some(order) = state.store.find_order(number).await.map_err(|e| e.to_string())? {
            return Ok(Some(order.id));
        }
    }
    for tracking in entities.tracking_strings() {
        if let Some(order) = state.store.find_order_by_tracking(&tracking).await.map_err(|e| e.to_string())? {
            return Ok(Some(order.id));
        }
    }
    Ok(None)
}
