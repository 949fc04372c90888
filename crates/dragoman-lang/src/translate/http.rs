//! The one JSON-over-HTTP call the HTTP engines make, with errors that say what went wrong
//! and never what the credentials were.

use super::EngineError;
use serde_json::Value;
use std::time::Duration;

/// An answer body is quoted in errors up to this many characters.
const MAX_QUOTED: usize = 300;

pub(crate) fn client(timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(timeout)
        .user_agent(concat!("dragoman/", env!("CARGO_PKG_VERSION")))
        .build()
        .expect("an HTTP client with a timeout and a user agent builds")
}

/// `base` and `path` joined with exactly one slash.
pub(crate) fn join(base: &str, path: &str) -> String {
    format!("{}/{}", base.trim_end_matches('/'), path.trim_start_matches('/'))
}

/// POSTs `body` as JSON with the `Authorization` header (when given) and returns the JSON answer.
pub(crate) async fn post_json(
    client: &reqwest::Client,
    url: &str,
    authorization: Option<&str>,
    body: &Value,
    timeout: Duration,
) -> Result<Value, EngineError> {
    // The URL as errors show it: without a query string, where a careless configuration might
    // have put a key.
    let shown = url.split('?').next().unwrap_or(url).to_owned();
    let mut request = client.post(url).json(body);
    if let Some(authorization) = authorization {
        request = request.header(reqwest::header::AUTHORIZATION, authorization);
    }
    let failed = |e: reqwest::Error, shown: &str| {
        if e.is_timeout() {
            EngineError::Timeout(timeout)
        } else {
            EngineError::Connect { url: shown.to_owned(), message: root_cause(&e) }
        }
    };
    let response = request.send().await.map_err(|e| failed(e, &shown))?;
    let status = response.status();
    let text = response.text().await.map_err(|e| failed(e, &shown))?;
    if !status.is_success() {
        return Err(EngineError::Http { url: shown, status: status.as_u16(), message: error_message(&text) });
    }
    serde_json::from_str(&text)
        .map_err(|e| EngineError::Protocol { url: shown, message: format!("the answer is not JSON ({e})") })
}

/// The message of an error answer: DeepL's `{"message"}`, the OpenAI shape
/// `{"error": {"message"}}`, or the start of the body.
fn error_message(body: &str) -> String {
    let json: Option<Value> = serde_json::from_str(body).ok();
    let message = json.as_ref().and_then(|v| {
        v.pointer("/error/message").or_else(|| v.get("message")).or_else(|| v.get("error")).and_then(Value::as_str)
    });
    let message = message.unwrap_or(body).trim();
    let quoted: String = message.chars().take(MAX_QUOTED).collect();
    if quoted.is_empty() { "(no message)".to_owned() } else { quoted }
}

/// reqwest's own message is "error sending request"; the cause (connection refused, DNS) is
/// what an operator needs.
fn root_cause(e: &reqwest::Error) -> String {
    let mut source: &dyn std::error::Error = e;
    while let Some(next) = source.source() {
        source = next;
    }
    source.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_messages_from_each_shape() {
        assert_eq!(error_message(r#"{"message":"Wrong endpoint"}"#), "Wrong endpoint");
        assert_eq!(error_message(r#"{"error":{"message":"model not found","type":"x"}}"#), "model not found");
        assert_eq!(error_message("Bad Gateway"), "Bad Gateway");
        assert_eq!(error_message(""), "(no message)");
        assert_eq!(error_message(&"x".repeat(1000)).len(), MAX_QUOTED);
    }

    #[test]
    fn joins_paths() {
        assert_eq!(join("http://h/v1/", "/chat/completions"), "http://h/v1/chat/completions");
        assert_eq!(join("http://h", "v2/translate"), "http://h/v2/translate");
    }
}
