//! The live-chat widget's two public routes, outside `/api/v1` because visitors, not agents,
//! call them:
//! - `GET /chat/widget.js`: the widget (`assets/chat-widget.js`, compiled into the binary).
//! - `GET /chat/ws`: its WebSocket. The frames are described in
//!   [`dragoman_channels::chat::protocol`].
//!
//! A socket serves one visitor session. What the visitor sees is always read from the
//! session's event stream in the database, in sequence order, and never twice per connection:
//! after the hello (the whole missed part), when this process appended to the session (the
//! [`ChatHub`] wakes the socket), and every `poll_seconds` (replies that another process
//! delivered). A visitor message is acknowledged only after ingest stored it and it became an
//! event; a resend with the same client id changes nothing and is acknowledged again.

use crate::auth::{random_secret, sha256_hex};
use crate::error::ApiError;
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade, close_code};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use dragoman_channels::chat::protocol::{
    self, ClientFrame, FrameError, Hello, check_client_id, visitor_email, visitor_text,
};
use dragoman_channels::chat::{ChatHub, RateLimit, ServerFrame};
use dragoman_core::{ConversationId, InboundMessage, LanguageTag, MessageId};
use dragoman_store::chat::{ChatAuthor, ChatSessionId, NewChatEvent};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::sync::{Arc, LazyLock};
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;

const WIDGET: &str = include_str!("../assets/chat-widget.js");
/// Far above any text frame the widget sends (`max_message_chars` of 4-byte characters and
/// JSON around them); a larger frame closes the socket with "message too big".
const MAX_FRAME_BYTES: usize = 64 * 1024;
/// A socket that has not said hello by then is closed.
const HELLO_TIMEOUT: Duration = Duration::from_secs(10);
/// Keeps idle connections open through proxies that close silent ones.
const PING_EVERY: Duration = Duration::from_secs(30);
const REPLAY_PAGE: u32 = 200;
/// How long the widget waits before resending when storing failed.
const RETRY_AFTER_MS: u64 = 2_000;

/// The `[chat]` table of the configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ChatSettings {
    /// Origins (`https://shop.example`) whose pages may open the chat; `"*"` allows any. Empty
    /// (the default): only pages served from Dragoman's own host.
    pub allowed_origins: Vec<String>,
    /// An agent counts as online for this long after their last heartbeat
    /// (`POST /api/v1/chat/presence`); with nobody online the widget offers "leave your email".
    pub online_minutes: i64,
    /// The longest visitor message, in characters.
    pub max_message_chars: usize,
    /// Messages one connection may send per minute on average, and at once.
    pub messages_per_minute: u32,
    pub burst: u32,
    /// How often an open chat looks in the database for replies delivered by another process.
    pub poll_seconds: u64,
}

impl Default for ChatSettings {
    fn default() -> Self {
        Self {
            allowed_origins: Vec::new(),
            online_minutes: 5,
            max_message_chars: 2000,
            messages_per_minute: 20,
            burst: 5,
            poll_seconds: 3,
        }
    }
}

/// What the chat routes and the chat sender share.
#[derive(Clone, Default)]
pub struct Chat {
    pub settings: Arc<ChatSettings>,
    pub hub: ChatHub,
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/chat/widget.js", get(widget)).route("/chat/ws", get(connect))
}

static WIDGET_ETAG: LazyLock<String> =
    LazyLock::new(|| format!("\"{}\"", &hex::encode(Sha256::digest(WIDGET.as_bytes()))[..16]));

/// The widget, cached by browsers for an hour and then revalidated by its ETag.
async fn widget(headers: HeaderMap) -> Response {
    let etag = WIDGET_ETAG.as_str();
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| tags.split(',').any(|t| t.trim() == etag));
    let common = [
        (header::CACHE_CONTROL, "public, max-age=3600"),
        (header::ETAG, etag),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        // Shops that isolate their pages (Cross-Origin-Embedder-Policy) may still load it.
        (header::HeaderName::from_static("cross-origin-resource-policy"), "cross-origin"),
    ];
    if fresh {
        return (StatusCode::NOT_MODIFIED, common).into_response();
    }
    (common, [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], WIDGET).into_response()
}

