//! Persistence for Dragoman behind one trait, [`Store`], with two implementations:
//! SQLite (the embedded default: one WAL-mode file, created and migrated on open) and
//! PostgreSQL (the scale-out backend: several `dragoman serve` processes share it).
//!
//! Layout:
//! - [`model`]: the query and command types of the trait (filters, pages, new records, jobs).
//! - [`error`]: [`StoreError`], with `NotFound`/`Conflict`/`Invalid` kept apart from backend failures.
//! - [`open`]: picks the implementation from a URL (`sqlite://…`, a file path, `postgres://…`).
//! - [`sqlite`] / [`postgres`]: the two implementations. Each is small: connection set-up,
//!   migrations (`migrations/<backend>/`) and the few statements the dialects disagree on
//!   (SQLite's `BEGIN IMMEDIATE` and FTS5 trigram search, PostgreSQL's `FOR UPDATE SKIP LOCKED`,
//!   advisory locks and `pg_trgm` search).
//! - `shared.rs`: every other query, written once and compiled into both backend modules,
//!   so the two implementations cannot drift apart.
//! - [`outbox`], [`mailbox`], [`marketplace`], [`chat`], [`translation`], [`sla`]: one trait per feature
//!   with tables of its own; `sql/<feature>.rs` implements it once for both backends.
//! - `rows`, `cursor`, `ingest`: backend-neutral row types, keyset cursors, and the pure parts
//!   of ingest (previews, the attachment size rule).
//!
//! Policy: every multi-row write that must not be half-done (ingest above all) is one
//! transaction inside the store; callers never see a transaction. Times are passed in as
//! [`dragoman_core::Timestamp`] so behaviour is testable without a clock. Both backends run the
//! conformance suite in `tests/conformance.rs`.

pub mod chat;
mod cursor;
pub mod error;
mod ingest;
pub mod mailbox;
pub mod marketplace;
pub mod model;
pub mod outbox;
pub mod postgres;
mod rows;
pub mod sla;
pub mod sqlite;
pub mod translation;

pub use chat::ChatStore;
pub use error::StoreError;
pub use mailbox::{MailboxCursor, MailboxFailure, MailboxStore};
pub use marketplace::MarketplaceStore;
pub use model::*;
pub use outbox::OutboxStore;
pub use postgres::PgStore;
pub use sla::{ConversationEvent, SlaAlert, SlaState, SlaStore};
pub use sqlite::SqliteStore;
pub use translation::{
    GlossaryEntry, NewGlossaryEntry, NewReplyPreview, PendingTranslation, ReplyPreview, TranslationCacheKey,
    TranslationStore,
};

