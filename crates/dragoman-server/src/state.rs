//! State shared by every request handler and background worker.

use crate::config::Settings;
use crate::metrics::Metrics;
use dragoman_core::Timestamp;
use dragoman_nlu::Analyzer;
use dragoman_store::Store;
use std::sync::Arc;
use tokio::sync::Notify;

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub settings: Arc<Settings>,
    pub metrics: Arc<Metrics>,
    /// The models that understand messages (language, intent, escalation, entities).
    pub analyzer: Arc<Analyzer>,
    /// Woken when ingest queues work, so workers pick it up at once instead of at their next poll.
    pub jobs_queued: Arc<Notify>,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, settings: Settings, analyzer: Arc<Analyzer>) -> Self {
        Self {
            store,
            analyzer,
            settings: Arc::new(settings),
            metrics: Arc::new(Metrics::default()),
            jobs_queued: Arc::new(Notify::new()),
        }
    }

    pub fn now(&self) -> Timestamp {
        Timestamp::from_datetime(chrono::Utc::now())
    }
}
