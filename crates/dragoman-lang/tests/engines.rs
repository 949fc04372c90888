//! The HTTP engines against local servers that speak the documented protocols: an
//! OpenAI-compatible `/v1/chat/completions` and DeepL's `/v2/translate`. The servers check the
//! requests the way the real services do (path, auth header, body fields) and answer with a
//! deterministic "translation", so what is tested is Dragoman's side: requests, markers,
//! restoring, errors, fallback, pivoting and the cache.

use async_trait::async_trait;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use dragoman_core::LanguageTag;
use dragoman_lang::translate::chat::{ChatEngine, ChatSettings};
use dragoman_lang::translate::deepl::{DeeplEngine, DeeplSettings};
use dragoman_lang::translate::route::PairRule;
use dragoman_lang::translate::{
    CacheKey, GlossaryTerm, LanguagePair, NoCache, ProtectedSpan, SpanKind, TranslateError, TranslateRequest,
    TranslationCache, TranslationService, Translator,
};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How a test server answers one text.
#[derive(Clone, Copy)]
enum Behaviour {
    /// Upper-cases the text, markers and all: anything not protected changes visibly.
    Shout,
    /// Drops the marker ⟦2⟧ and upper-cases the rest.
    LoseSecondMarker,
    /// Answers with an error status and a message in DeepL's error shape.
    Fail(u16),
    /// Never answers.
    Hang,
}

struct Server {
    behaviour: Behaviour,
    key: &'static str,
    calls: AtomicUsize,
    requests: Mutex<Vec<Value>>,
}

impl Server {
    fn new(behaviour: Behaviour, key: &'static str) -> Arc<Self> {
        Arc::new(Self { behaviour, key, calls: AtomicUsize::new(0), requests: Mutex::new(Vec::new()) })
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    fn last_request(&self) -> Value {
        self.requests.lock().unwrap().last().cloned().unwrap()
    }

    /// The answer text, or an error response. `xml`: the text has tags and entities, which a
    /// translation leaves as they are.
    async fn answer(&self, text: &str, xml: bool) -> Result<String, Response> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        match self.behaviour {
            Behaviour::Shout => Ok(shout(text, xml)),
            Behaviour::LoseSecondMarker => Ok(shout(&text.replace("⟦2⟧", "").replace(r#"<x id="2"/>"#, ""), xml)),
            Behaviour::Fail(status) => {
                Err((StatusCode::from_u16(status).unwrap(), Json(json!({"message": "Quota exceeded"}))).into_response())
            }
            Behaviour::Hang => std::future::pending().await,
        }
    }
}

/// Upper-cases text; with `xml`, not inside tags or entities.
fn shout(text: &str, xml: bool) -> String {
    let mut out = String::new();
    let mut inside: Option<char> = None;
    for c in text.chars() {
        match (inside, c) {
            (None, '<') if xml => inside = Some('>'),
            (None, '&') if xml => inside = Some(';'),
            (Some(end), c) if c == end => inside = None,
            _ => {}
        }
        if inside.is_some() || c == '>' || c == ';' { out.push(c) } else { out.extend(c.to_uppercase()) }
    }
    out
}

async fn serve(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{addr}")
}

/// `POST /v1/chat/completions` as OpenAI documents it: bearer auth, `model`, `messages`.
async fn chat_server(server: Arc<Server>) -> String {
    async fn completions(State(server): State<Arc<Server>>, headers: HeaderMap, Json(body): Json<Value>) -> Response {
        if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(&format!("Bearer {}", server.key)) {
            return (StatusCode::UNAUTHORIZED, Json(json!({"error": {"message": "Incorrect API key provided"}})))
                .into_response();
        }
        server.requests.lock().unwrap().push(body.clone());
        let (Some(model), Some(text)) =
            (body["model"].as_str(), body.pointer("/messages/1/content").and_then(Value::as_str))
        else {
            return (StatusCode::BAD_REQUEST, Json(json!({"error": {"message": "model and messages are required"}})))
                .into_response();
        };
        assert_eq!(body.pointer("/messages/0/role"), Some(&json!("system")));
        match server.answer(text, false).await {
            Ok(answer) => Json(json!({
                "id": "chatcmpl-1", "object": "chat.completion", "model": model,
                "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": answer}}],
            }))
            .into_response(),
            Err(response) => response,
        }
    }
    serve(Router::new().route("/v1/chat/completions", post(completions)).with_state(server)).await
}

