//! Each conversation's SLA clock, the sweep that records warnings and breaches, and the
//! conversation timeline they are written to.
//!
//! The clock itself ([`SlaClock`]) is pure arithmetic in `dragoman-core`; the store keeps it as
//! JSON with the policy it was started under, so that paused time and breaches survive restarts
//! and any process can continue it. [`SlaStore::save_sla`] also copies the clock's nearest
//! deadline into the conversation's `sla_due_at`, which the inbox sorts by.
//!
//! The sweep ([`SlaStore::record_sla_warnings`], [`SlaStore::record_sla_breaches`]) claims
//! with a conditional `UPDATE … RETURNING`, so with several processes on one database each
//! warning and breach is recorded by exactly one of them, once per deadline.

use crate::Result;
use async_trait::async_trait;
use dragoman_core::sla::{Deadline, SlaClock};
use dragoman_core::{ConversationId, Timestamp};

/// Timeline kind: the policy a conversation's clock runs under was set or changed.
pub const SLA_POLICY: &str = "sla_policy";
/// Timeline kind: the warning share of a deadline was reached.
pub const SLA_WARNING: &str = "sla_warning";
/// Timeline kind: a deadline ran out; the conversation was escalated.
pub const SLA_BREACH: &str = "sla_breach";

/// The stored SLA state of one conversation.
#[derive(Debug, Clone, PartialEq)]
pub struct SlaState {
    pub conversation_id: ConversationId,
    /// The name of the policy the clock was started under.
    pub policy: String,
    pub clock: SlaClock,
    /// The clock's nearest running deadline ([`nearest_deadline`]).
    pub due_at: Option<Timestamp>,
    pub warn_at: Option<Timestamp>,
    /// The first deadline the sweep found breached, at the instant it ran out.
    pub first_breach_at: Option<Timestamp>,
    pub updated_at: Timestamp,
}

/// A warning or breach the sweep recorded (and wrote to the timeline).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlaAlert {
    pub conversation_id: ConversationId,
    pub policy: String,
    pub due_at: Timestamp,
    pub warn_at: Option<Timestamp>,
}

/// One entry of a conversation's timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct ConversationEvent {
    pub id: i64,
    pub conversation_id: ConversationId,
    pub at: Timestamp,
    /// [`SLA_POLICY`], [`SLA_WARNING`], [`SLA_BREACH`], …
    pub kind: String,
    /// A JSON object whose fields depend on `kind`.
    pub detail: serde_json::Value,
}

/// Of the clock's running targets (response, resolution), the one due first: that is the
/// deadline agents work against and the sweep watches.
pub fn nearest_deadline(clock: &SlaClock) -> Deadline {
    [clock.response(), clock.resolution()]
        .into_iter()
        .filter(|d| d.due_at.is_some())
        .min_by_key(|d| d.due_at)
        .unwrap_or_default()
}

/// SLA clocks and the conversation timeline. Implemented for both backends in `sql/sla.rs`.
#[async_trait]
pub trait SlaStore: Send + Sync {
    /// The conversation's SLA state; `None` before a clock was saved for it.
    async fn sla_state(&self, conversation: ConversationId) -> Result<Option<SlaState>>;

    /// Saves the conversation's clock under `policy` and sets its `sla_due_at` to the clock's
    /// [`nearest_deadline`] (cleared when nothing is owed or the clock is paused), in one
    /// transaction; a first or changed policy is written to the timeline. `NotFound` when the
    /// conversation does not exist.
    async fn save_sla(
        &self,
        conversation: ConversationId,
        policy: &str,
        clock: &SlaClock,
        now: Timestamp,
    ) -> Result<SlaState>;

    /// Records up to `limit` warnings whose instant has passed by `now` and that were not yet
    /// recorded for their deadline, each with a timeline event. Only conversations that still
    /// show a due time count: a reply that cleared it silences the clock until it is saved again.
    async fn record_sla_warnings(&self, now: Timestamp, limit: u32) -> Result<Vec<SlaAlert>>;

    /// Like [`SlaStore::record_sla_warnings`] for deadlines that ran out: each breach is written
    /// to the timeline and escalates the conversation, raising its priority one step.
    async fn record_sla_breaches(&self, now: Timestamp, limit: u32) -> Result<Vec<SlaAlert>>;

    /// The conversation's timeline, oldest first. `NotFound` when the conversation does not exist.
    async fn conversation_events(&self, conversation: ConversationId) -> Result<Vec<ConversationEvent>>;
}
