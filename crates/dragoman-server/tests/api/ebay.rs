//! eBay's Message API against a local server speaking its documented JSON: OAuth refresh-token
//! grant (and a renewal after 401), incremental polling (a second poll imports and fetches
//! nothing, a restart neither refetches nor skips), and a reply sent once via sendMessage.

use crate::helpers::{TestApp, spawn_app_built};
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use dragoman_channels::ebay::{Ebay, EbayConfig};
use dragoman_channels::secret::Secret;
use dragoman_core::Channel;
use dragoman_server::Settings;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const SELLER: &str = "lumenhaus_de";
const CLIENT_ID: &str = "Lumenhaus-Dragoman-PRD";
const CLIENT_SECRET: &str = "PRD-client-secret";
const REFRESH_TOKEN: &str = "v^1.1#refresh";

#[derive(Default)]
struct FakeEbay {
    /// (conversation id, type, title, messages as eBay returns them)
    conversations: Vec<(String, &'static str, String, Vec<Value>)>,
    tokens_minted: usize,
    /// The one access token eBay accepts now.
    live_token: Option<String>,
    conversation_fetches: usize,
    sent: Vec<Value>,
}

type Fake = Arc<Mutex<FakeEbay>>;

fn message(id: &str, from: &str, to: &str, minute: u32, body: &str) -> Value {
    json!({"messageId": id, "messageBody": body, "senderUsername": from, "recipientUsername": to,
        "createdDate": format!("2024-06-07T10:{minute:02}:00.000Z"), "readStatus": false, "subject": null, "messageMedia": []})
}

fn authorised(fake: &FakeEbay, headers: &HeaderMap) -> bool {
    let bearer = headers.get("authorization").and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    bearer.is_some() && bearer == fake.live_token.as_deref()
}

fn unauthorised() -> (StatusCode, Json<Value>) {
    (StatusCode::UNAUTHORIZED, Json(json!({"errors": [{"errorId": 1001, "message": "Invalid access token"}]})))
}

async fn token(
    State(fake): State<Fake>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> (StatusCode, Json<Value>) {
    use base64::Engine;
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"));
    let auth_ok = headers.get("authorization").and_then(|v| v.to_str().ok()) == Some(&format!("Basic {basic}"));
    let grant_ok = form.get("grant_type").map(String::as_str) == Some("refresh_token")
        && form.get("refresh_token").map(String::as_str) == Some(REFRESH_TOKEN);
    if !auth_ok || !grant_ok {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "invalid_grant", "error_description": "bad credentials"})),
        );
    }
    let mut fake = fake.lock().unwrap();
    fake.tokens_minted += 1;
    let token = format!("v^1.1#access-{}", fake.tokens_minted);
    fake.live_token = Some(token.clone());
    (StatusCode::OK, Json(json!({"access_token": token, "expires_in": 7200, "token_type": "User Access Token"})))
}

fn page(params: &HashMap<String, String>, total: usize) -> (usize, usize, bool) {
    let limit = params.get("limit").and_then(|l| l.parse().ok()).unwrap_or(25).min(50);
    let offset = params.get("offset").and_then(|o| o.parse().ok()).unwrap_or(0);
    (offset, limit, offset + limit < total)
}

