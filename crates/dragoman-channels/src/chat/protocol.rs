//! The chat WebSocket's frames: JSON text messages with a `type` field.
//!
//! Visitor → server:
//! - `hello` (first, once): `token` (the session token the widget stored, if any), `last_seq`
//!   (the newest event it has shown), `languages` (`navigator.languages`), `time_zone`
//!   (`Intl.DateTimeFormat().resolvedOptions().timeZone`), `page` (`location.href`).
//! - `message`: `client_id` (the widget's id for it, kept across resends) and `text`.
//! - `leave_email`: `client_id`, `email`, `text`: the "nobody is online" form.
//!
//! Server → visitor:
//! - `welcome`: `online` (is an agent there?), `max_chars`, and `token` only when a new session
//!   was opened (the widget stores it and forgets what it showed before).
//! - `event`: `seq`, `from` (`visitor`/`agent`), `client_id` (visitor messages), `text`, `at`
//!   (ms since the epoch). Sent in `seq` order, each once per connection.
//! - `ack`: `client_id`, `seq`: the message is stored; the widget may forget its copy.
//! - `error`: `code`, `message`, and `client_id` / `retry_after_ms` when they apply.

use dragoman_core::{Channel, EmailAddress, InboundMessage, LanguageTag, OrderNumber, RawInput, ThreadHints};
use dragoman_store::chat::{ChatAuthor, ChatEvent, ChatSessionId, VisitorInfo};
use serde::{Deserialize, Serialize};