use async_trait::async_trait;
use dragoman_core::*;
use std::sync::Arc;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Everything Dragoman keeps. Implemented for SQLite and PostgreSQL; the conformance suite in
/// `tests/conformance.rs` runs against both. Each channel or feature with tables of its own has
/// its own trait (in its module, implemented in `sql/`), which `Store` includes, so a
/// `dyn Store` reaches them all once the trait is in scope.
#[async_trait]
pub trait Store:
    OutboxStore + MailboxStore + MarketplaceStore + ChatStore + TranslationStore + SlaStore + Send + Sync + 'static
{
    fn backend(&self) -> Backend;

    /// A cheap round trip, for `/readyz`.
    async fn ping(&self) -> Result<()>;

    // --- ingest -------------------------------------------------------------------------

    /// Stores an inbound message in one transaction: its raw bytes, the customer (found by
    /// channel + sender address, or created), the conversation it threads into (or a new
    /// one), the message, its attachments (content over `limits.max_attachment_bytes` is
    /// not kept; a warning says so) and an `enrich` job. A message whose (channel,
    /// external id) is already stored changes nothing and is reported as a duplicate.
    async fn ingest(&self, msg: &InboundMessage, limits: &IngestLimits, now: Timestamp) -> Result<IngestOutcome>;

    // --- conversations and messages -----------------------------------------------------

    async fn list_conversations(&self, query: &ConversationQuery) -> Result<Page<Conversation>>;
    async fn get_conversation(&self, id: ConversationId) -> Result<Conversation>;
    /// Messages of a conversation, oldest first, with translations and attachment metadata.
    async fn list_messages(&self, conversation: ConversationId) -> Result<Vec<Message>>;
    async fn get_message(&self, id: MessageId) -> Result<Message>;
    /// Fails with `Invalid` when the status machine forbids the move.
    async fn set_status(&self, id: ConversationId, status: ConversationStatus, now: Timestamp) -> Result<Conversation>;
    /// `None` unassigns. Fails with `Invalid` when the agent does not exist.
    async fn assign(&self, id: ConversationId, assignee: Option<AgentId>, now: Timestamp) -> Result<Conversation>;
    /// Adds an internal note by `author` (who must exist). A note counts in `message_count`
    /// and bumps `updated_at`, but leaves `last_message_at` and `preview` alone: those follow
    /// the conversation with the buyer.
    async fn add_note(&self, id: ConversationId, author: AgentId, body: &str, now: Timestamp) -> Result<Message>;
    /// Applies routing and analysis results or an agent's corrections (priority, tier,
    /// escalation, intent, team, SLA due time, buyer language, tags). Tags are trimmed,
    /// lower-cased and de-duplicated. Fails with `Invalid` when the team does not exist.
    async fn update_conversation(
        &self,
        id: ConversationId,
        patch: &ConversationPatch,
        now: Timestamp,
    ) -> Result<Conversation>;
    /// Records the detected language of a message, and makes it the conversation's buyer
    /// language when the conversation has none yet.
    async fn record_language(&self, message: MessageId, language: &LanguageTag, confidence: f64) -> Result<()>;
    /// Stores what enrichment understood about a message (replacing an earlier analysis).
    async fn record_analysis(&self, message: MessageId, analysis: &serde_json::Value) -> Result<()>;
    async fn set_enrichment_state(&self, message: MessageId, state: EnrichmentState) -> Result<()>;
    async fn add_translation(&self, message: MessageId, translation: &Translation) -> Result<()>;
    /// Content of a stored attachment; `NotFound` also when its content was not kept.
    async fn attachment_content(&self, id: AttachmentId) -> Result<(Attachment, Vec<u8>)>;
    async fn raw_message(&self, id: RawMessageId) -> Result<RawMessage>;

    // --- customers and orders -----------------------------------------------------------

    async fn create_customer(&self, customer: &NewCustomer, now: Timestamp) -> Result<Customer>;
    async fn get_customer(&self, id: CustomerId) -> Result<Customer>;
    /// Newest first.
    async fn list_customers(&self, page: &PageRequest) -> Result<Page<Customer>>;
    /// Inserts or replaces (by marketplace + order number) an order with its items and shipments.
    /// Conversations about this order number that are not linked to an order yet get linked.
    async fn upsert_order(&self, order: &NewOrder, now: Timestamp) -> Result<Order>;
    async fn get_order(&self, id: OrderId) -> Result<Order>;
    /// The most recently updated order with this number, on any marketplace.
    async fn find_order(&self, order_number: &str) -> Result<Option<Order>>;
    /// Newest first.
    async fn list_orders(&self, page: &PageRequest) -> Result<Page<Order>>;
    /// The order with a shipment of this tracking number (the most recently updated).
    async fn find_order_by_tracking(&self, tracking_number: &str) -> Result<Option<Order>>;

    // --- what the models learn from, and what agents answer with -------------------------

    async fn add_intent_example(&self, example: &NewIntentExample, now: Timestamp) -> Result<IntentExample>;
    /// Every stored example, oldest first.
    async fn list_intent_examples(&self) -> Result<Vec<IntentExample>>;
    /// How many examples there are, to notice new ones without loading them all.
    async fn count_intent_examples(&self) -> Result<usize>;
    async fn list_templates(&self) -> Result<Vec<StoredTemplate>>;
    /// Inserts or replaces the template with this key and language.
    async fn upsert_template(&self, template: &StoredTemplate) -> Result<StoredTemplate>;
    /// Fails with `NotFound` when the store has no such template.
    async fn delete_template(&self, key: &str, language: &LanguageTag) -> Result<()>;

    // --- agents, sessions, tokens -------------------------------------------------------

    async fn create_team(&self, name: &str, working_language: &LanguageTag) -> Result<Team>;
    async fn list_teams(&self) -> Result<Vec<Team>>;
    /// Fails with `Conflict` when the email is taken.
    async fn create_agent(&self, agent: &NewAgent, now: Timestamp) -> Result<Agent>;
    async fn get_agent(&self, id: AgentId) -> Result<Agent>;
    async fn list_agents(&self) -> Result<Vec<Agent>>;
    /// The agent with this login email and their password hash.
    async fn agent_credentials(&self, email: &str) -> Result<Option<(Agent, String)>>;
    async fn create_session(&self, session: &NewSession) -> Result<()>;
    /// The live (unexpired) session with this token digest.
    async fn find_session(&self, token_sha256: &str, now: Timestamp) -> Result<Option<Session>>;
    async fn delete_session(&self, token_sha256: &str) -> Result<()>;
    async fn create_api_token(&self, name: &str, role: Role, token_sha256: &str, now: Timestamp) -> Result<ApiToken>;
    async fn find_api_token(&self, token_sha256: &str) -> Result<Option<ApiToken>>;

    // --- durable jobs -------------------------------------------------------------------

    async fn enqueue(&self, job: &NewJob, now: Timestamp) -> Result<JobId>;
    /// Claims up to `limit` due jobs of the given kinds for `lease_ms`; a job whose lease ran
    /// out (its worker died) is due again. Concurrent claimers never get the same job.
    async fn claim_jobs(&self, kinds: &[&str], limit: u32, lease_ms: i64, now: Timestamp) -> Result<Vec<Job>>;
    async fn complete_job(&self, id: JobId, now: Timestamp) -> Result<()>;
    /// Records a failed attempt: the job is retried after [`retry_delay_ms`] or, once
    /// `max_attempts` is reached, becomes `dead`. Returns the new state.
    async fn fail_job(&self, id: JobId, error: &str, now: Timestamp) -> Result<JobState>;
    /// Newest first; `limit` as in [`PageRequest`] (0 means 50, at most 200).
    async fn list_jobs(&self, state: Option<JobState>, limit: u32) -> Result<Vec<Job>>;
    /// Puts a dead job back in the queue with a fresh attempt budget; `Invalid` when the job
    /// is not dead.
    async fn retry_job(&self, id: JobId, now: Timestamp) -> Result<()>;
    /// One entry per state, in [`JobState::ALL`] order, zeros included.
    async fn job_counts(&self) -> Result<Vec<(JobState, i64)>>;
}

