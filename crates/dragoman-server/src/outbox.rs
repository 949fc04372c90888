//! Replies on their way out: the registry of channel senders, and the send workers that
//! deliver `send_reply` jobs through them.
//!
//! A worker claims one reply at a time ([`OutboxStore::claim_replies`] hands out a
//! conversation's replies in the order they were written), builds the [`OutboundReply`]
//! (recipient and threading from the buyer message it answers) and, before the sender is
//! called, records that the reply is `sending` together with the id the channel will know it by.
//! A reply found still `sending` when claimed was being sent by a process that died (its lease
//! ran out): the sender is asked to reconcile it, and a channel that cannot say (SMTP) leaves
//! it `uncertain` for an agent, never sent twice.
//!
//! Test-only failpoint: with `DRAGOMAN_FAILPOINT=after_send_before_record` the process aborts
//! right after a channel accepted a reply and before that is recorded, the window the crash
//! test (`crates/dragoman/tests/outbox_crash.rs`) kills the real binary in.

use crate::metrics::ReplyLabels;
use crate::state::AppState;
use dragoman_channels::outbound::{ChannelSender, OutboundReply, Reconciled, SendError};
use dragoman_channels::smtp_out::{self, SmtpOutConfig, SmtpOutError, SmtpSender};
use dragoman_core::{Channel, DeliveryState, MessageId};
use dragoman_store::StoreError;
use dragoman_store::outbox::{ClaimedReply, ReplyToSend};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;
use tokio::sync::Notify;
use tokio::task::JoinSet;

/// Replies sent at once by one process; a conversation's replies still leave one by one.
const SEND_WORKERS: usize = 2;
/// How long an idle worker sleeps when nothing wakes it (retries coming due, other processes).
const IDLE_POLL: Duration = Duration::from_secs(1);
const FAILPOINT_AFTER_SEND: &str = "after_send_before_record";

/// The channel senders replies leave through, and the signal that a reply was queued.
#[derive(Default)]
pub struct Outbox {
    senders: RwLock<HashMap<Channel, Arc<dyn ChannelSender>>>,
    /// Woken by the reply route, so a new reply leaves at once instead of at the next poll.
    pub queued: Notify,
}

impl Outbox {
    /// Replies on `channel` leave through `sender` from now on (replacing an earlier one).
    pub fn register(&self, channel: Channel, sender: Arc<dyn ChannelSender>) {
        self.senders.write().unwrap_or_else(|e| e.into_inner()).insert(channel, sender);
    }

    pub fn sender(&self, channel: Channel) -> Option<Arc<dyn ChannelSender>> {
        self.senders.read().unwrap_or_else(|e| e.into_inner()).get(&channel).cloned()
    }
}

/// Sends email replies (email, Amazon, Shopify) through the relay of `[smtp_out]`, its password
/// read from the environment variable the configuration names.
pub fn register_smtp(state: &AppState, config: &SmtpOutConfig) -> Result<(), SmtpOutError> {
    let password = std::env::var(&config.password_env).ok();
    let sender: Arc<dyn ChannelSender> = Arc::new(SmtpSender::new(config, password)?);
    for channel in smtp_out::CHANNELS {
        state.outbox.register(*channel, sender.clone());
    }
    Ok(())
}

/// Starts the send workers in `set`; they run until it is dropped or aborted.
pub fn spawn(set: &mut JoinSet<()>, state: AppState) {
    for _ in 0..SEND_WORKERS {
        set.spawn(work(state.clone()));
    }
}