async fn connect(
    State(state): State<AppState>,
    headers: HeaderMap,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, ApiError> {
    let upgrade = upgrade.map_err(|r| ApiError::BadRequest(format!("{}; open it as a WebSocket", r.body_text())))?;
    check_origin(&state.chat.settings, &headers)?;
    Ok(upgrade
        .max_message_size(MAX_FRAME_BYTES)
        .max_frame_size(MAX_FRAME_BYTES)
        .on_upgrade(move |socket| visit(state, socket)))
}

/// Browsers always send `Origin` with a WebSocket handshake; the page's origin must be one the
/// seller allowed (or this server itself), so other sites cannot embed the shop's chat.
fn check_origin(settings: &ChatSettings, headers: &HeaderMap) -> Result<(), ApiError> {
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()).map(|o| o.trim_end_matches('/'));
    let Some(origin) = origin else {
        return Err(ApiError::Forbidden("a chat connection must come from a web page (no Origin header)".into()));
    };
    let allowed = if settings.allowed_origins.is_empty() {
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
        host.is_some_and(|host| origin.split_once("://").is_some_and(|(_, o)| o.eq_ignore_ascii_case(host)))
    } else {
        settings.allowed_origins.iter().any(|a| a == "*" || a.trim_end_matches('/').eq_ignore_ascii_case(origin))
    };
    if allowed {
        Ok(())
    } else {
        Err(ApiError::Forbidden(format!(
            "pages from {origin} may not open the chat; add the origin to [chat] allowed_origins"
        )))
    }
}

/// Whether an agent gave a sign of life within `online_minutes`.
pub async fn anybody_online(state: &AppState) -> Result<bool, dragoman_store::StoreError> {
    let since = state.now().plus_millis(-state.chat.settings.online_minutes.max(0) * 60_000);
    Ok(!state.store.agents_present_since(since).await?.is_empty())
}

/// The language the visitor's browser prefers, for a conversation from the chat: a prior for
/// language detection on messages too short to tell.
pub async fn browser_language(
    state: &AppState,
    conversation: ConversationId,
) -> Result<Option<LanguageTag>, dragoman_store::StoreError> {
    let session = state.store.chat_session_of(conversation).await?;
    Ok(session.and_then(|s| protocol::language_hint(&s.languages)))
}

/// Why a socket stops.
enum End {
    /// The visitor left or the connection broke.
    Gone,
    /// The server closes it with this code and reason: the visitor broke the protocol
    /// ([`close_code::POLICY`]), or the database is unavailable ([`close_code::AGAIN`]; the
    /// widget reconnects).
    Close(u16, &'static str),
}

fn refused(reason: &'static str) -> End {
    End::Close(close_code::POLICY, reason)
}

async fn visit(state: AppState, mut socket: WebSocket) {
    let end = match Visit::start(&state, &mut socket).await {
        Ok(mut visit) => visit.serve(&mut socket).await,
        Err(end) => end,
    };
    if let End::Close(code, reason) = end {
        let frame = CloseFrame { code, reason: reason.into() };
        let _ = socket.send(Message::Close(Some(frame))).await;
    }
}

/// One open socket of one visitor session.
struct Visit {
    state: AppState,
    session: ChatSessionId,
    languages: Vec<String>,
    /// The newest event sent on this connection.
    sent_seq: i64,
    limit: RateLimit,
}

async fn send(socket: &mut WebSocket, frame: &ServerFrame) -> Result<(), End> {
    socket.send(Message::Text(frame.to_json().into())).await.map_err(|_| End::Gone)
}

/// The next text frame; pings and pongs are answered by axum and skipped here.
async fn next_text(socket: &mut WebSocket) -> Result<axum::extract::ws::Utf8Bytes, End> {
    loop {
        match socket.recv().await {
            Some(Ok(Message::Text(text))) => return Ok(text),
            Some(Ok(Message::Binary(_))) => return Err(refused("frames are JSON text")),
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
            Some(Ok(Message::Close(_)) | Err(_)) | None => return Err(End::Gone),
        }
    }
}

impl Visit {
    /// Reads the hello, finds or opens the session, replays what the widget missed and
    /// welcomes it.
    async fn start(state: &AppState, socket: &mut WebSocket) -> Result<Self, End> {
        let first = tokio::time::timeout(HELLO_TIMEOUT, next_text(socket)).await.map_err(|_| refused("no hello"))??;
        let hello: Hello = match ClientFrame::parse(&first) {
            Ok(ClientFrame::Hello(hello)) => hello,
            Ok(_) => {
                send(socket, &ServerFrame::error(&FrameError::HelloFirst, None)).await?;
                return Err(refused("hello first"));
            }
            Err(e) => {
                send(socket, &ServerFrame::error(&e, None)).await?;
                return Err(refused("hello first"));
            }
        };
        let visitor = hello.visitor();
        let now = state.now();
        let known = match hello.token() {
            Some(token) => state.store.find_chat_session(&sha256_hex(token)).await.map_err(|e| unavailable(&e))?,
            None => None,
        };
        let (session, token) = match known {
            Some(session) => {
                (state.store.update_chat_visitor(session.id, &visitor, now).await.map_err(|e| unavailable(&e))?, None)
            }
            None => {
                let token = random_secret();
                let session = state
                    .store
                    .create_chat_session(&sha256_hex(&token), &visitor, now)
                    .await
                    .map_err(|e| unavailable(&e))?;
                (session, Some(token))
            }
        };
        let settings = &state.chat.settings;
        let mut visit = Visit {
            state: state.clone(),
            session: session.id,
            languages: session.languages,
            // A new session has nothing the widget saw; a known one resumes after what it saw.
            sent_seq: if token.is_some() { 0 } else { hello.last_seq.clamp(0, session.last_seq) },
            limit: RateLimit::new(settings.messages_per_minute, settings.burst, now.0),
        };
        visit.catch_up(socket).await?;
        let online = anybody_online(state).await.map_err(|e| unavailable(&e))?;
        send(socket, &ServerFrame::Welcome { token, online, max_chars: settings.max_message_chars }).await?;
        Ok(visit)
    }

