//! Translation in the product, against a local OpenAI-compatible chat server: enrichment stores
//! translations (or records them as pending and retries), the reply preview (translation,
//! back-translation, spans, stored for sending), ad-hoc translation and the glossary.

use crate::helpers::*;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use dragoman_core::ConversationId;
use dragoman_lang::translate::chat::{ChatEngine, ChatSettings};
use dragoman_lang::translate::{TranslationConfig, TranslationService};
use dragoman_server::Settings;
use dragoman_server::api::translation::{Translator, previewed_reply};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

/// A chat-completions server whose "translation" tags the text with its target language:
/// `[German] …` (markers and all pass through, as a good model does).
#[derive(Default)]
struct Llm {
    down: AtomicBool,
    /// Drop the marker ⟦1⟧, as a careless model does.
    careless: AtomicBool,
    calls: AtomicUsize,
}

async fn completions(State(llm): State<Arc<Llm>>, Json(body): Json<Value>) -> Response {
    llm.calls.fetch_add(1, Ordering::SeqCst);
    if llm.down.load(Ordering::SeqCst) {
        return (StatusCode::SERVICE_UNAVAILABLE, Json(json!({"error": {"message": "model is loading"}})))
            .into_response();
    }
    let prompt = body.pointer("/messages/0/content").and_then(Value::as_str).unwrap();
    let target = prompt.split(" to ").nth(1).and_then(|rest| rest.split('.').next()).unwrap();
    let mut text = body.pointer("/messages/1/content").and_then(Value::as_str).unwrap().to_owned();
    if llm.careless.load(Ordering::SeqCst) {
        text = text.replace("⟦1⟧", "");
    }
    Json(json!({"choices": [{"index": 0, "message": {"role": "assistant", "content": format!("[{target}] {text}")}}]}))
        .into_response()
}

async fn llm_server(llm: Arc<Llm>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = Router::new().route("/v1/chat/completions", post(completions)).with_state(llm);
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{addr}/v1")
}

/// The app translating with the chat engine at `base`; pending translations retried every second.
async fn app_with_llm(base: String) -> TestApp {
    let engine = ChatEngine::new(ChatSettings {
        base_url: base,
        model: "test-model".into(),
        api_key: None,
        languages: Vec::new(),
        timeout: Duration::from_secs(10),
    });
    let config = TranslationConfig { retry_pending_secs: 1, ..TranslationConfig::default() };
    let translator = Translator::new(TranslationService::new(vec![Arc::new(engine)], Vec::new()), &config);
    spawn_app_built(Settings::default(), |state| state.with_translator(translator)).await
}

const GERMAN: &str =
    "Hallo, meine Bestellung 302-5518290-6612047 ist noch nicht da. Bitte antworten Sie an lena@example.de.";

async fn german_message(app: &TestApp, id: &str) -> (Value, String) {
    let (status, outcome) = app.post_json("/api/v1/inbound", &chat_message(id, GERMAN)).await;
    assert_eq!(status, 201, "{outcome}");
    let path = format!("/api/v1/conversations/{}", outcome["conversation_id"]);
    (outcome, path)
}