async fn work(state: AppState) {
    let lease_ms = i64::try_from(state.settings.send_lease_secs.max(1).saturating_mul(1000)).unwrap_or(i64::MAX);
    let failpoint = std::env::var("DRAGOMAN_FAILPOINT").is_ok_and(|f| f == FAILPOINT_AFTER_SEND);
    loop {
        match state.store.claim_replies(1, lease_ms, state.now()).await {
            Ok(claimed) if !claimed.is_empty() => {
                for reply in claimed {
                    deliver(&state, reply, failpoint).await;
                }
            }
            Ok(_) => {
                tokio::select! {
                    () = state.outbox.queued.notified() => {}
                    () = state.jobs_queued.notified() => {}
                    () = tokio::time::sleep(IDLE_POLL) => {}
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot claim replies to send; retrying");
                tokio::time::sleep(IDLE_POLL).await;
            }
        }
    }
}

/// What one delivery attempt came to, for the log and the metrics.
enum Outcome {
    Sent,
    Retry,
    Failed,
    Uncertain,
    /// The reply was settled already; only its job was left to finish.
    Settled,
}

impl Outcome {
    /// The metric label of a delivery attempt; `None` when no attempt was made.
    fn label(&self) -> Option<&'static str> {
        match self {
            Outcome::Sent => Some("sent"),
            Outcome::Retry => Some("retry"),
            Outcome::Failed => Some("failed"),
            Outcome::Uncertain => Some("uncertain"),
            Outcome::Settled => None,
        }
    }
}

async fn deliver(state: &AppState, claimed: ClaimedReply, failpoint: bool) {
    let id = claimed.reply;
    match attempt(state, &claimed, failpoint).await {
        Ok((channel, outcome)) => {
            if let Some(outcome) = outcome.label() {
                tracing::info!(reply = %id, %channel, outcome, "reply delivery");
                state.metrics.replies.get_or_create(&ReplyLabels { channel: channel.to_string(), outcome }).inc();
            }
        }
        // Nothing is lost: the job's lease runs out and the reply is claimed again, and a reply
        // left `sending` is then reconciled rather than sent again.
        Err(e) => tracing::error!(reply = %id, job = %claimed.job.id, error = %e, "cannot record a reply's delivery"),
    }
}

async fn attempt(state: &AppState, claimed: &ClaimedReply, failpoint: bool) -> Result<(Channel, Outcome), StoreError> {
    let store = &state.store;
    let id = claimed.reply;
    let now = state.now();
    let to_send = store.reply_to_send(id).await?;
    let channel = to_send.conversation.channel;
    let Some(delivery) = to_send.reply.delivery.clone() else {
        return Err(StoreError::not_found("reply", id));
    };
    if matches!(delivery.state, DeliveryState::Sent | DeliveryState::Uncertain) {
        // Sent and uncertain replies finish their job in the same transaction; should one be
        // claimed all the same, it must not go out again.
        store.complete_job(claimed.job.id, now).await?;
        return Ok((channel, Outcome::Settled));
    }
    let Some(sender) = state.outbox.sender(channel) else {
        let reason = format!(
            "no sender is set up for {channel} replies on this server{}; once it is, retry the job",
            if smtp_out::CHANNELS.contains(&channel) { " (configure [smtp_out])" } else { "" }
        );
        return settle_unsendable(state, id, delivery.state, &reason).await.map(|o| (channel, o));
    };
    let outbound = outbound_reply(&to_send, &delivery.idempotency_key);
    let outcome = if delivery.state != DeliveryState::Sending {
        send(state, &*sender, &outbound, failpoint).await?
    } else {
        match sender.reconcile(&outbound).await {
            Ok(Reconciled::Delivered(d)) => {
                store.mark_sent(id, d.external_id.as_deref(), now).await?;
                Outcome::Sent
            }
            Ok(Reconciled::NotDelivered) => send(state, &*sender, &outbound, failpoint).await?,
            Ok(Reconciled::Unknown) => {
                let reason = format!(
                    "Dragoman stopped while handing this reply to the {channel} channel, which cannot say whether \
                     it arrived. Check with the buyer (or the mailbox's Sent folder) before sending it again."
                );
                store.mark_uncertain(id, &reason, now).await?;
                Outcome::Uncertain
            }
            Err(SendError::Temporary(reason)) => {
                let delivery = store.retry_reply(id, &reason, true, now).await?;
                if delivery.state == DeliveryState::Uncertain { Outcome::Uncertain } else { Outcome::Retry }
            }
            Err(SendError::Permanent(reason)) => {
                store.mark_uncertain(id, &format!("cannot tell whether it went out: {reason}"), now).await?;
                Outcome::Uncertain
            }
        }
    };
    Ok((channel, outcome))
}