/// Browsers list a handful of languages; more is not a browser talking.
const MAX_LANGUAGES: usize = 8;
const MAX_CLIENT_ID: usize = 64;
const MAX_TOKEN: usize = 128;
const MAX_PAGE_URL: usize = 2048;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientFrame {
    Hello(Hello),
    Message { client_id: String, text: String },
    LeaveEmail { client_id: String, email: String, text: String },
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Hello {
    pub token: Option<String>,
    #[serde(default)]
    pub last_seq: i64,
    #[serde(default)]
    pub languages: Vec<String>,
    pub time_zone: Option<String>,
    pub page: Option<String>,
}

impl Hello {
    /// The stored token this widget claims, when it is shaped like one.
    pub fn token(&self) -> Option<&str> {
        self.token.as_deref().map(str::trim).filter(|t| !t.is_empty() && t.len() <= MAX_TOKEN)
    }

    /// What the browser said, keeping only values shaped as a browser gives them (anything
    /// else is dropped, not refused: it is a hint, not a requirement).
    pub fn visitor(&self) -> VisitorInfo {
        let languages = self
            .languages
            .iter()
            .map(|l| l.trim())
            .filter(|l| is_language_range(l))
            .take(MAX_LANGUAGES)
            .map(str::to_owned)
            .collect();
        let time_zone = self.time_zone.as_deref().map(str::trim).filter(|z| is_time_zone(z)).map(str::to_owned);
        let page_url = self
            .page
            .as_deref()
            .map(str::trim)
            .filter(|p| p.len() <= MAX_PAGE_URL && (p.starts_with("https://") || p.starts_with("http://")))
            .map(str::to_owned);
        VisitorInfo { languages, time_zone, page_url }
    }
}

/// `pt-BR`, `zh-Hant-TW`, `en`: a BCP 47 tag as browsers report them.
fn is_language_range(s: &str) -> bool {
    let mut parts = s.split('-');
    let primary = parts.next().unwrap_or_default();
    s.len() <= 35
        && (2..=3).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// `Europe/Berlin`, `America/Argentina/Buenos_Aires`, `UTC`, `Etc/GMT+3`.
fn is_time_zone(s: &str) -> bool {
    (1..=64).contains(&s.len()) && s.chars().all(|c| c.is_ascii_alphanumeric() || "/_+-".contains(c))
}

/// The browser's preferred language that Dragoman can name, as a prior for detection.
pub fn language_hint(languages: &[String]) -> Option<LanguageTag> {
    languages.iter().find_map(|l| LanguageTag::parse(l).ok())
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerFrame {
    Welcome {
        #[serde(skip_serializing_if = "Option::is_none")]
        token: Option<String>,
        online: bool,
        max_chars: usize,
    },
    Event {
        seq: i64,
        from: ChatAuthor,
        #[serde(skip_serializing_if = "Option::is_none")]
        client_id: Option<String>,
        text: String,
        at: i64,
    },
    Ack {
        client_id: String,
        seq: i64,
    },
    Error {
        code: &'static str,
        message: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        client_id: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        retry_after_ms: Option<u64>,
    },
}

impl From<ChatEvent> for ServerFrame {
    fn from(e: ChatEvent) -> Self {
        ServerFrame::Event { seq: e.seq, from: e.author, client_id: e.client_id, text: e.body, at: e.created_at.0 }
    }
}

impl ServerFrame {
    pub fn error(e: &FrameError, client_id: Option<&str>) -> Self {
        ServerFrame::Error {
            code: e.code(),
            message: e.to_string(),
            client_id: client_id.map(str::to_owned),
            retry_after_ms: None,
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("frames are plain data")
    }
}

/// What is wrong with a frame from the widget; each has a stable `code` for the widget.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    #[error("not a chat frame: {0}")]
    BadFrame(String),
    #[error("send hello first")]
    HelloFirst,
    #[error("client_id must be 1 to 64 letters, digits, '-' or '_'")]
    BadClientId,
    #[error("the message is empty")]
    Empty,
    #[error("the message has {chars} characters; at most {max} are accepted")]
    TooLong { chars: usize, max: usize },
    #[error("{0}")]
    BadEmail(String),
}

impl FrameError {
    pub fn code(&self) -> &'static str {
        match self {
            FrameError::BadFrame(_) => "bad_frame",
            FrameError::HelloFirst => "hello_first",
            FrameError::BadClientId => "bad_client_id",
            FrameError::Empty => "empty",
            FrameError::TooLong { .. } => "too_long",
            FrameError::BadEmail(_) => "bad_email",
        }
    }
}

impl ClientFrame {
    pub fn parse(text: &str) -> Result<Self, FrameError> {
        serde_json::from_str(text).map_err(|e| FrameError::BadFrame(e.to_string()))
    }
}

pub fn check_client_id(id: &str) -> Result<(), FrameError> {
    let ok = (1..=MAX_CLIENT_ID).contains(&id.len())
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok { Ok(()) } else { Err(FrameError::BadClientId) }
}

/// The text as stored: line ends normalised, control characters other than newline and tab
/// removed (PostgreSQL refuses NUL), trimmed, and at most `max_chars` characters.
pub fn visitor_text(text: &str, max_chars: usize) -> Result<String, FrameError> {
    let cleaned: String =
        text.replace("\r\n", "\n").chars().filter(|c| !c.is_control() || *c == '\n' || *c == '\t').collect();
    let cleaned = cleaned.trim();
    let chars = cleaned.chars().count();
    if chars == 0 {
        return Err(FrameError::Empty);
    }
    if chars > max_chars {
        return Err(FrameError::TooLong { chars, max: max_chars });
    }
    Ok(cleaned.to_owned())
}

pub fn visitor_email(email: &str) -> Result<EmailAddress, FrameError> {
    EmailAddress::parse(email).map_err(|e| FrameError::BadEmail(e.to_string()))
}

/// What ingest deduplicates a visitor message on: the same message resent after a reconnect
/// has the same id.
pub fn external_id(session: ChatSessionId, client_id: &str) -> String {
    format!("{session}:{client_id}")
}

/// A visitor's chat message as ingest stores it: channel `chat`, threaded by session. `raw`
/// is the frame as received.
pub fn visitor_message(
    session: ChatSessionId,
    client_id: &str,
    text: &str,
    languages: &[String],
    raw: Vec<u8>,
) -> InboundMessage {
    InboundMessage {
        channel: Channel::Chat,
        marketplace: None,
        external_id: external_id(session, client_id),
        thread: ThreadHints { thread_key: Some(session.thread_key()), rfc_message_id: None, references: Vec::new() },
        sender: format!("chat:{session}"),
        sender_name: None,
        subject: None,
        body_text: text.to_owned(),
        quoted_text: None,
        body_html: None,
        language_hint: language_hint(languages),
        order_numbers: OrderNumber::find_all(text).into_iter().map(|o| o.text).collect(),
        attachments: Vec::new(),
        warnings: Vec::new(),
        sent_at: None,
        raw: Some(RawInput { media_type: "application/json".into(), bytes: raw }),
    }
}

/// A message left on the "nobody is online" form. It is filed as email from the address the
/// visitor gave, so the reply goes out by email; the messages one visitor leaves share a thread.
pub fn left_message(
    session: ChatSessionId,
    client_id: &str,
    email: &EmailAddress,
    text: &str,
    languages: &[String],
    raw: Vec<u8>,
) -> InboundMessage {
    let mut message = visitor_message(session, client_id, text, languages, raw);
    message.channel = Channel::Email;
    message.external_id = format!("chat:{}", message.external_id);
    message.thread.thread_key = Some(session.email_thread_key());
    message.sender = email.as_str().to_owned();
    message.subject = Some("Message left in the website chat".into());
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hello_keeps_what_a_browser_sends_and_drops_the_rest() {
        let hello = match ClientFrame::parse(
            r#"{"type":"hello","token":"  abc ","last_seq":4,"languages":["pt-BR","pt","en-US","x","<script>","zh-Hant-TW"],
                "time_zone":"America/Sao_Paulo","page":"https://shop.example/p?q=1","future_field":1}"#,
        )
        .unwrap()
        {
            ClientFrame::Hello(h) => h,
            other => panic!("{other:?}"),
        };
        assert_eq!((hello.token(), hello.last_seq), (Some("abc"), 4));
        let visitor = hello.visitor();
        assert_eq!(visitor.languages, ["pt-BR", "pt", "en-US", "zh-Hant-TW"]);
        assert_eq!(visitor.time_zone.as_deref(), Some("America/Sao_Paulo"));
        assert_eq!(visitor.page_url.as_deref(), Some("https://shop.example/p?q=1"));
        assert_eq!(language_hint(&visitor.languages).unwrap().as_str(), "pt");

        let odd = Hello {
            time_zone: Some("Europe/Berlin; DROP".into()),
            page: Some("javascript:alert(1)".into()),
            ..Hello::default()
        }
        .visitor();
        assert_eq!((odd.time_zone, odd.page_url), (None, None));
        assert_eq!(Hello { token: Some(" ".into()), ..Hello::default() }.token(), None);
    }

    #[test]
    fn frames_that_are_not_chat_are_refused_with_a_code() {
        for bad in ["", "[]", r#"{"type":"shout"}"#, r#"{"type":"message","text":"hi"}"#] {
            assert_eq!(ClientFrame::parse(bad).unwrap_err().code(), "bad_frame", "{bad}");
        }
        assert!(check_client_id("m-1_a").is_ok());
        for bad in ["", "a b", &"x".repeat(65), "ü"] {
            assert_eq!(check_client_id(bad), Err(FrameError::BadClientId), "{bad}");
        }
    }

    #[test]
    fn visitor_text_is_cleaned_and_bounded() {
        assert_eq!(visitor_text("  Olá\r\ntudo\u{0} bem?\t ", 100).unwrap(), "Olá\ntudo bem?");
        assert_eq!(visitor_text(" \n ", 100), Err(FrameError::Empty));
        assert_eq!(visitor_text("ééé", 3).unwrap(), "ééé", "characters, not bytes");
        assert_eq!(visitor_text("éééé", 3), Err(FrameError::TooLong { chars: 4, max: 3 }));
    }

    #[test]
    fn chat_and_left_messages() {
        let session = ChatSessionId(12);
        let languages = vec!["pt-BR".to_owned()];
        let m = visitor_message(session, "c1", "Cadê o pedido 028-1234567-1234567?", &languages, b"{}".to_vec());
        assert_eq!((m.channel, m.external_id.as_str(), m.sender.as_str()), (Channel::Chat, "12:c1", "chat:12"));
        assert_eq!(m.thread.thread_key.as_deref(), Some("12"));
        assert_eq!(m.language_hint.unwrap().as_str(), "pt");
        assert_eq!(m.order_numbers, ["028-1234567-1234567"]);
        assert_eq!(m.raw.unwrap().media_type, "application/json");

        let email = visitor_email(" Ana@Example.com.br ").unwrap();
        let left = left_message(session, "c2", &email, "Podem me ligar?", &languages, b"{}".to_vec());
        assert_eq!((left.channel, left.external_id.as_str()), (Channel::Email, "chat:12:c2"));
        assert_eq!((left.sender.as_str(), left.thread.thread_key.as_deref()), ("ana@example.com.br", Some("chat:12")));
        assert_eq!(visitor_email("ana").unwrap_err().code(), "bad_email");
    }

    #[test]
    fn server_frames_on_the_wire() {
        let event = ChatEvent {
            session_id: ChatSessionId(1),
            seq: 3,
            author: ChatAuthor::Agent,
            client_id: None,
            message_id: None,
            body: "Olá".into(),
            created_at: dragoman_core::Timestamp(5),
        };
        assert_eq!(
            ServerFrame::from(event).to_json(),
            r#"{"type":"event","seq":3,"from":"agent","text":"Olá","at":5}"#
        );
        let welcome = ServerFrame::Welcome { token: None, online: false, max_chars: 2000 };
        assert_eq!(welcome.to_json(), r#"{"type":"welcome","online":false,"max_chars":2000}"#);
        let error = ServerFrame::error(&FrameError::Empty, Some("c1"));
        assert_eq!(
            error.to_json(),
            r#"{"type":"error","code":"empty","message":"the message is empty","client_id":"c1"}"#
        );
    }
}
