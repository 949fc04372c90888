//! The live chat through its real WebSocket (a tungstenite client, as a browser would speak):
//! the protocol, reconnects that lose and repeat nothing, limits, presence and the "leave your
//! email" form, agent replies leaving through the outbox, and the widget itself in Chromium
//! (`chat_browser`).

use crate::helpers::{TestApp, error_code, spawn_app, spawn_app_built, status_json};
use dragoman_channels::chat::{ChatHub, ChatSender};
use dragoman_channels::outbound::{ChannelSender, OutboundReply};
use dragoman_core::{Channel, ConversationId, Role};
use dragoman_server::Settings;
use dragoman_server::chat::ChatSettings;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

#[path = "chat_browser.rs"]
mod chat_browser;

pub const SHOP: &str = "https://shop.example";
/// Only guards against a test hanging forever when a frame never comes.
const FRAME_GUARD: Duration = Duration::from_secs(60);

pub async fn chat_app(settings: ChatSettings) -> TestApp {
    spawn_app_built(Settings::default(), |state| state.with_chat_settings(settings)).await
}

fn shop_settings() -> ChatSettings {
    ChatSettings { allowed_origins: vec![SHOP.into()], poll_seconds: 1, ..ChatSettings::default() }
}

struct Widget {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

async fn open(app: &TestApp, origin: Option<&str>) -> Result<Widget, tungstenite::Error> {
    let mut request = app.url("/chat/ws").replacen("http", "ws", 1).into_client_request().unwrap();
    if let Some(origin) = origin {
        request.headers_mut().insert("origin", HeaderValue::from_str(origin).unwrap());
    }
    let (ws, _) = tokio_tungstenite::connect_async(request).await?;
    Ok(Widget { ws })
}

impl Widget {
    async fn connect(app: &TestApp) -> Widget {
        open(app, Some(SHOP)).await.expect("the chat opens from the shop's pages")
    }

    async fn send(&mut self, frame: Value) {
        self.ws.send(Message::text(frame.to_string())).await.unwrap();
    }

    /// The next frame the server sends; `None` when it closed the connection.
    async fn frame(&mut self) -> Option<Message> {
        loop {
            let next = tokio::time::timeout(FRAME_GUARD, self.ws.next()).await.expect("a frame comes");
            match next {
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return None,
                Some(Ok(message)) => return Some(message),
            }
        }
    }

    async fn next(&mut self) -> Value {
        match self.frame().await {
            Some(Message::Text(text)) => serde_json::from_str(&text).unwrap(),
            other => panic!("expected a JSON frame, got {other:?}"),
        }
    }

    /// Says hello; returns the events replayed before the welcome, and the welcome.
    async fn hello(&mut self, token: Option<&str>, last_seq: i64) -> (Vec<Value>, Value) {
        self.send(json!({"type": "hello", "token": token, "last_seq": last_seq, "languages": ["pt-BR", "pt", "en"],
            "time_zone": "America/Sao_Paulo", "page": "https://shop.example/luminarias/abajur-42"}))
            .await;
        let mut events = Vec::new();
        loop {
            let frame = self.next().await;
            match frame["type"].as_str() {
                Some("event") => events.push(frame),
                Some("welcome") => return (events, frame),
                _ => panic!("unexpected frame before the welcome: {frame}"),
            }
        }
    }

    /// Sends a visitor message; returns its acknowledgement and the event that followed it.
    async fn say(&mut self, client_id: &str, text: &str) -> (Value, Value) {
        self.send(json!({"type": "message", "client_id": client_id, "text": text})).await;
        let ack = self.next().await;
        assert_eq!((ack["type"].as_str(), ack["client_id"].as_str()), (Some("ack"), Some(client_id)), "{ack}");
        let event = self.next().await;
        assert_eq!(event["type"], "event", "{event}");
        (ack, event)
    }
}

fn seqs(events: &[Value]) -> Vec<i64> {
    events.iter().map(|e| e["seq"].as_i64().unwrap()).collect()
}

async fn chat_conversation(app: &TestApp) -> Value {
    let (status, page) = app.get("/api/v1/conversations?channel=chat").await;
    assert_eq!(status, 200, "{page}");
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "one chat, one conversation: {page}");
    items[0].clone()
}