async fn conversations(
    State(fake): State<Fake>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> (StatusCode, Json<Value>) {
    let fake = fake.lock().unwrap();
    if !authorised(&fake, &headers) {
        return unauthorised();
    }
    let start = q.get("start_time").cloned().unwrap_or_default();
    let matching: Vec<Value> = fake
        .conversations
        .iter()
        .filter(|(_, kind, _, _)| Some(*kind) == q.get("conversation_type").map(String::as_str))
        .filter_map(|(id, kind, title, messages)| {
            let latest = messages.last()?;
            // ISO 8601 UTC strings of one format compare as times.
            (latest["createdDate"].as_str()? >= start.as_str()).then(|| {
                json!({"conversationId": id, "conversationType": kind, "conversationStatus": "ACTIVE",
                    "conversationTitle": title, "createdDate": messages[0]["createdDate"], "latestMessage": latest,
                    "referenceId": "296104719245", "referenceType": "LISTING", "unreadCount": 1})
            })
        })
        .collect();
    let (offset, limit, more) = page(&q, matching.len());
    let items: Vec<Value> = matching.iter().skip(offset).take(limit).cloned().collect();
    let mut body =
        json!({"conversations": items, "href": "…", "limit": limit, "offset": offset, "total": matching.len()});
    if more {
        body["next"] = json!(format!("/commerce/message/v1/conversation?offset={}", offset + limit));
    }
    (StatusCode::OK, Json(body))
}

async fn conversation(
    State(fake): State<Fake>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> (StatusCode, Json<Value>) {
    let mut fake = fake.lock().unwrap();
    if !authorised(&fake, &headers) {
        return unauthorised();
    }
    fake.conversation_fetches += 1;
    let Some((_, kind, title, messages)) = fake.conversations.iter().find(|(c, ..)| *c == id) else {
        return (StatusCode::NOT_FOUND, Json(json!({"errors": [{"message": "no such conversation"}]})));
    };
    assert_eq!(q.get("conversation_type").map(String::as_str), Some(*kind), "getConversation needs the type");
    let (offset, limit, more) = page(&q, messages.len());
    // Newest first, as a mailbox lists them: the client must not rely on the order.
    let newest_first: Vec<Value> = messages.iter().rev().skip(offset).take(limit).cloned().collect();
    let mut body = json!({"conversationId": id, "conversationTitle": title, "conversationType": kind,
        "conversationStatus": "ACTIVE", "messages": newest_first, "limit": limit, "offset": offset, "total": messages.len()});
    if more {
        body["next"] = json!("next page");
    }
    (StatusCode::OK, Json(body))
}

async fn send_message(
    State(fake): State<Fake>,
    headers: HeaderMap,
    Json(request): Json<Value>,
) -> (StatusCode, Json<Value>) {
    let mut fake = fake.lock().unwrap();
    if !authorised(&fake, &headers) {
        return unauthorised();
    }
    let id = request["conversationId"].as_str().unwrap_or_default().to_owned();
    let text = request["messageText"].as_str().unwrap_or_default().to_owned();
    let count = fake.sent.len();
    let Some((_, _, _, messages)) = fake.conversations.iter_mut().find(|(c, ..)| *c == id) else {
        return (StatusCode::BAD_REQUEST, Json(json!({"errors": [{"message": "conversationId is invalid"}]})));
    };
    let sent = message(&format!("sent-{count}"), SELLER, "buyer", 59, &text);
    messages.push(sent.clone());
    fake.sent.push(request);
    let reply = json!({"messageId": sent["messageId"], "messageBody": text, "senderUserName": SELLER,
        "recipientUserName": "buyer", "createdDate": sent["createdDate"], "readStatus": false, "messageMedia": []});
    (StatusCode::OK, Json(reply))
}

async fn fake_ebay() -> (String, Fake) {
    let fake: Fake = Arc::default();
    {
        let mut f = fake.lock().unwrap();
        f.conversations.push((
            "c-hans".into(),
            "FROM_MEMBERS",
            "Stehleuchte Arco".into(),
            vec![
                message("m-1", "hans_meier", SELLER, 1, "Guten Tag, wann wird Bestellung 12-34567-89012 versendet?"),
                message("m-2", SELLER, "hans_meier", 2, "Morgen früh."),
                message("m-3", "hans_meier", SELLER, 3, "Danke! Bitte an die Packstation."),
            ],
        ));
        f.conversations.push((
            "c-yuki".into(),
            "FROM_MEMBERS",
            "LED E27".into(),
            vec![message("m-4", "yuki_t", SELLER, 4, "この電球は日本で使えますか？")],
        ));
        f.conversations.push((
            "c-ebay".into(),
            "FROM_EBAY",
            "Your invoice".into(),
            vec![message("m-e", "eBay", SELLER, 5, "Your monthly invoice is ready.")],
        ));
    }
    let router = Router::new()
        .route("/identity/v1/oauth2/token", post(token))
        .route("/commerce/message/v1/conversation", get(conversations))
        .route("/commerce/message/v1/conversation/{id}", get(conversation))
        .route("/commerce/message/v1/send_message", post(send_message))
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (url, fake)
}

fn config(api_url: &str) -> EbayConfig {
    let mut config = EbayConfig::new(SELLER, CLIENT_ID);
    config.marketplace = "ebay.de".into();
    config.api_url = api_url.into();
    config.refresh_token = Some(Secret::new(REFRESH_TOKEN));
    // The backfill reaches back to the fixture's 2024 messages.
    config.backfill_days = 36_500;
    config
}

/// The app with eBay's sender registered; polls are driven by the test, one at a time.
async fn ebay_app(api_url: &str) -> (TestApp, Ebay) {
    let env = |name: &str| (name == "DRAGOMAN_EBAY_CLIENT_SECRET").then(|| CLIENT_SECRET.to_owned());
    let ebay = config(api_url).connect(env).unwrap();
    let sender = Arc::new(ebay.sender());
    let app = spawn_app_built(Settings::default(), move |state| {
        state.outbox.register(Channel::Ebay, sender);
        state
    })
    .await;
    (app, ebay)
}

#[tokio::test]
async fn polling_imports_incrementally_and_a_reply_goes_out_once() {
    let (url, fake) = fake_ebay().await;
    let (app, ebay) = ebay_app(&url).await;

    let first = dragoman_server::ebay::poll(&app.state, &ebay).await.unwrap();
    assert_eq!((first.listed, first.fetched, first.imported, first.failed), (2, 2, 3, 0), "{first:?}");
    let (_, list) = app.get("/api/v1/conversations?channel=ebay").await;
    let conversations = list["items"].as_array().unwrap();
    assert_eq!(conversations.len(), 2, "threaded by eBay conversation: {list}");
    let hans =
        conversations.iter().find(|c| c["message_count"] == 2).expect("the seller's own message is not imported");
    assert_eq!(hans["marketplace"], "ebay.de");
    let hans_id = hans["id"].as_i64().unwrap();
    let (_, detail) = app.get(&format!("/api/v1/conversations/{hans_id}")).await;
    let messages = detail["messages"].as_array().unwrap();
    assert_eq!(messages[0]["body_text"], "Guten Tag, wann wird Bestellung 12-34567-89012 versendet?", "oldest first");
    assert_eq!(messages[0]["order_numbers"], json!(["12-34567-89012"]));
    assert_eq!(messages[0]["sender"], "hans_meier");

    // Nothing new: no conversation is fetched again, nothing imported.
    let second = dragoman_server::ebay::poll(&app.state, &ebay).await.unwrap();
    assert_eq!((second.fetched, second.imported), (0, 0), "{second:?}");
    assert_eq!(fake.lock().unwrap().conversation_fetches, 2);

    // A new buyer message, and eBay has revoked the access token meanwhile: renewed, then fetched.
    {
        let mut f = fake.lock().unwrap();
        f.live_token = None;
        f.conversations[1].3.push(message("m-5", "yuki_t", SELLER, 30, "220V でも大丈夫ですか？"));
    }
    let third = dragoman_server::ebay::poll(&app.state, &ebay).await.unwrap();
    assert_eq!((third.fetched, third.imported), (1, 1), "{third:?}");
    assert_eq!(fake.lock().unwrap().tokens_minted, 2, "one renewal after the 401");

    // A restart (fresh client, no token) over the same store: the cursor and marks survive.
    let env = |name: &str| (name == "DRAGOMAN_EBAY_CLIENT_SECRET").then(|| CLIENT_SECRET.to_owned());
    let restarted = config(&url).connect(env).unwrap();
    let after_restart = dragoman_server::ebay::poll(&app.state, &restarted).await.unwrap();
    assert_eq!((after_restart.fetched, after_restart.imported), (0, 0), "{after_restart:?}");
    assert_eq!(fake.lock().unwrap().conversation_fetches, 3);

    // The agent answers; the outbox sends it into the eBay conversation once.
    let (status, queued) = app
        .post_json(
            &format!("/api/v1/conversations/{hans_id}/replies"),
            &json!({"body": "Ist unterwegs: DHL 4917382654."}),
        )
        .await;
    assert_eq!(status, 201, "{queued}");
    let sent = app
        .wait_for(&format!("/api/v1/conversations/{hans_id}"), |c| {
            c["messages"].as_array().unwrap().iter().any(|m| m["delivery"]["state"] == "sent")
        })
        .await;
    let reply = sent["messages"].as_array().unwrap().iter().find(|m| m["delivery"]["state"] == "sent").unwrap().clone();
    assert_eq!(reply["delivery"]["attempts"], 1, "{reply}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let sent_requests = fake.lock().unwrap().sent.clone();
    assert_eq!(sent_requests, [json!({"conversationId": "c-hans", "messageText": "Ist unterwegs: DHL 4917382654."})]);

    // The reply itself shows up in the next poll as the seller's message: not imported as a buyer's.
    let after_reply = dragoman_server::ebay::poll(&app.state, &ebay).await.unwrap();
    assert_eq!((after_reply.fetched, after_reply.imported), (1, 0), "{after_reply:?}");
}

#[tokio::test]
async fn refused_credentials_are_reported_without_the_secret() {
    let (url, _fake) = fake_ebay().await;
    let env = |name: &str| (name == "DRAGOMAN_EBAY_CLIENT_SECRET").then(|| "wrong-secret".to_owned());
    let ebay = config(&url).connect(env).unwrap();
    let app = spawn_app_built(Settings::default(), |state| state).await;
    let err = dragoman_server::ebay::poll(&app.state, &ebay).await.unwrap_err().to_string();
    assert!(err.contains("invalid_grant") && err.contains("refresh token"), "{err}");
    assert!(!err.contains("wrong-secret") && !err.contains(REFRESH_TOKEN), "{err}");
    assert!(!format!("{ebay:?}").contains(REFRESH_TOKEN), "Debug hides secrets");

    let missing = EbayConfig::new(SELLER, CLIENT_ID).connect(|_| None).unwrap_err().to_string();
    assert!(missing.contains("DRAGOMAN_EBAY_CLIENT_SECRET"), "{missing}");
}
