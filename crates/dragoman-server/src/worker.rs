//! Background workers: claim jobs from the durable queue and run them. A job's work must be
//! idempotent: a worker that dies mid-job leaves it to be claimed again when its lease ends.

use crate::state::AppState;
use dragoman_core::MessageId;
use dragoman_store::{EnrichmentState, Job, JobState};
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

async fn work(state: AppState) {
    loop {
        let claimed = state.store.claim_jobs(&[ENRICH], 1, LEASE_MS, state.now()).await;
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

/// Detects the language of a new inbound message. Translation, intent and the rest join here.
async fn enrich(state: &AppState, job: &Job) -> Result<(), String> {
    let id = job
        .payload
        .get("message_id")
        .and_then(serde_json::Value::as_i64)
        .ok_or_else(|| format!("payload {} has no message_id", job.payload))?;
    let message = state.store.get_message(MessageId(id)).await.map_err(|e| e.to_string())?;
    let text = if message.body_text.trim().is_empty() {
        message.subject.clone().unwrap_or_default()
    } else {
        message.body_text.clone()
    };
    let detection = dragoman_lang::detect(&text);
    state
        .store
        .record_language(message.id, &detection.language, detection.confidence)
        .await
        .map_err(|e| e.to_string())?;
    state.store.set_enrichment_state(message.id, EnrichmentState::Done).await.map_err(|e| e.to_string())?;
    Ok(())
}
