//! Live-chat sessions of website visitors, the ordered stream of events each visitor's widget
//! shows, and agent presence (whether anybody is online to chat).
//!
//! A visitor's messages themselves go through ingest like any other channel's; the stream here
//! records, per session, what the widget shows in order, so a widget that reconnects (to this
//! process or another) asks "what came after sequence number N?" and misses nothing.

use crate::Result;
use async_trait::async_trait;
use dragoman_core::{AgentId, Channel, ConversationId, MessageId, ParseError, Timestamp};
use serde::Serialize;

/// A chat session's id; its decimal form is the thread key of the session's conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct ChatSessionId(pub i64);

impl std::fmt::Display for ChatSessionId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl ChatSessionId {
    /// The thread key that ingest files the session's chat messages under.
    pub fn thread_key(self) -> String {
        self.0.to_string()
    }

    /// The thread key of the messages the visitor left by email while nobody was online.
    pub fn email_thread_key(self) -> String {
        format!("chat:{}", self.0)
    }

    /// The session a conversation's thread key names, on the chat channel or by email.
    pub fn from_thread_key(channel: Channel, key: &str) -> Option<Self> {
        let id = match channel {
            Channel::Chat => key,
            Channel::Email => key.strip_prefix("chat:")?,
            _ => return None,
        };
        id.parse().ok().filter(|id| *id > 0).map(Self)
    }
}

/// What the visitor's browser reports when the widget connects.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VisitorInfo {
    /// `navigator.languages` as the browser gave them (`pt-BR`, `pt`, `en-US`), most preferred first.
    pub languages: Vec<String>,
    /// The browser's IANA time zone (`America/Sao_Paulo`).
    pub time_zone: Option<String>,
    /// The page the widget runs on.
    pub page_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChatSession {
    pub id: ChatSessionId,
    pub languages: Vec<String>,
    pub time_zone: Option<String>,
    pub page_url: Option<String>,
    /// Left on the "nobody is online" form.
    pub email: Option<String>,
    /// The sequence number of the newest event (0 before the first).
    pub last_seq: i64,
    pub created_at: Timestamp,
    pub last_seen_at: Timestamp,
}

/// Who an event of the stream comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChatAuthor {
    Visitor,
    Agent,
}

impl ChatAuthor {
    pub fn as_str(self) -> &'static str {
        match self {
            ChatAuthor::Visitor => "visitor",
            ChatAuthor::Agent => "agent",
        }
    }
}

impl std::str::FromStr for ChatAuthor {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        match s {
            "visitor" => Ok(ChatAuthor::Visitor),
            "agent" => Ok(ChatAuthor::Agent),
            _ => Err(ParseError::new("chat author", format!("{s:?} is not one of visitor, agent"))),
        }
    }
}

/// An event to append to a session's stream. It is identified by `client_id` (a visitor
/// message: the widget's own id) or by `message_id` (the stored message it shows); appending
/// one that is already there returns the stored event and changes nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewChatEvent<'a> {
    pub session_id: ChatSessionId,
    pub author: ChatAuthor,
    pub client_id: Option<&'a str>,
    pub message_id: Option<MessageId>,
    /// Exactly what the visitor is shown.
    pub body: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChatEvent {
    pub session_id: ChatSessionId,
    /// 1, 2, 3, … within the session, without gaps.
    pub seq: i64,
    pub author: ChatAuthor,
    pub client_id: Option<String>,
    pub message_id: Option<MessageId>,
    pub body: String,
    pub created_at: Timestamp,
}

/// Live-chat sessions of website visitors. Implemented for both backends in `sql/chat.rs`.
#[async_trait]
pub trait ChatStore: Send + Sync {
    /// A new session for the visitor holding the token with this SHA-256 digest; `Conflict`
    /// when the digest is taken.
    async fn create_chat_session(
        &self,
        token_sha256: &str,
        visitor: &VisitorInfo,
        now: Timestamp,
    ) -> Result<ChatSession>;
    async fn find_chat_session(&self, token_sha256: &str) -> Result<Option<ChatSession>>;
    async fn get_chat_session(&self, id: ChatSessionId) -> Result<ChatSession>;
    /// The session a conversation came from (a chat, or messages left by email from the chat);
    /// `None` for other conversations. `NotFound` when the conversation does not exist.
    async fn chat_session_of(&self, conversation: ConversationId) -> Result<Option<ChatSession>>;
    /// Records what the browser reported on a (re)connect and that the visitor was seen now.
    async fn update_chat_visitor(
        &self,
        id: ChatSessionId,
        visitor: &VisitorInfo,
        now: Timestamp,
    ) -> Result<ChatSession>;
    /// The address the visitor left for an answer by email.
    async fn set_chat_email(&self, id: ChatSessionId, email: &str) -> Result<()>;
    /// Appends an event with the session's next sequence number, or returns the event already
    /// stored with the same `client_id` (in this session) or `message_id`. `NotFound` when the
    /// session does not exist; `Invalid` when the event names neither a client id nor a message
    /// (or a message that does not exist); `Conflict` when the message is already an event of
    /// another session.
    async fn append_chat_event(&self, event: &NewChatEvent<'_>, now: Timestamp) -> Result<ChatEvent>;
    /// Up to `limit` events with a sequence number above `after_seq`, in order.
    async fn chat_events_after(&self, id: ChatSessionId, after_seq: i64, limit: u32) -> Result<Vec<ChatEvent>>;
    /// The event that showed this message, if it was delivered to a chat.
    async fn chat_event_for_message(&self, message: MessageId) -> Result<Option<ChatEvent>>;
    /// The agent showed a sign of life now. `Invalid` when the agent does not exist.
    async fn record_agent_presence(&self, agent: AgentId, now: Timestamp) -> Result<()>;
    /// Agents seen at `since` or later, most recently seen first.
    async fn agents_present_since(&self, since: Timestamp) -> Result<Vec<AgentId>>;
}