/// A reply no sender can take: failed when it never left, uncertain when an attempt was under way.
async fn settle_unsendable(
    state: &AppState,
    id: MessageId,
    current: DeliveryState,
    reason: &str,
) -> Result<Outcome, StoreError> {
    if current == DeliveryState::Sending {
        state.store.mark_uncertain(id, reason, state.now()).await?;
        Ok(Outcome::Uncertain)
    } else {
        state.store.fail_reply(id, reason, state.now()).await?;
        Ok(Outcome::Failed)
    }
}

/// One attempt: recorded as `sending` first, then handed to the channel.
async fn send(
    state: &AppState,
    sender: &dyn ChannelSender,
    reply: &OutboundReply,
    failpoint: bool,
) -> Result<Outcome, StoreError> {
    let store = &state.store;
    let id = reply.reply_id;
    let planned = sender.planned_external_id(reply);
    store.start_sending(id, planned.as_deref(), state.now()).await?;
    match sender.send(reply).await {
        Ok(delivered) => {
            if failpoint {
                tracing::error!(reply = %id, "failpoint {FAILPOINT_AFTER_SEND}: aborting");
                std::process::abort();
            }
            record_sent(state, id, delivered.external_id.as_deref()).await?;
            Ok(Outcome::Sent)
        }
        Err(SendError::Temporary(reason)) => {
            let delivery = store.retry_reply(id, &reason, false, state.now()).await?;
            Ok(if delivery.state == DeliveryState::Failed { Outcome::Failed } else { Outcome::Retry })
        }
        Err(SendError::Permanent(reason)) => {
            store.fail_reply(id, &reason, state.now()).await?;
            Ok(Outcome::Failed)
        }
    }
}

/// How often recording an accepted reply is tried before it is left to reconciliation.
const RECORD_ATTEMPTS: u32 = 3;

/// Records that the channel accepted a reply. A brief database outage here would otherwise
/// leave a delivered reply `sending`, and so `uncertain` for a channel that cannot be asked.
async fn record_sent(state: &AppState, id: MessageId, external_id: Option<&str>) -> Result<(), StoreError> {
    let mut tries = 1;
    loop {
        match state.store.mark_sent(id, external_id, state.now()).await {
            Err(StoreError::Database(e)) if tries < RECORD_ATTEMPTS => {
                tracing::warn!(reply = %id, error = %e, "cannot record a sent reply yet; trying again");
                tries += 1;
                tokio::time::sleep(IDLE_POLL).await;
            }
            outcome => return outcome.map(drop),
        }
    }
}

/// The reply as its channel sender needs it: to the sender of the buyer message it answers,
/// threaded onto that message.
pub fn outbound_reply(to_send: &ReplyToSend, idempotency_key: &str) -> OutboundReply {
    let conversation = &to_send.conversation;
    let answering = to_send.answering.as_ref();
    OutboundReply {
        reply_id: to_send.reply.id,
        conversation_id: conversation.id,
        channel: conversation.channel,
        marketplace: conversation.marketplace.clone(),
        recipient: answering.and_then(|m| m.sender.clone()),
        thread_key: to_send.thread_key.clone(),
        subject: answering.and_then(|m| m.subject.clone()).or_else(|| conversation.subject.clone()),
        body: to_send.reply.body_text.clone(),
        language: to_send.reply.language.clone(),
        in_reply_to: to_send.in_reply_to.clone(),
        references: to_send.references.clone(),
        idempotency_key: idempotency_key.to_owned(),
    }
}