/// `POST /v2/translate` as DeepL documents it: `DeepL-Auth-Key` auth, JSON `text` array,
/// `target_lang`, `tag_handling`.
async fn deepl_server(server: Arc<Server>) -> String {
    async fn translate(State(server): State<Arc<Server>>, headers: HeaderMap, Json(body): Json<Value>) -> Response {
        if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(&format!("DeepL-Auth-Key {}", server.key))
        {
            return (StatusCode::FORBIDDEN, Json(json!({"message": "Authorization failure, check auth_key"})))
                .into_response();
        }
        server.requests.lock().unwrap().push(body.clone());
        let (Some(texts), Some(_)) = (body["text"].as_array(), body["target_lang"].as_str()) else {
            return (StatusCode::BAD_REQUEST, Json(json!({"message": "Value for 'target_lang' not supported."})))
                .into_response();
        };
        let mut translations = Vec::new();
        for text in texts {
            let xml = body["tag_handling"] == "xml";
            match server.answer(text.as_str().unwrap(), xml).await {
                Ok(answer) => translations.push(json!({
                    "detected_source_language": body["source_lang"],
                    "text": answer,
                })),
                Err(response) => return response,
            }
        }
        Json(json!({"translations": translations})).into_response()
    }
    serve(Router::new().route("/v2/translate", post(translate)).with_state(server)).await
}

fn tag(s: &str) -> LanguageTag {
    LanguageTag::parse(s).unwrap()
}

fn pair(s: &str) -> LanguagePair {
    LanguagePair::parse(s).unwrap()
}

fn chat(base: &str, key: &str, languages: &[&str], timeout: Duration) -> Arc<dyn Translator> {
    Arc::new(ChatEngine::new(ChatSettings {
        base_url: format!("{base}/v1"),
        model: "qwen2.5:7b-instruct".into(),
        api_key: Some(key.into()),
        languages: languages.iter().map(|l| tag(l)).collect(),
        timeout,
    }))
}

fn deepl(base: &str, key: &str, languages: &[&str]) -> Arc<dyn Translator> {
    Arc::new(DeeplEngine::new(DeeplSettings {
        base_url: base.into(),
        api_key: key.into(),
        formality: Some("prefer_less".into()),
        targets: BTreeMap::new(),
        languages: languages.iter().map(|l| tag(l)).collect(),
        timeout: Duration::from_secs(10),
    }))
}

/// The text and its protected spans, found by position of each given part.
fn protected(text: &str, parts: &[(&str, SpanKind)]) -> Vec<ProtectedSpan> {
    parts
        .iter()
        .map(|(p, kind)| {
            let start = text.find(p).unwrap();
            ProtectedSpan { range: start..start + p.len(), kind: *kind }
        })
        .collect()
}

const TEXT: &str = "Wo ist Bestellung 302-5518290-6612047? Bitte an anna@example.de, Betrag 49,99 €";

fn text_spans() -> Vec<ProtectedSpan> {
    protected(
        TEXT,
        &[
            ("302-5518290-6612047", SpanKind::OrderId),
            ("anna@example.de", SpanKind::Email),
            ("49,99 €", SpanKind::Amount),
        ],
    )
}

fn request<'a>(spans: &'a [ProtectedSpan], glossary: &'a [GlossaryTerm], p: &str) -> TranslateRequest<'a> {
    TranslateRequest { text: TEXT, pair: pair(p), protected: spans, glossary }
}

