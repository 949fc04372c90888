//! Inputs and outputs of [`crate::Store`] that are not domain types themselves.

use dragoman_core::*;
use serde::{Deserialize, Serialize};

/// Limits ingest applies while storing.
#[derive(Debug, Clone, Copy)]
pub struct IngestLimits {
    /// Attachments larger than this keep their metadata only.
    pub max_attachment_bytes: usize,
}

impl Default for IngestLimits {
    fn default() -> Self {
        Self { max_attachment_bytes: 10 * 1024 * 1024 }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IngestOutcome {
    pub conversation_id: ConversationId,
    pub message_id: MessageId,
    /// True when this (channel, external id) was already stored; nothing was written.
    pub duplicate: bool,
}

/// Changes to a conversation; `None` leaves a field as it is, `Some(None)` clears it.
/// (Not `Deserialize`: serde reads both a missing field and `null` as `None`, so an API
/// request type should decide what `null` means and build this.)
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConversationPatch {
    pub priority: Option<Priority>,
    pub tier: Option<Tier>,
    pub escalated: Option<bool>,
    pub intent: Option<Option<String>>,
    pub team_id: Option<Option<TeamId>>,
    pub sla_due_at: Option<Option<Timestamp>>,
    /// An agent's correction of the detected language.
    pub buyer_language: Option<LanguageTag>,
    /// Replaces the whole set.
    pub tags: Option<Vec<String>>,
    /// Link (or unlink) the order the conversation is about, e.g. found by a tracking number.
    pub order_id: Option<Option<OrderId>>,
}

/// Who a conversation list is filtered to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssigneeFilter {
    Agent(AgentId),
    Unassigned,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConversationSort {
    /// Soonest SLA due time first; conversations without one last. Ties by id.
    #[default]
    SlaDue,
    /// Most recent message first.
    LastActivity,
}

#[derive(Debug, Clone, Default)]
pub struct ConversationQuery {
    pub status: Option<ConversationStatus>,
    pub assignee: Option<AssigneeFilter>,
    pub channel: Option<Channel>,
    pub language: Option<LanguageTag>,
    pub intent: Option<String>,
    pub tag: Option<String>,
    pub escalated: Option<bool>,
    /// Partners see only the conversations escalated to their tier.
    pub tier: Option<Tier>,
    /// Conversations with a message whose text contains this (case-insensitive).
    pub text: Option<String>,
    pub sort: ConversationSort,
    pub page: PageRequest,
}

/// Keyset pagination: `cursor` is the opaque `next_cursor` of the previous page.
#[derive(Debug, Clone, Default)]
pub struct PageRequest {
    pub cursor: Option<String>,
    /// 1..=200; 0 means the default of 50.
    pub limit: u32,
}

impl PageRequest {
    pub fn effective_limit(&self) -> u32 {
        match self.limit {
            0 => 50,
            n => n.min(200),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass back as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EnrichmentState {
    Pending,
    Done,
    Failed,
}

impl EnrichmentState {
    pub fn as_str(self) -> &'static str {
        match self {
            EnrichmentState::Pending => "pending",
            EnrichmentState::Done => "done",
            EnrichmentState::Failed => "failed",
        }
    }
}

#[derive(Debug, Clone)]
pub struct RawMessage {
    pub id: RawMessageId,
    pub media_type: String,
    pub bytes: Vec<u8>,
    pub sha256: String,
    pub received_at: Timestamp,
}

/// A customer to create; also the body of `POST /api/v1/customers`.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewCustomer {
    pub name: Option<String>,
    #[serde(default)]
    pub aliases: Vec<CustomerAlias>,
    /// ISO 3166-1 alpha-2.
    pub country: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub notes: Option<String>,
}

/// An order to create or replace; also the body of `PUT /api/v1/orders`.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewOrder {
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "amazon.de"))]
    pub marketplace: Marketplace,
    pub order_number: String,
    pub customer_id: Option<CustomerId>,
    pub status: String,
    pub currency: Option<String>,
    pub total: Option<String>,
    #[serde(default)]
    pub items: Vec<OrderItem>,
    #[serde(default)]
    pub shipments: Vec<Shipment>,
    pub shipping_country: Option<String>,
    pub ordered_at: Option<Timestamp>,
}

#[derive(Debug, Clone)]
pub struct NewAgent {
    pub name: String,
    pub email: String,
    pub role: Role,
    pub languages: Vec<LanguageTag>,
    pub time_zone: String,
    pub team_id: Option<TeamId>,
    /// argon2 PHC string; `None` for an agent who cannot log in (API-only, partner not yet invited).
    pub password_hash: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewSession {
    pub token_sha256: String,
    pub agent_id: AgentId,
    pub csrf_token: String,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

#[derive(Debug, Clone)]
pub struct Session {
    pub agent: Agent,
    pub csrf_token: String,
    pub expires_at: Timestamp,
}

#[derive(Debug, Clone, Serialize)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Queued,
    Running,
    Done,
    Dead,
}

impl JobState {
    pub const ALL: [JobState; 4] = [JobState::Queued, JobState::Running, JobState::Done, JobState::Dead];

    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Dead => "dead",
        }
    }

    pub fn parse(s: &str) -> Option<JobState> {
        JobState::ALL.into_iter().find(|j| j.as_str() == s)
    }
}

#[derive(Debug, Clone)]
pub struct NewJob {
    /// What to do, e.g. `enrich`.
    pub kind: String,
    pub payload: serde_json::Value,
    pub max_attempts: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Job {
    pub id: JobId,
    pub kind: String,
    pub payload: serde_json::Value,
    pub state: JobState,
    pub attempts: i64,
    pub max_attempts: i64,
    pub run_at: Timestamp,
    pub last_error: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// A labelled example from the store's own agents, for the intent classifier.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IntentExample {
    pub id: i64,
    pub text: String,
    pub intent: Intent,
    pub language: Option<LanguageTag>,
    /// The message an agent corrected, when the example came from one.
    pub source_message_id: Option<MessageId>,
    pub created_by: Option<AgentId>,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone)]
pub struct NewIntentExample {
    pub text: String,
    pub intent: Intent,
    pub language: Option<LanguageTag>,
    pub source_message_id: Option<MessageId>,
    pub created_by: Option<AgentId>,
}

/// A reply template (SOP) as the store keeps it: the template engine's source and the
/// condition under which it applies, both interpreted by `dragoman-nlu`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoredTemplate {
    /// Stable name such as `order_status.shipped`; with `language`, unique.
    pub key: String,
    pub language: LanguageTag,
    pub intent: Intent,
    pub title: String,
    pub body: String,
    /// When it applies, e.g. `any`, `shipped`, `not_shipped`, `escalated`.
    pub condition: String,
    pub updated_at: Timestamp,
}
