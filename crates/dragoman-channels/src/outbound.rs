//! The contract between the durable outbox (in `dragoman-server`'s send worker) and each
//! channel's sender: what a reply carries, and how a delivery attempt can end.
//!
//! The worker records the reply's idempotency key before calling [`ChannelSender::send`], so a
//! crash between "the channel accepted it" and "we recorded that" is caught on restart by
//! [`ChannelSender::reconcile`] instead of sending twice.

use async_trait::async_trait;
use dragoman_core::{Channel, ConversationId, LanguageTag, Marketplace, MessageId};

/// One reply as a channel sender needs it. Built by the send worker from the stored reply,
/// its conversation and the conversation's last inbound message.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboundReply {
    pub reply_id: MessageId,
    pub conversation_id: ConversationId,
    pub channel: Channel,
    pub marketplace: Option<Marketplace>,
    /// Where it goes: an email address (for Amazon, the buyer's relay alias); `None` for
    /// channels that address by thread (eBay conversation, chat session).
    pub recipient: Option<String>,
    /// The channel's own thread id (eBay conversation id, chat session id), when it has one.
    pub thread_key: Option<String>,
    pub subject: Option<String>,
    /// Exactly the text the agent approved, in the buyer's language.
    pub body: String,
    pub language: Option<LanguageTag>,
    /// Email threading: the Message-ID being answered, and the chain before it.
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    /// Stable across attempts (for email, the local part of the Message-ID; elsewhere a key
    /// the channel can be asked about or that the receiving end deduplicates on).
    pub idempotency_key: String,
}

/// How a delivery attempt ended when it did not succeed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Worth retrying later (4xx, connection refused, timeout): the worker backs off.
    #[error("temporary delivery failure: {0}")]
    Temporary(String),
    /// Retrying cannot help (5xx, rejected recipient, rule broken): the reply is marked failed
    /// with this reason for the agent.
    #[error("delivery refused: {0}")]
    Permanent(String),
}

/// What the channel said when it accepted a reply.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Delivered {
    /// The channel's id for the sent message, when it gives one.
    pub external_id: Option<String>,
}

/// After a crash mid-send: did the channel get the reply?
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reconciled {
    Delivered(Delivered),
    NotDelivered,
    /// The channel cannot be asked; the worker must not guess (it marks the reply for an agent
    /// to check rather than risk a duplicate).
    Unknown,
}

/// Sends replies on one channel.
#[async_trait]
pub trait ChannelSender: Send + Sync {
    async fn send(&self, reply: &OutboundReply) -> Result<Delivered, SendError>;
    /// Asked only for a reply whose earlier attempt may or may not have gone out.
    async fn reconcile(&self, reply: &OutboundReply) -> Result<Reconciled, SendError>;

    /// The id the channel will know this reply by, when the sender fixes it before sending
    /// (email: the `Message-ID`, without angle brackets). The worker records it before the
    /// attempt, so the buyer's answer threads onto the conversation and the reply can be
    /// identified even if the process dies before the channel's answer is recorded.
    fn planned_external_id(&self, _reply: &OutboundReply) -> Option<String> {
        None
    }
}