/// An agent's reply through the API, once the outbox delivered it.
async fn reply_and_wait(app: &TestApp, conversation: i64, body: &str) -> Value {
    let path = format!("/api/v1/conversations/{conversation}/replies");
    let (status, reply) = app.post_json(&path, &json!({"body": body})).await;
    assert_eq!(status, 201, "{reply}");
    app.wait_for(&format!("/api/v1/conversations/{conversation}"), |detail| {
        detail["messages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["id"] == reply["id"] && m["delivery"]["state"] == "sent")
    })
    .await;
    reply
}

#[tokio::test]
async fn widget_script_is_served_small_and_cacheable() {
    let app = spawn_app().await;
    let r = app.client.get(app.url("/chat/widget.js")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let header = |name: &str| r.headers().get(name).map(|v| v.to_str().unwrap().to_owned());
    assert_eq!(header("content-type").as_deref(), Some("text/javascript; charset=utf-8"));
    assert_eq!(header("cache-control").as_deref(), Some("public, max-age=3600"));
    assert_eq!(header("x-content-type-options").as_deref(), Some("nosniff"));
    let etag = header("etag").expect("an ETag to revalidate with");
    let script = r.text().await.unwrap();
    assert!(script.contains("/chat/ws") && script.contains("attachShadow"), "the widget itself");
    assert!(script.len() < 16 * 1024, "the widget stays small: {} bytes", script.len());
    for url in ["https://", "http://"] {
        // Nothing loaded from elsewhere (fonts, CDNs): the only URL is the embed example.
        assert_eq!(script.matches(url).count(), usize::from(url == "https://"), "{url}");
    }

    let again = app.client.get(app.url("/chat/widget.js")).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(again.status(), 304);
    assert!(again.text().await.unwrap().is_empty());
}

#[tokio::test]
async fn only_allowed_pages_may_open_the_chat() {
    let app = chat_app(shop_settings()).await;
    for origin in [Some("https://evil.example"), Some("https://shop.example.evil.example"), None] {
        match open(&app, origin).await {
            Err(tungstenite::Error::Http(response)) => assert_eq!(response.status(), 403, "{origin:?}"),
            other => panic!("{origin:?} must be refused, got {:?}", other.map(|_| ())),
        }
    }
    let (status, body) = status_json(app.client.get(app.url("/chat/ws")).send().await.unwrap()).await;
    assert_eq!((status, error_code(&body)), (400, "bad_request"), "{body}");

    // Without allowed origins, the server's own pages may.
    let own = spawn_app().await;
    let mut widget = open(&own, Some(&own.base)).await.expect("same-origin page");
    assert_eq!(widget.hello(None, 0).await.1["type"], "welcome");
    assert!(open(&own, Some(SHOP)).await.is_err());
}

#[tokio::test]
async fn messages_survive_reconnects_without_loss_or_repeats() {
    let app = chat_app(shop_settings()).await;
    let mut first = Widget::connect(&app).await;
    let (replayed, welcome) = first.hello(None, 0).await;
    assert!(replayed.is_empty());
    assert_eq!((welcome["online"].as_bool(), welcome["max_chars"].as_i64()), (Some(false), Some(2000)));
    let token = welcome["token"].as_str().expect("a new session's token").to_owned();

    let question = "Olá! Onde está o meu pedido 028-1234567-1234567? Ainda não chegou.";
    let (ack, event) = first.say("c1", question).await;
    assert_eq!(ack["seq"], 1);
    assert_eq!((event["seq"].as_i64(), event["from"].as_str()), (Some(1), Some("visitor")));
    assert_eq!((event["client_id"].as_str(), event["text"].as_str()), (Some("c1"), Some(question)));
    // The widget resends what it has no ack for: the same message is stored once, acknowledged
    // again, and shown no second time (the next event on this socket is the next message's).
    first.send(json!({"type": "message", "client_id": "c1", "text": question})).await;
    assert_eq!(first.next().await, json!({"type": "ack", "client_id": "c1", "seq": 1}));
    let (_, event) = first.say("c2", "Comprei na semana passada.").await;
    assert_eq!(event["seq"], 2);

    let conversation = chat_conversation(&app).await;
    let id = conversation["id"].as_i64().unwrap();
    assert_eq!(conversation["message_count"], 2);
    assert_eq!(conversation["order_number"], "028-1234567-1234567");
    let (status, session) = app.get(&format!("/api/v1/conversations/{id}/chat")).await;
    assert_eq!(status, 200, "{session}");
    assert_eq!(session["languages"], json!(["pt-BR", "pt", "en"]));
    assert_eq!(session["time_zone"], "America/Sao_Paulo");
    assert_eq!(session["page_url"], "https://shop.example/luminarias/abajur-42");
    let detail = app.get(&format!("/api/v1/conversations/{id}")).await.1;
    let raw_id = detail["messages"][0]["raw_id"].as_i64().expect("the frame is kept as received");
    assert!(raw_id > 0);
    drop(first);

    // Replies while the visitor is away wait in the stream.
    reply_and_wait(&app, id, "O seu pedido foi enviado ontem.").await;
    let mut second = Widget::connect(&app).await;
    let (missed, welcome) = second.hello(Some(&token), 2).await;
    assert_eq!(welcome.get("token"), None, "the session goes on");
    assert_eq!(seqs(&missed), [3]);
    assert_eq!(
        (missed[0]["from"].as_str(), missed[0]["text"].as_str()),
        (Some("agent"), Some("O seu pedido foi enviado ontem."))
    );

    // Live: a reply delivered by this process arrives at once ...
    reply_and_wait(&app, id, "Deve chegar amanhã.").await;
    assert_eq!(second.next().await["seq"], 4);
    // ... and one delivered by another process (its own hub) on the next look at the database.
    let elsewhere = ChatSender::new(app.store.clone(), ChatHub::default());
    let note = app
        .store
        .add_note(
            ConversationId(id),
            app.create_agent("ops@example.com", Role::Agent, "pw-123456789").await.id,
            "-",
            crate::helpers::now(),
        )
        .await
        .unwrap();
    let outbound = OutboundReply {
        reply_id: note.id,
        conversation_id: ConversationId(id),
        channel: Channel::Chat,
        marketplace: None,
        recipient: None,
        thread_key: Some(session["id"].to_string()),
        subject: None,
        body: "Posso ajudar em mais alguma coisa?".into(),
        language: None,
        in_reply_to: None,
        references: Vec::new(),
        idempotency_key: "elsewhere-1".into(),
    };
    elsewhere.send(&outbound).await.unwrap();
    let polled = second.next().await;
    assert_eq!(
        (polled["seq"].as_i64(), polled["text"].as_str()),
        (Some(5), Some("Posso ajudar em mais alguma coisa?"))
    );

    // A new page replays the whole conversation once, in order.
    let mut third = Widget::connect(&app).await;
    let (history, _) = third.hello(Some(&token), 0).await;
    assert_eq!(seqs(&history), [1, 2, 3, 4, 5]);
    assert_eq!(history.iter().filter(|e| e["from"] == "visitor").count(), 2);

    // A widget claiming more than the session has resumes from the session's end.
    let mut fourth = Widget::connect(&app).await;
    assert!(fourth.hello(Some(&token), 99).await.0.is_empty());
    let (ack, event) = fourth.say("c3", "Obrigada!").await;
    assert_eq!((ack["seq"].as_i64(), event["seq"].as_i64()), (Some(6), Some(6)));
    // Every open widget of the session sees it.
    assert_eq!(second.next().await["client_id"], "c3");
    assert_eq!(third.next().await["client_id"], "c3");

    // An unknown token (a wiped database, a forged one) gets a fresh, empty session.
    let mut stranger = Widget::connect(&app).await;
    let (nothing, welcome) = stranger.hello(Some("not-a-session"), 4).await;
    assert!(nothing.is_empty());
    assert!(welcome["token"].as_str().is_some_and(|t| t != token));
    let detail = app.get(&format!("/api/v1/conversations/{id}")).await.1;
    let inbound = detail["messages"].as_array().unwrap().iter().filter(|m| m["direction"] == "inbound").count();
    assert_eq!(inbound, 3, "each visitor message stored once");
}

#[tokio::test]
async fn bad_frames_and_limits_are_refused_clearly() {
    let settings = ChatSettings { max_message_chars: 10, messages_per_minute: 1, burst: 2, ..shop_settings() };
    let app = chat_app(settings).await;

    let mut rude = Widget::connect(&app).await;
    rude.send(json!({"type": "message", "client_id": "c1", "text": "oi"})).await;
    assert_eq!(rude.next().await["code"], "hello_first");
    assert!(rude.frame().await.is_none(), "and the connection is closed");

    let mut widget = Widget::connect(&app).await;
    assert_eq!(widget.hello(None, 0).await.1["max_chars"], 10);
    let refused = |frame: Value| {
        let code = frame["code"].as_str().unwrap_or_default().to_owned();
        assert_eq!(frame["type"], "error", "{frame}");
        assert!(!frame["message"].as_str().unwrap_or_default().is_empty(), "{frame}");
        code
    };
    widget.send(json!({"type": "message", "client_id": "c1", "text": "só isto não"})).await;
    let frame = widget.next().await;
    assert_eq!((refused(frame.clone()), frame["client_id"].as_str()), ("too_long".to_owned(), Some("c1")));
    widget.send(json!({"type": "message", "client_id": "c2", "text": " \n "})).await;
    assert_eq!(refused(widget.next().await), "empty");
    widget.send(json!({"type": "message", "client_id": "c 3", "text": "oi"})).await;
    assert_eq!(refused(widget.next().await), "bad_client_id");
    widget.send(json!({"type": "leave_email", "client_id": "c4", "email": "ana", "text": "oi"})).await;
    assert_eq!(refused(widget.next().await), "bad_email");
    widget.ws.send(Message::text("{not json")).await.unwrap();
    assert_eq!(refused(widget.next().await), "bad_frame");

    // Refused frames cost nothing; then a burst of two, and the third must wait.
    widget.say("c5", "oi").await;
    widget.say("c6", "tudo bem?").await;
    widget.send(json!({"type": "message", "client_id": "c7", "text": "olá?"})).await;
    let frame = widget.next().await;
    assert_eq!((refused(frame.clone()), frame["client_id"].as_str()), ("rate_limited".to_owned(), Some("c7")));
    assert!(frame["retry_after_ms"].as_u64().is_some_and(|ms| ms > 0), "{frame}");
    assert_eq!(chat_conversation(&app).await["message_count"], 2, "only what was acknowledged is stored");

    widget.ws.send(Message::binary(vec![1, 2, 3])).await.unwrap();
    assert!(widget.frame().await.is_none(), "binary frames close the connection");
    let mut huge = Widget::connect(&app).await;
    huge.hello(None, 0).await;
    let _ = huge.ws.send(Message::text("x".repeat(100 * 1024))).await;
    assert!(huge.frame().await.is_none(), "an oversized frame closes the connection");
}

#[tokio::test]
async fn nobody_online_means_leave_your_email_and_a_heartbeat_changes_that() {
    let app = chat_app(shop_settings()).await;
    let mut widget = Widget::connect(&app).await;
    assert_eq!(widget.hello(None, 0).await.1["online"], false);
    widget
        .send(json!({"type": "leave_email", "client_id": "l1", "email": " Ana@Example.com.BR ",
            "text": "Podem ligar-me amanhã sobre o abajur?"}))
        .await;
    assert_eq!(widget.next().await, json!({"type": "ack", "client_id": "l1", "seq": 1}));
    assert_eq!(widget.next().await["text"], "Podem ligar-me amanhã sobre o abajur?");

    // Filed as email from the address left, so the answer goes out by email.
    let (_, page) = app.get("/api/v1/conversations?channel=email").await;
    let conversation = &page["items"][0];
    assert_eq!(conversation["preview"], "Podem ligar-me amanhã sobre o abajur?");
    let id = conversation["id"].as_i64().unwrap();
    let detail = app.get(&format!("/api/v1/conversations/{id}")).await.1;
    assert_eq!(detail["messages"][0]["sender"], "ana@example.com.br");
    let session = app.get(&format!("/api/v1/conversations/{id}/chat")).await.1;
    assert_eq!(
        (session["email"].as_str(), session["time_zone"].as_str()),
        (Some("ana@example.com.br"), Some("America/Sao_Paulo"))
    );

    // Presence belongs to a signed-in agent.
    let (status, body) = app.post_json("/api/v1/chat/presence", &json!({})).await;
    assert_eq!((status, error_code(&body)), (422, "unprocessable"), "{body}");
    let agent = app.create_agent("rui@lumenhaus.example", Role::Agent, "a long password").await;
    let (status, body, cookie) = app.login("rui@lumenhaus.example", "a long password").await;
    assert_eq!(status, 200, "{body}");
    let (cookie, csrf) = (cookie.unwrap(), body["csrf_token"].as_str().unwrap().to_owned());
    let r = app
        .client
        .post(app.url("/api/v1/chat/presence"))
        .header("cookie", &cookie)
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    let (status, presence) = status_json(r).await;
    assert_eq!(status, 200, "{presence}");
    assert_eq!((presence["online"].as_bool(), presence["agents"].clone()), (Some(true), json!([agent.id.0])));
    assert!(presence["online_until"].is_string(), "{presence}");
    assert_eq!(app.get("/api/v1/chat/presence").await.1["online"], true);

    let mut next_visitor = Widget::connect(&app).await;
    assert_eq!(next_visitor.hello(None, 0).await.1["online"], true);

    let (status, body) = app.get("/api/v1/conversations/999/chat").await;
    assert_eq!((status, error_code(&body)), (404, "not_found"));
}

#[tokio::test]
async fn the_browser_language_decides_when_the_text_cannot() {
    let app = chat_app(shop_settings()).await;
    let mut widget = Widget::connect(&app).await;
    widget.hello(None, 0).await;
    widget.say("c1", "👍 42").await;
    let id = chat_conversation(&app).await["id"].as_i64().unwrap();
    let conversation =
        app.wait_for(&format!("/api/v1/conversations/{id}"), |d| d["conversation"]["buyer_language"].is_string()).await;
    assert_eq!(conversation["conversation"]["buyer_language"], "pt", "from the browser's pt-BR");
}