    async fn serve(&mut self, socket: &mut WebSocket) -> End {
        let mut woken = self.state.chat.hub.subscribe();
        // Anything appended between the replay and the subscription is found here.
        if let Err(end) = self.catch_up(socket).await {
            return end;
        }
        let mut poll = tokio::time::interval(Duration::from_secs(self.state.chat.settings.poll_seconds.max(1)));
        let mut ping = tokio::time::interval(PING_EVERY);
        loop {
            let step = tokio::select! {
                frame = next_text(socket) => match frame {
                    Ok(text) => self.on_frame(socket, &text).await,
                    Err(end) => Err(end),
                },
                signal = woken.recv() => match signal {
                    Ok(id) if id != self.session => Ok(()),
                    // Lagged: some signal may have been ours.
                    Ok(_) | Err(RecvError::Lagged(_)) => self.catch_up(socket).await,
                    Err(RecvError::Closed) => Err(End::Gone),
                },
                _ = poll.tick() => self.catch_up(socket).await,
                _ = ping.tick() => socket.send(Message::Ping(Default::default())).await.map_err(|_| End::Gone),
            };
            if let Err(end) = step {
                return end;
            }
        }
    }

    /// Sends the session's events this connection has not sent yet, in order.
    async fn catch_up(&mut self, socket: &mut WebSocket) -> Result<(), End> {
        loop {
            let events = match self.state.store.chat_events_after(self.session, self.sent_seq, REPLAY_PAGE).await {
                Ok(events) => events,
                Err(e) => {
                    // The next signal or poll tries again.
                    tracing::warn!(session = %self.session, error = %e, "cannot read chat events");
                    return Ok(());
                }
            };
            let full = events.len() == REPLAY_PAGE as usize;
            for event in events {
                self.sent_seq = event.seq;
                send(socket, &ServerFrame::from(event)).await?;
            }
            if !full {
                return Ok(());
            }
        }
    }

    async fn on_frame(&mut self, socket: &mut WebSocket, text: &str) -> Result<(), End> {
        let frame = match ClientFrame::parse(text) {
            Ok(frame) => frame,
            Err(e) => return send(socket, &ServerFrame::error(&e, None)).await,
        };
        let (client_id, stored) = match frame {
            // The session is settled; a repeated hello changes nothing.
            ClientFrame::Hello(_) => return Ok(()),
            ClientFrame::Message { client_id, text: body } => {
                let stored = self.accept(&client_id, &body, None).await;
                (client_id, stored)
            }
            ClientFrame::LeaveEmail { client_id, email, text: body } => {
                let stored = self.accept(&client_id, &body, Some(&email)).await;
                (client_id, stored)
            }
        };
        match stored {
            Ok(seq) => {
                send(socket, &ServerFrame::Ack { client_id, seq }).await?;
                self.catch_up(socket).await
            }
            Err(refusal) => send(socket, &refusal.into_frame(client_id)).await,
        }
    }

    /// Stores a visitor message (or a message left with an email) and makes it an event of the
    /// stream; returns its sequence number.
    async fn accept(&mut self, client_id: &str, body: &str, email: Option<&str>) -> Result<i64, Refusal> {
        check_client_id(client_id)?;
        let body = visitor_text(body, self.state.chat.settings.max_message_chars)?;
        let email = email.map(visitor_email).transpose()?;
        self.limit.take(self.state.now().0).map_err(Refusal::RateLimited)?;
        let raw = serde_json::to_vec(&serde_json::json!({
            "client_id": client_id, "text": body, "email": email.as_ref().map(|e| e.as_str()),
        }))
        .expect("plain JSON");
        let message = match &email {
            Some(email) => protocol::left_message(self.session, client_id, email, &body, &self.languages, raw),
            None => protocol::visitor_message(self.session, client_id, &body, &self.languages, raw),
        };
        let message_id = self.ingest(&message).await?;
        let store = &self.state.store;
        if let Some(email) = &email {
            store
                .set_chat_email(self.session, email.as_str())
                .await
                .map_err(|e| Refusal::Unavailable(e.to_string()))?;
        }
        let event = NewChatEvent {
            session_id: self.session,
            author: ChatAuthor::Visitor,
            client_id: Some(client_id),
            message_id: Some(message_id),
            body: &body,
        };
        let event =
            store.append_chat_event(&event, self.state.now()).await.map_err(|e| Refusal::Unavailable(e.to_string()))?;
        self.state.chat.hub.notify(self.session);
        Ok(event.seq)
    }

