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
    pub created_at: Timestamp,
}