/// Opens the store a URL names, creating and migrating the database as needed:
/// `sqlite://PATH`, `sqlite:PATH` or a plain file path for SQLite; `postgres://…` or
/// `postgresql://…` for PostgreSQL.
pub async fn open(url: &str) -> Result<Arc<dyn Store>> {
    let url = url.trim();
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok(Arc::new(PgStore::connect(url).await?));
    }
    let path = if let Some(rest) = url.strip_prefix("sqlite:") {
        rest.strip_prefix("//").unwrap_or(rest)
    } else if let Some((scheme, _)) = url.split_once("://") {
        // Only the scheme is echoed: the rest may hold a password.
        return Err(StoreError::Invalid(format!("unrecognised database URL scheme {scheme:?}; {ACCEPTED_URLS}")));
    } else {
        url
    };
    if path.is_empty() || path == ":memory:" {
        return Err(StoreError::Invalid(format!("{url:?} names no database file; {ACCEPTED_URLS}")));
    }
    Ok(Arc::new(SqliteStore::open(path).await?))
}

const ACCEPTED_URLS: &str = "use sqlite://PATH, sqlite:PATH, a plain file path (SQLite), \
     or postgres://USER@HOST:PORT/DATABASE (PostgreSQL)";

/// Exponential backoff for a job's next attempt: 5 s, 10 s, 20 s, … capped at one hour.
pub fn retry_delay_ms(attempts: i64) -> i64 {
    let exp = attempts.clamp(1, 20) - 1;
    (5_000i64 << exp).min(3_600_000)
}
