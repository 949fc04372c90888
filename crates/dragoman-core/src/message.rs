//! Messages inside a conversation: what the buyer wrote, what an agent answered, internal notes.

use crate::channel::vocabulary;
use crate::{AgentId, AttachmentId, ConversationId, LanguageTag, MessageId, RawMessageId, Timestamp};
use serde::{Deserialize, Serialize};

vocabulary!(
    /// Who a message is from: the buyer (inbound), the store (outbound), or the team only (note).
    Direction, "direction" {
        Inbound => "inbound",
        Outbound => "outbound",
        Note => "note",
    }
);

vocabulary!(
    /// Where a reply stands on its way to the buyer. `queued` waits for its turn (or for the
    /// next attempt after a temporary failure), `sending` is with the channel right now, `sent`
    /// was accepted by the channel, `failed` was refused (or given up on) and never went out,
    /// `uncertain` may or may not have gone out (the process stopped mid-send and the channel
    /// cannot be asked): an agent checks before sending anything again.
    DeliveryState, "delivery state" {
        Queued => "queued",
        Sending => "sending",
        Sent => "sent",
        Failed => "failed",
        Uncertain => "uncertain",
    }
);

impl DeliveryState {
    /// Whether the reply is still on its way (and holds back later replies of its conversation).
    pub fn is_pending(self) -> bool {
        matches!(self, DeliveryState::Queued | DeliveryState::Sending)
    }
}

/// What became of a reply sent through the outbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Delivery {
    pub state: DeliveryState,
    /// Why it failed or is uncertain, or the last temporary error while it waits to retry.
    pub reason: Option<String>,
    /// How many times it was handed to the channel.
    pub attempts: i64,
    /// When the next attempt is due, while it waits.
    pub next_attempt_at: Option<Timestamp>,
    /// Stable across attempts; for email the `Message-ID`'s local part.
    pub idempotency_key: String,
    pub queued_at: Timestamp,
    pub sent_at: Option<Timestamp>,
    pub updated_at: Timestamp,
}

/// What an agent wrote, in their own language, when the reply went out translated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OriginalText {
    pub language: LanguageTag,
    pub text: String,
}

/// A message's text in another language, and what produced it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Translation {
    pub language: LanguageTag,
    pub text: String,
    pub engine: String,
    pub model: Option<String>,
    pub created_at: Timestamp,
}

/// A file that came with a message. `stored` is false when the content was over the size
/// limit: the name, type and size are kept, and the message carries a warning.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attachment {
    pub id: AttachmentId,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub stored: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Message {
    pub id: MessageId,
    pub conversation_id: ConversationId,
    pub direction: Direction,
    /// The agent who wrote an outbound message or note.
    pub author_id: Option<AgentId>,
    /// Address (or handle) of the sender of an inbound message.
    pub sender: Option<String>,
    pub sender_name: Option<String>,
    /// The channel's own id of the message; unique per channel.
    pub external_id: Option<String>,
    pub subject: Option<String>,
    /// The author's own words: no quoted history, no signature, no marketplace template.
    pub body_text: String,
    /// What was cut from `body_text` (quoted history, signature), kept for reference.
    pub quoted_text: Option<String>,
    /// The HTML body after sanitising: safe to show in an agent's browser.
    pub body_html: Option<String>,
    pub language: Option<LanguageTag>,
    pub language_confidence: Option<f64>,
    pub translations: Vec<Translation>,
    pub attachments: Vec<Attachment>,
    /// Order numbers found in the subject and body, as written.
    pub order_numbers: Vec<String>,
    /// Problems met while reading damaged input; the message was kept nonetheless.
    pub warnings: Vec<String>,
    pub raw_id: Option<RawMessageId>,
    /// What enrichment understood (intent, escalation, entities), as the analyzer wrote it.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub analysis: Option<serde_json::Value>,
    /// `pending`, `done` or `failed`: whether enrichment (language, later translation and
    /// analysis) has run.
    pub enrichment: String,
    /// For a reply sent through the outbox: where it stands.
    pub delivery: Option<Delivery>,
    /// For a reply written in the agent's language: what the agent wrote (`body_text` is
    /// exactly what went to the buyer).
    pub original: Option<OriginalText>,
    pub created_at: Timestamp,
}
