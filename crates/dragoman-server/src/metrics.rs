//! Prometheus metrics, served as text at `/metrics`.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct IngestLabels {
    pub channel: String,
    /// `stored` or `duplicate`.
    pub outcome: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct JobLabels {
    pub kind: String,
    /// `done`, `retry` or `dead`.
    pub result: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ReplyLabels {
    pub channel: String,
    /// `sent`, `retry`, `failed` or `uncertain`.
    pub outcome: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct StateLabels {
    pub state: &'static str,
}

pub struct Metrics {
    registry: Registry,
    pub ingested: Family<IngestLabels, Counter>,
    pub jobs: Family<JobLabels, Counter>,
    /// Delivery attempts of replies by this process, by how they ended.
    pub replies: Family<ReplyLabels, Counter>,
    /// Refreshed from the database at each scrape, so it is right across several processes.
    pub queue: Family<StateLabels, Gauge>,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("dragoman");
        let ingested = Family::<IngestLabels, Counter>::default();
        let jobs = Family::<JobLabels, Counter>::default();
        let queue = Family::<StateLabels, Gauge>::default();
        let replies = Family::<ReplyLabels, Counter>::default();
        registry.register("ingested_messages", "Inbound messages accepted by this process", ingested.clone());
        registry.register("jobs_processed", "Background jobs finished by this process", jobs.clone());
        registry.register("jobs", "Jobs in the durable queue, by state", queue.clone());
        registry.register("replies", "Reply delivery attempts by this process, by outcome", replies.clone());
        Self { registry, ingested, jobs, queue, replies }
    }
}

impl Metrics {
    pub fn encode(&self) -> String {
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry).expect("writing to a String cannot fail");
        out
    }
}