    async fn ingest(&self, message: &InboundMessage) -> Result<MessageId, Refusal> {
        match crate::api::inbound::store_inbound(&self.state, message).await {
            Ok((_, crate::extract::Json(outcome))) => Ok(outcome.message_id),
            Err(e) => Err(Refusal::Unavailable(e.to_string())),
        }
    }
}

fn unavailable(e: &dragoman_store::StoreError) -> End {
    tracing::warn!(error = %e, "chat session unavailable");
    End::Close(close_code::AGAIN, "try again later")
}

/// Why a visitor message was not stored.
enum Refusal {
    Invalid(FrameError),
    RateLimited(u64),
    /// Storing failed; the widget keeps the message and resends it.
    Unavailable(String),
}

impl From<FrameError> for Refusal {
    fn from(e: FrameError) -> Self {
        Refusal::Invalid(e)
    }
}

impl Refusal {
    fn into_frame(self, client_id: String) -> ServerFrame {
        let (code, message, retry_after_ms) = match self {
            Refusal::Invalid(e) => return ServerFrame::error(&e, Some(&client_id)),
            Refusal::RateLimited(ms) => ("rate_limited", "too many messages; this one is sent shortly".to_owned(), ms),
            Refusal::Unavailable(error) => {
                tracing::warn!(%error, "cannot store a chat message; the widget will resend it");
                (
                    "unavailable",
                    "the message could not be stored yet; it is sent again shortly".to_owned(),
                    RETRY_AFTER_MS,
                )
            }
        };
        ServerFrame::Error { code, message, client_id: Some(client_id), retry_after_ms: Some(retry_after_ms) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(origin: Option<&str>, host: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_str(host).unwrap());
        if let Some(origin) = origin {
            h.insert(header::ORIGIN, HeaderValue::from_str(origin).unwrap());
        }
        h
    }

    #[test]
    fn origins() {
        let own = ChatSettings::default();
        assert!(check_origin(&own, &headers(Some("https://help.shop.example"), "help.shop.example")).is_ok());
        assert!(check_origin(&own, &headers(Some("https://evil.example"), "help.shop.example")).is_err());
        assert!(check_origin(&own, &headers(None, "help.shop.example")).is_err());

        let shop = ChatSettings { allowed_origins: vec!["https://Shop.example/".into()], ..ChatSettings::default() };
        assert!(check_origin(&shop, &headers(Some("https://shop.example"), "help.shop.example")).is_ok());
        assert!(check_origin(&shop, &headers(Some("http://shop.example"), "help.shop.example")).is_err());
        assert!(check_origin(&shop, &headers(Some("https://help.shop.example"), "help.shop.example")).is_err());
        let err = check_origin(&shop, &headers(Some("https://shop.example.evil"), "x")).unwrap_err();
        assert!(err.to_string().contains("allowed_origins"), "{err}");

        let any = ChatSettings { allowed_origins: vec!["*".into()], ..ChatSettings::default() };
        assert!(check_origin(&any, &headers(Some("https://anywhere.example"), "x")).is_ok());
    }

    #[test]
    fn settings_from_the_chat_table_and_the_environment() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dragoman.toml");
        std::fs::write(&path, "[chat]\nallowed_origins = [\"https://shop.example\"]\nburst = 3\n").unwrap();
        let config = crate::Config::load(Some(&path), []).unwrap();
        assert_eq!(
            (config.chat.allowed_origins.as_slice(), config.chat.burst),
            (&["https://shop.example".to_owned()][..], 3)
        );
        assert_eq!(config.chat.online_minutes, ChatSettings::default().online_minutes);
        let env = [
            ("DRAGOMAN_CHAT_ALLOWED_ORIGINS".to_owned(), "https://a.example, https://b.example,".to_owned()),
            ("DRAGOMAN_CHAT_ONLINE_MINUTES".to_owned(), "15".to_owned()),
        ];
        let config = crate::Config::load(Some(&path), env).unwrap();
        assert_eq!(config.chat.allowed_origins, ["https://a.example", "https://b.example"]);
        assert_eq!(config.chat.online_minutes, 15);
        std::fs::write(&path, "[chat]\nallowed_origin = \"https://shop.example\"\n").unwrap();
        let err = crate::Config::load(Some(&path), []).unwrap_err().to_string();
        assert!(err.contains("allowed_origin"), "{err}");
    }
}