#[tokio::test]
async fn chat_endpoint_translates_with_spans_kept() {
    let server = Server::new(Behaviour::Shout, "sk-test");
    let base = chat_server(server.clone()).await;
    let service = TranslationService::new(vec![chat(&base, "sk-test", &[], Duration::from_secs(10))], Vec::new());
    let spans = text_spans();
    let done = service.translate(&request(&spans, &[], "de-en"), &NoCache).await.unwrap();
    assert_eq!(done.text, "WO IST BESTELLUNG 302-5518290-6612047? BITTE AN anna@example.de, BETRAG 49,99 €");
    assert!(done.all_kept() && done.warnings.is_empty(), "{:?}", done.warnings);
    assert_eq!((done.engine().as_str(), done.model().as_deref()), ("openai", Some("qwen2.5:7b-instruct")));

    let sent = server.last_request();
    assert_eq!(sent["model"], "qwen2.5:7b-instruct");
    assert_eq!(sent["temperature"], 0);
    assert_eq!(sent.pointer("/messages/1/content").unwrap(), "Wo ist Bestellung ⟦1⟧? Bitte an ⟦2⟧, Betrag ⟦3⟧");
    let prompt = sent.pointer("/messages/0/content").unwrap().as_str().unwrap();
    assert!(prompt.contains("from German to English"), "{prompt}");
}

#[tokio::test]
async fn a_lost_span_is_put_back_and_reported() {
    let server = Server::new(Behaviour::LoseSecondMarker, "k");
    let base = chat_server(server).await;
    let service = TranslationService::new(vec![chat(&base, "k", &[], Duration::from_secs(10))], Vec::new());
    let spans = text_spans();
    let done = service.translate(&request(&spans, &[], "de-en"), &NoCache).await.unwrap();
    assert!(done.text.contains("anna@example.de"), "{}", done.text);
    let email = done.spans.iter().find(|s| s.kind == SpanKind::Email).unwrap();
    assert!(!email.kept);
    assert_eq!(&done.text[email.range.clone()], "anna@example.de");
    assert!(!done.all_kept());
    assert!(
        done.warnings.iter().any(|w| w.contains("openai lost the email address \"anna@example.de\"")),
        "{:?}",
        done.warnings
    );
}

#[tokio::test]
async fn errors_name_the_engine_and_the_reason_and_never_the_key() {
    let server = Server::new(Behaviour::Shout, "right-key");
    let base = chat_server(server).await;
    let service = TranslationService::new(vec![chat(&base, "wrong-key", &[], Duration::from_secs(10))], Vec::new());
    let spans = text_spans();
    let err = service.translate(&request(&spans, &[], "de-en"), &NoCache).await.unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, TranslateError::Failed { .. }));
    assert!(message.contains("openai (de→en)"), "{message}");
    assert!(message.contains("HTTP 401: Incorrect API key provided"), "{message}");
    assert!(!message.contains("wrong-key"), "{message}");

    let unreachable =
        TranslationService::new(vec![chat("http://127.0.0.1:9", "k", &[], Duration::from_secs(10))], Vec::new());
    let message = unreachable.translate(&request(&spans, &[], "de-en"), &NoCache).await.unwrap_err().to_string();
    assert!(message.contains("cannot reach http://127.0.0.1:9/v1/chat/completions"), "{message}");

    let hanging = Server::new(Behaviour::Hang, "k");
    let base = chat_server(hanging).await;
    let slow = TranslationService::new(vec![chat(&base, "k", &[], Duration::from_secs(1))], Vec::new());
    let message = slow.translate(&request(&spans, &[], "de-en"), &NoCache).await.unwrap_err().to_string();
    assert!(message.contains("openai (de→en): timed out after 1 s"), "{message}");

    let none = TranslationService::new(Vec::new(), Vec::new());
    let message = none.translate(&request(&spans, &[], "de-en"), &NoCache).await.unwrap_err().to_string();
    assert!(message.contains("no translation engine translates de→en"), "{message}");
}