#[tokio::test]
async fn enrichment_stores_the_translation_with_engine_and_model() {
    let llm = Arc::new(Llm::default());
    let app = app_with_llm(llm_server(llm.clone()).await).await;
    let (_, path) = german_message(&app, "t-1").await;
    let detail = app.wait_for(&path, |c| c["messages"][0]["enrichment"] == "done").await;
    let message = &detail["messages"][0];
    assert_eq!(message["language"], "de");
    let translation = &message["translations"][0];
    assert_eq!(translation["language"], "en", "{detail}");
    assert_eq!(translation["engine"], "openai");
    assert_eq!(translation["model"], "test-model");
    assert_eq!(translation["text"], format!("[English] {GERMAN}"), "entities restored byte for byte");

    // A second message with the same shape is answered from the store's cache.
    let other = GERMAN.replace("302-5518290-6612047", "028-1234567-7654321");
    let (_, outcome) = app.post_json("/api/v1/inbound", &chat_message("t-2", &other)).await;
    let path = format!("/api/v1/conversations/{}", outcome["conversation_id"]);
    let detail = app.wait_for(&path, |c| c["messages"][0]["enrichment"] == "done").await;
    assert_eq!(detail["messages"][0]["translations"][0]["text"], format!("[English] {other}"));
    assert_eq!(llm.calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn untranslatable_messages_stay_readable_marked_pending_and_are_retried() {
    let llm = Arc::new(Llm::default());
    llm.down.store(true, Ordering::SeqCst);
    let app = app_with_llm(llm_server(llm.clone()).await).await;
    let (outcome, path) = german_message(&app, "p-1").await;
    let detail = app.wait_for(&path, |c| c["messages"][0]["enrichment"] == "done").await;
    assert_eq!(detail["messages"][0]["body_text"], GERMAN);
    assert_eq!(detail["messages"][0]["translations"], json!([]));
    let (status, pending) = app.get("/api/v1/translations/pending").await;
    assert_eq!(status, 200);
    assert_eq!(pending[0]["message_id"], outcome["message_id"], "{pending}");
    assert_eq!(pending[0]["language"], "en");
    let reason = pending[0]["reason"].as_str().unwrap();
    assert!(reason.contains("openai (de→en)") && reason.contains("HTTP 503: model is loading"), "{reason}");

    // The engine comes back: the sweep translates the message and clears the mark.
    llm.down.store(false, Ordering::SeqCst);
    let detail = app.wait_for(&path, |c| c["messages"][0]["translations"][0]["language"] == "en").await;
    assert_eq!(detail["messages"][0]["translations"][0]["text"], format!("[English] {GERMAN}"));
    for _ in 0..100 {
        if app.get("/api/v1/translations/pending").await.1 == json!([]) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the pending mark was not cleared");
}

#[tokio::test]
async fn without_an_engine_the_message_is_pending_with_the_reason() {
    let app = spawn_app().await;
    let (outcome, path) = german_message(&app, "n-1").await;
    app.wait_for(&path, |c| c["messages"][0]["enrichment"] == "done").await;
    let (_, pending) = app.get("/api/v1/translations/pending").await;
    assert_eq!(pending[0]["message_id"], outcome["message_id"], "{pending}");
    assert_eq!(pending[0]["reason"], "no translation engine translates de→en; configure one in [translation]");
}

#[tokio::test]
async fn reply_preview_translates_back_and_is_what_gets_sent() {
    let llm = Arc::new(Llm::default());
    let app = app_with_llm(llm_server(llm.clone()).await).await;
    let (outcome, _) = german_message(&app, "r-1").await;
    let conversation = outcome["conversation_id"].as_i64().unwrap();
    let path = format!("/api/v1/conversations/{conversation}/replies/preview");
    let text = "Your order 302-5518290-6612047 ships today; track it at https://track.example/p?id=9.";
    let (status, preview) = app.post_json(&path, &json!({"text": text, "language": "en", "to": "de"})).await;
    assert_eq!(status, 201, "{preview}");
    let translation = format!("[German] {text}");
    assert_eq!(preview["translation"], translation);
    assert_eq!(preview["back_translation"], format!("[English] {translation}"));
    assert_eq!((&preview["from"], &preview["to"], &preview["engine"]), (&json!("en"), &json!("de"), &json!("openai")));
    assert_eq!(preview["all_kept"], true);
    let spans: Vec<(&str, &str, bool)> = preview["spans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["kind"].as_str().unwrap(), s["text"].as_str().unwrap(), s["kept"].as_bool().unwrap()))
        .collect();
    assert_eq!(spans, [("order_id", "302-5518290-6612047", true), ("url", "https://track.example/p?id=9", true)]);

    // The reply route sends the stored preview's translation, byte for byte.
    let id = preview["preview_id"].as_i64().unwrap();
    let reply = previewed_reply(&app.state, ConversationId(conversation), id).await.unwrap();
    assert_eq!(reply.body, translation);
    assert_eq!(reply.language.as_str(), "de");
    assert_eq!(reply.original.as_ref().map(|o| o.text.as_str()), Some(text));
    assert!(previewed_reply(&app.state, ConversationId(conversation + 1), id).await.is_err());
    let replies = format!("/api/v1/conversations/{conversation}/replies");
    let (status, error) = app.post_json(&replies, &json!({"preview_id": id, "body": "Edited after the preview"})).await;
    assert_eq!((status, error_code(&error)), (422, "unprocessable"), "{error}");
    assert!(error.to_string().contains("preview the edited reply again"), "{error}");
    let (status, sent) = app.post_json(&replies, &json!({"preview_id": id})).await;
    assert_eq!(status, 201, "{sent}");
    assert_eq!((&sent["body_text"], &sent["language"]), (&json!(translation), &json!("de")), "{sent}");
    assert_eq!(sent["original"]["text"], text, "{sent}");

    // An engine that loses a span: it is put back, and the preview says so. (Another text: the
    // first one's translation is cached.)
    llm.careless.store(true, Ordering::SeqCst);
    let text = "Order 302-5518290-6612047 was refunded.";
    let (_, careless) = app.post_json(&path, &json!({"text": text, "language": "en", "to": "de"})).await;
    assert_eq!(careless["all_kept"], false);
    assert!(careless["translation"].as_str().unwrap().contains("302-5518290-6612047"), "{careless}");
    assert_eq!(careless["spans"][0]["kept"], false);
    let warnings = careless["warnings"].to_string();
    assert!(warnings.contains("openai lost the order number \\\"302-5518290-6612047\\\""), "{warnings}");
    // Such a preview is sent only once the agent says they checked it.
    let careless_id = careless["preview_id"].as_i64().unwrap();
    let (status, error) = app.post_json(&replies, &json!({"preview_id": careless_id})).await;
    assert_eq!(status, 422, "{error}");
    assert!(error.to_string().contains("302-5518290-6612047"), "{error}");
    let checked = json!({"preview_id": careless_id, "accept_altered_spans": true});
    assert_eq!(app.post_json(&replies, &checked).await.0, 201);

    // Without `to`, the buyer's language is needed.
    let fresh = app.post_json("/api/v1/inbound", &chat_message("r-2", "ok")).await.1;
    let path = format!("/api/v1/conversations/{}/replies/preview", fresh["conversation_id"]);
    let (status, error) = app.post_json(&path, &json!({"text": "Thanks!"})).await;
    assert_eq!((status, error_code(&error)), (422, "unprocessable"), "{error}");
}

#[tokio::test]
async fn ad_hoc_translation_and_the_glossary() {
    let llm = Arc::new(Llm::default());
    let app = app_with_llm(llm_server(llm).await).await;
    let (status, entry) = app.post_json("/api/v1/glossary", &json!({"term": "Lumenhaus", "translation": null})).await;
    assert_eq!(status, 201, "{entry}");
    let rendered =
        json!({"term": "Stehleuchte", "source_language": "de", "target_language": "en", "translation": "floor lamp"});
    assert_eq!(app.post_json("/api/v1/glossary", &rendered).await.0, 201);
    let (_, glossary) = app.get("/api/v1/glossary").await;
    assert_eq!(glossary.as_array().unwrap().len(), 2);

    let body = json!({"text": "Die Lumenhaus Stehleuchte für 49,99 € ist kaputt", "from": "de", "to": "en"});
    let (status, done) = app.post_json("/api/v1/translate", &body).await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["translation"], "[English] Die Lumenhaus floor lamp für 49,99 € ist kaputt");
    let kinds: Vec<&str> = done["spans"].as_array().unwrap().iter().map(|s| s["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["glossary", "glossary", "amount"]);

    let (status, _) = app.delete(&format!("/api/v1/glossary/{}", entry["id"])).await;
    assert_eq!(status, 204);
    assert_eq!(app.delete(&format!("/api/v1/glossary/{}", entry["id"])).await.0, 404);

    let (status, error) = app.post_json("/api/v1/translate", &json!({"text": " ", "to": "en"})).await;
    assert_eq!((status, error_code(&error)), (422, "unprocessable"));
    let (_, engines) = app.get("/api/v1/translation/engines").await;
    assert_eq!(engines, json!([{"name": "openai", "covers": "any"}]));
}

#[tokio::test]
async fn an_engine_failure_is_a_bad_gateway_that_names_it() {
    let llm = Arc::new(Llm::default());
    llm.down.store(true, Ordering::SeqCst);
    let app = app_with_llm(llm_server(llm).await).await;
    let (status, error) = app.post_json("/api/v1/translate", &json!({"text": "Hallo", "from": "de", "to": "en"})).await;
    assert_eq!((status, error_code(&error)), (502, "bad_gateway"), "{error}");
    assert!(error["error"]["message"].as_str().unwrap().contains("openai (de→en)"), "{error}");
    let none = spawn_app().await;
    let (status, error) =
        none.post_json("/api/v1/translate", &json!({"text": "Hallo", "from": "de", "to": "en"})).await;
    assert_eq!((status, error_code(&error)), (422, "unprocessable"), "{error}");
}
