//! Replies waiting to leave, and what became of them.
//!
//! A reply is an outbound message plus an `outbox` row (its [`Delivery`]) plus a `send_reply`
//! job, written in one transaction by [`OutboxStore::queue_reply`]. The send worker claims
//! jobs with [`OutboxStore::claim_replies`] — never a reply while an earlier one of the same
//! conversation is still on its way — and moves the delivery on: [`OutboxStore::start_sending`]
//! before handing it to the channel, then exactly one of [`OutboxStore::mark_sent`],
//! [`OutboxStore::retry_reply`], [`OutboxStore::fail_reply`] or [`OutboxStore::mark_uncertain`].
//! Each of those settles the job in the same transaction, so the job queue and the delivery
//! state never disagree.
//!
//! A reply claimed while its delivery is still `sending` was being sent by a process that
//! died (its job's lease ran out): the worker must ask the channel (reconcile) instead of
//! sending again.

use crate::{Job, JobId, Result};
use async_trait::async_trait;
use dragoman_core::{
    AgentId, Conversation, ConversationId, Delivery, DeliveryState, LanguageTag, Message, MessageId, OriginalText,
    Timestamp,
};

/// The job kind that delivers a reply.
pub const SEND_REPLY: &str = "send_reply";

/// How often a temporary failure (a relay down, a 4xx) is retried before the reply is marked
/// failed: with [`crate::retry_delay_ms`] (5 s doubling, at most an hour apart) about a day.
pub const SEND_REPLY_MAX_ATTEMPTS: i64 = 36;

/// A reply as an agent sends it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewReply {
    /// Exactly what the buyer gets, in the buyer's language.
    pub body: String,
    /// The language of `body`.
    pub language: Option<LanguageTag>,
    /// What the agent wrote in their own language, when `body` is its translation.
    pub original: Option<OriginalText>,
    /// Resolve the conversation with the same transaction (send-and-resolve). Should the reply
    /// then fail, the conversation is opened again.
    pub resolve: bool,
}

/// A reply written and queued: the outbound message (with its delivery) and its job.
#[derive(Debug, Clone, PartialEq)]
pub struct QueuedReply {
    pub message: Message,
    pub job_id: JobId,
}

/// A `send_reply` job claimed for the worker, with the reply it delivers.
#[derive(Debug, Clone)]
pub struct ClaimedReply {
    pub job: Job,
    pub reply: MessageId,
}

/// Everything a channel sender needs about a reply, read when it is sent.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplyToSend {
    /// The reply, with its delivery.
    pub reply: Message,
    pub conversation: Conversation,
    /// The channel's thread key of the conversation (Amazon: alias|order; eBay conversation id;
    /// chat session).
    pub thread_key: Option<String>,
    /// The newest buyer message written before the reply: whom it answers, and about what.
    pub answering: Option<Message>,
    /// The email `Message-ID` of `answering`.
    pub in_reply_to: Option<String>,
    /// The `Message-ID`s of the thread up to and including `answering`, oldest first.
    pub references: Vec<String>,
}

/// Replies waiting to leave, and what became of them. Implemented for both backends in
/// `sql/outbox.rs`.
#[async_trait]
pub trait OutboxStore: Send + Sync {
    /// Writes a reply by `author` (an agent, or `None` for an API token) and its `send_reply`
    /// job in one transaction; the conversation's activity, preview and message count follow,
    /// its SLA due time is cleared (the buyer got an answer) and, with `resolve`, it is
    /// resolved. `Invalid` when the conversation is closed, the body is empty or the author
    /// does not exist.
    async fn queue_reply(
        &self,
        conversation: ConversationId,
        author: Option<AgentId>,
        reply: &NewReply,
        now: Timestamp,
    ) -> Result<QueuedReply>;

    /// Claims up to `limit` due `send_reply` jobs for `lease_ms` (a job whose lease ran out is
    /// due again), skipping any reply while an earlier reply of its conversation is queued or
    /// sending. Concurrent claimers never get the same job.
    async fn claim_replies(&self, limit: u32, lease_ms: i64, now: Timestamp) -> Result<Vec<ClaimedReply>>;

    /// The reply with its conversation and what it answers.
    async fn reply_to_send(&self, reply: MessageId) -> Result<ReplyToSend>;

    /// Records that the reply is about to be handed to the channel (one more attempt), with
    /// the id the channel will know it by when that is fixed beforehand (email: the
    /// Message-ID, which also threads the buyer's answer onto this conversation). Done before
    /// sending, so a crash mid-send leaves the reply `sending` for reconciliation.
    async fn start_sending(&self, reply: MessageId, external_id: Option<&str>, now: Timestamp) -> Result<Delivery>;

    /// The channel accepted the reply: `sent`, with the channel's id for it when it gave one;
    /// the job is done.
    async fn mark_sent(&self, reply: MessageId, external_id: Option<&str>, now: Timestamp) -> Result<Delivery>;

    /// A temporary failure (the reply did not go out): back to `queued` with the reason, the
    /// job retried after [`crate::retry_delay_ms`]; once the job's attempts are spent, the
    /// reply is `failed` instead. With `keep_sending` the delivery stays `sending` (a
    /// reconciliation that could not reach the channel: whether it went out is still unknown).
    async fn retry_reply(&self, reply: MessageId, reason: &str, keep_sending: bool, now: Timestamp)
    -> Result<Delivery>;

    /// The channel refused the reply for good: `failed` with the reason, the job dead (an
    /// admin may retry it once the cause is fixed: a refused reply never went out).
    async fn fail_reply(&self, reply: MessageId, reason: &str, now: Timestamp) -> Result<Delivery>;

    /// The reply may or may not have gone out and the channel cannot say: `uncertain` with the
    /// reason, the job done; it is never sent again on its own.
    async fn mark_uncertain(&self, reply: MessageId, reason: &str, now: Timestamp) -> Result<Delivery>;

    /// Resolves a conversation that needs no answer (Amazon's "no response needed"): the SLA
    /// due time is cleared, the tag `no-response-needed` added and a note by `author` records
    /// it. `Invalid` when the conversation is closed.
    async fn mark_no_response_needed(
        &self,
        conversation: ConversationId,
        author: Option<AgentId>,
        now: Timestamp,
    ) -> Result<Conversation>;
}

/// The tag a conversation marked "no response needed" carries.
pub const NO_RESPONSE_NEEDED_TAG: &str = "no-response-needed";

/// States a delivery can be moved to from `from` by the worker's transitions.
pub(crate) fn may_move(from: DeliveryState, to: DeliveryState) -> bool {
    use DeliveryState::*;
    match to {
        // A failed reply never went out: an admin's retry sends it again.
        Sending => matches!(from, Queued | Failed),
        // A late answer from the channel (a lease overrun, a reconciliation) is the truth.
        Sent => matches!(from, Sending | Uncertain),
        Queued => from == Sending,
        Failed => matches!(from, Queued | Sending),
        Uncertain => from == Sending,
    }
}