#[tokio::test]
async fn deepl_protocol_with_markers_as_tags() {
    let server = Server::new(Behaviour::Shout, "dl-key:fx");
    let base = deepl_server(server.clone()).await;
    let service = TranslationService::new(vec![deepl(&base, "dl-key:fx", &[])], Vec::new());
    let spans = text_spans();
    let done = service.translate(&request(&spans, &[], "de-en"), &NoCache).await.unwrap();
    assert_eq!(done.text, "WO IST BESTELLUNG 302-5518290-6612047? BITTE AN anna@example.de, BETRAG 49,99 €");
    assert_eq!(done.model().as_deref(), Some("EN-US formality=prefer_less"));
    let sent = server.last_request();
    assert_eq!(sent["text"][0], r#"Wo ist Bestellung <x id="1"/>? Bitte an <x id="2"/>, Betrag <x id="3"/>"#);
    assert_eq!((sent["source_lang"].as_str(), sent["target_lang"].as_str()), (Some("DE"), Some("EN-US")));
    assert_eq!((sent["tag_handling"].as_str(), sent["formality"].as_str()), (Some("xml"), Some("prefer_less")));

    // Text with markup characters reaches DeepL escaped and comes back as written.
    let text = "a < b & c";
    let done = service
        .translate(&TranslateRequest { text, pair: pair("en-de"), protected: &[], glossary: &[] }, &NoCache)
        .await
        .unwrap();
    assert_eq!(done.text, "A < B & C");
    assert_eq!(server.last_request()["text"][0], "a &lt; b &amp; c");
    assert_eq!(server.last_request()["target_lang"], "DE");
}

#[tokio::test]
async fn a_failing_engine_falls_back_to_the_next_and_says_so() {
    let quota = Server::new(Behaviour::Fail(456), "k");
    let deepl_base = deepl_server(quota.clone()).await;
    let llm = Server::new(Behaviour::Shout, "k");
    let chat_base = chat_server(llm.clone()).await;
    let service = TranslationService::new(
        vec![deepl(&deepl_base, "k", &[]), chat(&chat_base, "k", &[], Duration::from_secs(10))],
        Vec::new(),
    );
    let spans = text_spans();
    let done = service.translate(&request(&spans, &[], "de-en"), &NoCache).await.unwrap();
    assert_eq!(done.engine(), "openai");
    assert_eq!((quota.calls(), llm.calls()), (1, 1));
    assert!(
        done.warnings.iter().any(|w| w.contains("deepl (de→en)")
            && w.contains("HTTP 456: Quota exceeded")
            && w.contains("by openai instead")),
        "{:?}",
        done.warnings
    );
}

#[tokio::test]
async fn pivots_through_english_across_engines_and_follows_pair_rules() {
    let llm = Server::new(Behaviour::Shout, "k");
    let chat_base = chat_server(llm.clone()).await;
    let dl = Server::new(Behaviour::Shout, "k");
    let deepl_base = deepl_server(dl.clone()).await;
    // The model knows German and English; DeepL (as configured) English and Japanese.
    let engines =
        vec![chat(&chat_base, "k", &["de", "en"], Duration::from_secs(10)), deepl(&deepl_base, "k", &["en", "ja"])];
    let service = TranslationService::new(engines, Vec::new());
    let spans = text_spans();
    let done = service.translate(&request(&spans, &[], "de-ja"), &NoCache).await.unwrap();
    assert_eq!(done.engine(), "openai+deepl");
    let hops: Vec<String> = done.hops.iter().map(|h| format!("{} {}→{}", h.engine, h.from, h.to)).collect();
    assert_eq!(hops, ["openai de→en", "deepl en→ja"]);
    assert!(done.model().unwrap().contains("de→en qwen2.5:7b-instruct; en→ja JA"), "{:?}", done.model());
    assert!(done.all_kept());
    // The second engine received the first one's output with canonical markers.
    assert_eq!(
        dl.last_request()["text"][0],
        r#"WO IST BESTELLUNG <x id="1"/>? BITTE AN <x id="2"/>, BETRAG <x id="3"/>"#
    );

    // A pair rule that names only DeepL for *-en leaves de→en (and so de→ja) without a route.
    let engines =
        vec![chat(&chat_base, "k", &["de", "en"], Duration::from_secs(10)), deepl(&deepl_base, "k", &["en", "ja"])];
    let ruled = TranslationService::new(engines, vec![PairRule::parse("*-en", vec!["deepl".into()]).unwrap()]);
    assert!(!ruled.can_translate(&pair("de-ja")));
    assert!(ruled.can_translate(&pair("en-ja")));
}

#[derive(Default)]
struct MemoryCache(Mutex<HashMap<String, String>>);

impl MemoryCache {
    fn id(key: &CacheKey<'_>) -> String {
        format!("{}|{}|{}|{}", key.engine, key.model, key.pair, key.text)
    }
}

#[async_trait]
impl TranslationCache for MemoryCache {
    async fn get(&self, key: &CacheKey<'_>) -> Option<String> {
        self.0.lock().unwrap().get(&Self::id(key)).cloned()
    }

    async fn put(&self, key: &CacheKey<'_>, translation: &str) {
        self.0.lock().unwrap().insert(Self::id(key), translation.to_owned());
    }
}

#[tokio::test]
async fn the_cache_answers_masked_text_whatever_the_spans() {
    let llm = Server::new(Behaviour::Shout, "k");
    let base = chat_server(llm.clone()).await;
    let service = TranslationService::new(vec![chat(&base, "k", &[], Duration::from_secs(10))], Vec::new());
    let cache = MemoryCache::default();
    let spans = text_spans();
    let first = service.translate(&request(&spans, &[], "de-en"), &cache).await.unwrap();
    assert!(!first.hops[0].cached);
    // Another order number and address: the same masked text, so no second call.
    let other = TEXT.replace("302-5518290-6612047", "028-1234567-7654321").replace("anna@", "ben@");
    let spans = protected(
        &other,
        &[
            ("028-1234567-7654321", SpanKind::OrderId),
            ("ben@example.de", SpanKind::Email),
            ("49,99 €", SpanKind::Amount),
        ],
    );
    let second = service
        .translate(&TranslateRequest { text: &other, pair: pair("de-en"), protected: &spans, glossary: &[] }, &cache)
        .await
        .unwrap();
    assert!(second.hops[0].cached);
    assert_eq!(llm.calls(), 1);
    assert_eq!(second.text, "WO IST BESTELLUNG 028-1234567-7654321? BITTE AN ben@example.de, BETRAG 49,99 €");
}

#[tokio::test]
async fn glossary_terms_are_kept_or_rendered_their_way() {
    let llm = Server::new(Behaviour::Shout, "k");
    let base = chat_server(llm).await;
    let service = TranslationService::new(vec![chat(&base, "k", &[], Duration::from_secs(10))], Vec::new());
    let glossary = [
        GlossaryTerm { term: "Lumenhaus".into(), from: None, to: None, translation: None },
        GlossaryTerm {
            term: "Stehleuchte".into(),
            from: Some(tag("de")),
            to: Some(tag("en")),
            translation: Some("floor lamp".into()),
        },
    ];
    let text = "Die Lumenhaus Stehleuchte ist kaputt";
    let done = service
        .translate(&TranslateRequest { text, pair: pair("de-en"), protected: &[], glossary: &glossary }, &NoCache)
        .await
        .unwrap();
    assert_eq!(done.text, "DIE Lumenhaus floor lamp IST KAPUTT");
    // Translating the result back protects the entities but not the glossary's rendering.
    assert!(done.spans_in_translation().is_empty());
}
