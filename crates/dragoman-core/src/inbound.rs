//! The normalised inbound message: what every channel adapter produces and ingest stores.

use crate::{Channel, LanguageTag, Marketplace, Timestamp};
use serde::{Deserialize, Serialize};

/// What a channel knows about where a message belongs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ThreadHints {
    /// A channel's own thread key: Amazon relay alias + order number, eBay conversation id,
    /// chat session id. Messages with the same key on the same channel share a conversation.
    pub thread_key: Option<String>,
    /// The email `Message-ID` of this message, without angle brackets.
    pub rfc_message_id: Option<String>,
    /// `In-Reply-To` and `References` ids, nearest first, without angle brackets.
    pub references: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboundAttachment {
    pub filename: String,
    pub content_type: String,
    #[serde(skip)]
    pub data: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct InboundMessage {
    pub channel: Channel,
    pub marketplace: Option<Marketplace>,
    /// Deduplication key, unique per channel: the email Message-ID (or a digest of the raw
    /// bytes when there is none), the marketplace's message id, a client-chosen id.
    pub external_id: String,
    pub thread: ThreadHints,
    /// Address or handle replies go to.
    pub sender: String,
    pub sender_name: Option<String>,
    pub subject: Option<String>,
    pub body_text: String,
    pub quoted_text: Option<String>,
    /// Already sanitised.
    pub body_html: Option<String>,
    /// What the channel says about the language (a marketplace prior, a browser setting).
    pub language_hint: Option<LanguageTag>,
    pub order_numbers: Vec<String>,
    pub attachments: Vec<InboundAttachment>,
    pub warnings: Vec<String>,
    /// When the sender says it was written; ingest uses the receive time when absent.
    pub sent_at: Option<Timestamp>,
    /// The raw bytes as received, kept for audit and re-parsing.
    pub raw: Option<RawInput>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RawInput {
    /// `message/rfc822`, `application/json`, …
    pub media_type: String,
    pub bytes: Vec<u8>,
}
