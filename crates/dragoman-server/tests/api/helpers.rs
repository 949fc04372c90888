use dragoman_core::{Role, Timestamp};
use dragoman_nlu::Analyzer;
use dragoman_server::{Settings, auth};
use dragoman_store::{NewAgent, Store};
use serde_json::Value;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub store: Arc<dyn Store>,
    /// The state the server runs with (for driving a poller or worker step from a test).
    pub state: dragoman_server::state::AppState,
    /// An admin API token.
    pub token: String,
    _dir: tempfile::TempDir,
    _server: tokio::task::JoinHandle<()>,
}

pub fn now() -> Timestamp {
    Timestamp::from_datetime(chrono::Utc::now())
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(Settings::default()).await
}

pub async fn spawn_app_with(settings: Settings) -> TestApp {
    spawn_app_configured(settings, |_| {}).await
}

/// The app with `configure` applied to its state before it starts (e.g. registering senders).
pub async fn spawn_app_configured(
    settings: Settings,
    configure: impl FnOnce(&dragoman_server::state::AppState),
) -> TestApp {
    spawn_app_built(settings, |state| {
        configure(&state);
        state
    })
    .await
}

/// The app over the state `build` makes of the default one (e.g. with marketplaces connected).
pub async fn spawn_app_built(
    settings: Settings,
    build: impl FnOnce(dragoman_server::state::AppState) -> dragoman_server::state::AppState,
) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    let store = dragoman_store::open(&url).await.expect("open store");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state = build(dragoman_server::app_state(store.clone(), settings, analyzer()));
    let server = tokio::spawn({
        let state = state.clone();
        async move { dragoman_server::serve(listener, state, std::future::pending()).await.unwrap() }
    });
    let token = app_token(&store, Role::Admin).await;
    TestApp { base, client: reqwest::Client::new(), store, state, token, _dir: dir, _server: server }
}

/// The real models when installed (`scripts/fetch-models`), loaded once for all tests; CI must
/// have them.
pub fn analyzer() -> Arc<Analyzer> {
    static ANALYZER: OnceLock<Arc<Analyzer>> = OnceLock::new();
    ANALYZER
        .get_or_init(|| {
            let dir = std::env::var_os("DRAGOMAN_MODELS")
                .map(std::path::PathBuf::from)
                .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models"));
            match Analyzer::load(&dir) {
                Ok(analyzer) => Arc::new(analyzer),
                Err(e) if std::env::var_os("CI").is_none() => {
                    eprintln!("SKIPPED intent checks: {e}");
                    Arc::new(Analyzer::without_models())
                }
                Err(e) => panic!("CI needs the models: {e}"),
            }
        })
        .clone()
}

pub fn has_models() -> bool {
    analyzer().intents().is_some()
}

pub async fn app_token(store: &Arc<dyn Store>, role: Role) -> String {
    let (token, digest) = auth::new_api_token();
    store.create_api_token(&format!("test-{role}"), role, &digest, now()).await.unwrap();
    token
}

impl TestApp {
    /// Signs in through `/api/v1/auth/login`: the status, the body and the session cookie.
    pub async fn login(&self, email: &str, password: &str) -> (u16, serde_json::Value, Option<String>) {
        let r = self
            .client
            .post(self.url("/api/v1/auth/login"))
            .json(&serde_json::json!({"email": email, "password": password}))
            .send()
            .await
            .unwrap();
        let cookie = r
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("dragoman_session="))
            .map(|v| v.split(';').next().unwrap().to_owned());
        let (status, body) = status_json(r).await;
        (status, body, cookie)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.send(reqwest::Method::GET, path, None).await
    }

    /// Any method as the admin token, with an optional JSON body.
    pub async fn send(&self, method: reqwest::Method, path: &str, body: Option<&Value>) -> (u16, Value) {
        let mut request = self.client.request(method, self.url(path)).bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(body);
        }
        status_json(request.send().await.unwrap()).await
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> (u16, Value) {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    pub async fn put_json(&self, path: &str, body: &Value) -> (u16, Value) {
        self.send(reqwest::Method::PUT, path, Some(body)).await
    }

    pub async fn patch_json(&self, path: &str, body: &Value) -> (u16, Value) {
        self.send(reqwest::Method::PATCH, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> (u16, Value) {
        self.send(reqwest::Method::DELETE, path, None).await
    }

    pub async fn post_email(&self, raw: &[u8]) -> (u16, Value) {
        let r = self
            .client
            .post(self.url("/api/v1/inbound/email"))
            .bearer_auth(&self.token)
            .header("content-type", "message/rfc822")
            .body(raw.to_vec())
            .send()
            .await
            .unwrap();
        status_json(r).await
    }

    pub async fn create_agent(&self, email: &str, role: Role, password: &str) -> dragoman_core::Agent {
        let agent = NewAgent {
            name: email.split('@').next().unwrap().into(),
            email: email.into(),
            role,
            languages: vec![dragoman_core::LanguageTag::parse("en").unwrap()],
            time_zone: "UTC".into(),
            team_id: None,
            password_hash: Some(auth::hash_password(password).unwrap()),
        };
        self.store.create_agent(&agent, now()).await.unwrap()
    }

    /// Polls a conversation until `done` accepts it (workers run in the background).
    pub async fn wait_for(&self, path: &str, done: impl Fn(&Value) -> bool) -> Value {
        for _ in 0..200 {
            let (status, body) = self.get(path).await;
            if status == 200 && done(&body) {
                return body;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{path} never reached the expected state");
    }
}

pub async fn status_json(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    let body = if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
    (status, body)
}

/// The JSON error code of an error response, asserting its shape.
pub fn error_code(body: &Value) -> &str {
    let message = body["error"]["message"].as_str().expect("error.message is a string");
    assert!(!message.is_empty());
    body["error"]["code"].as_str().expect("error.code is a string")
}

pub fn fixture_emails() -> Vec<(String, Vec<u8>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("demo/emails");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
        .collect()
}

pub fn chat_message(external_id: &str, text: &str) -> Value {
    serde_json::json!({"channel": "chat", "external_id": external_id, "sender": format!("visitor-{external_id}"),
        "thread_key": format!("session-{external_id}"), "text": text})
}
