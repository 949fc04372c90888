//! The Message API's calls and the JSON they exchange (field names as eBay documents them).

use super::EbayError;
use super::oauth::TokenSource;
use dragoman_core::Timestamp;
use reqwest::{Method, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::time::Duration;

/// getConversations' and getConversation's largest page.
pub const PAGE_LIMIT: usize = 50;
/// sendMessage's `messageText` limit.
pub const MAX_MESSAGE_CHARS: usize = 2000;

pub(crate) fn http_client() -> reqwest::Client {
    reqwest::Client::builder().timeout(Duration::from_secs(30)).build().expect("an HTTP client with a timeout builds")
}

/// `ConversationDetail`, as getConversations lists it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversationDetail {
    pub conversation_id: String,
    pub conversation_type: String,
    pub conversation_status: Option<String>,
    pub conversation_title: Option<String>,
    pub created_date: Option<String>,
    pub latest_message: Option<MessageDetail>,
    pub reference_id: Option<String>,
    pub reference_type: Option<String>,
    pub unread_count: Option<i64>,
}

/// `MessageDetail` (and sendMessage's answer, which spells the user names `…UserName`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageDetail {
    pub message_id: String,
    #[serde(default)]
    pub message_body: String,
    #[serde(alias = "senderUserName")]
    pub sender_username: Option<String>,
    #[serde(alias = "recipientUserName")]
    pub recipient_username: Option<String>,
    pub created_date: Option<String>,
    pub subject: Option<String>,
    pub read_status: Option<bool>,
    #[serde(default)]
    pub message_media: Vec<MessageMedia>,
}

impl MessageDetail {
    pub fn created(&self) -> Option<Timestamp> {
        self.created_date.as_deref().and_then(parse_time)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageMedia {
    pub media_name: Option<String>,
    pub media_type: Option<String>,
    pub media_url: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ConversationsPage {
    #[serde(default)]
    conversations: Vec<ConversationDetail>,
    next: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct MessagesPage {
    conversation_title: Option<String>,
    /// Kept as JSON too: the raw bytes of each message are stored with it.
    #[serde(default)]
    messages: Vec<Value>,
    next: Option<String>,
}

/// A conversation's messages as getConversation gives them, each with its JSON.
#[derive(Debug, Clone)]
pub struct Conversation {
    pub title: Option<String>,
    pub messages: Vec<(MessageDetail, Value)>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SendMessageRequest<'a> {
    conversation_id: &'a str,
    message_text: &'a str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct UpdateConversationRequest<'a> {
    conversation_id: &'a str,
    conversation_type: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    conversation_status: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    read: Option<bool>,
}

/// The Message API of one seller account.
#[derive(Debug)]
pub struct MessageApi {
    http: reqwest::Client,
    /// `…/commerce/message/v1`
    base: String,
    tokens: TokenSource,
}

impl MessageApi {
    pub fn new(base: String, tokens: TokenSource) -> Self {
        Self { http: http_client(), base, tokens }
    }

    /// getConversations: every conversation of `conversation_type` with activity since
    /// `start_time` (all pages).
    pub async fn conversations(
        &self,
        conversation_type: &str,
        start_time: Option<Timestamp>,
    ) -> Result<Vec<ConversationDetail>, EbayError> {
        let mut all = Vec::new();
        loop {
            let mut query = vec![
                ("conversation_type", conversation_type.to_owned()),
                ("limit", PAGE_LIMIT.to_string()),
                ("offset", all.len().to_string()),
            ];
            if let Some(start) = start_time {
                query.push(("start_time", format_time(start)));
            }
            let page: ConversationsPage = self.call(Method::GET, "/conversation", &query, None::<&()>).await?;
            let done = page.next.is_none() || page.conversations.is_empty();
            all.extend(page.conversations);
            if done {
                return Ok(all);
            }
        }
    }

    /// getConversation: every message of one conversation (all pages), oldest first.
    pub async fn conversation(
        &self,
        conversation_id: &str,
        conversation_type: &str,
    ) -> Result<Conversation, EbayError> {
        let path = format!("/conversation/{}", path_segment(conversation_id));
        let mut conversation = Conversation { title: None, messages: Vec::new() };
        loop {
            let query = [
                ("conversation_type", conversation_type.to_owned()),
                ("limit", PAGE_LIMIT.to_string()),
                ("offset", conversation.messages.len().to_string()),
            ];
            let page: MessagesPage = self.call(Method::GET, &path, &query, None::<&()>).await?;
            conversation.title = conversation.title.or(page.conversation_title);
            let done = page.next.is_none() || page.messages.is_empty();
            for json in page.messages {
                let detail = serde_json::from_value(json.clone())
                    .map_err(|e| EbayError::Payload(format!("a message of conversation {conversation_id}: {e}")))?;
                conversation.messages.push((detail, json));
            }
            if done {
                conversation.messages.sort_by_key(|(m, _)| m.created());
                return Ok(conversation);
            }
        }
    }

    /// sendMessage into an existing conversation.
    pub async fn send_message(&self, conversation_id: &str, text: &str) -> Result<MessageDetail, EbayError> {
        let body = SendMessageRequest { conversation_id, message_text: text };
        self.call(Method::POST, "/send_message", &[], Some(&body)).await
    }

    /// updateConversation: marks a conversation read or unread, or moves it (`ARCHIVE`, …).
    pub async fn update_conversation(
        &self,
        conversation_id: &str,
        conversation_type: &str,
        status: Option<&str>,
        read: Option<bool>,
    ) -> Result<(), EbayError> {
        let body = UpdateConversationRequest { conversation_id, conversation_type, conversation_status: status, read };
        let _: Value = self.call(Method::POST, "/update_conversation", &[], Some(&body)).await?;
        Ok(())
    }

    /// One call with the current access token; on 401 the token is renewed and the call made
    /// once more.
    async fn call<T: for<'de> Deserialize<'de>>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&impl Serialize>,
    ) -> Result<T, EbayError> {
        let url = format!("{}{path}", self.base);
        let mut renewed = false;
        loop {
            let token = self.tokens.token().await?;
            let mut request = self.http.request(method.clone(), &url).bearer_auth(token.expose()).query(query);
            if let Some(body) = body {
                request = request.json(body);
            }
            let response = request.send().await.map_err(|e| EbayError::Unreachable(e.without_url().to_string()))?;
            let status = response.status();
            if status == StatusCode::UNAUTHORIZED && !renewed {
                self.tokens.reject(&token).await;
                renewed = true;
                continue;
            }
            let text = response.text().await.map_err(|e| EbayError::Unreachable(e.without_url().to_string()))?;
            if !status.is_success() {
                return Err(EbayError::Status { status: status.as_u16(), message: error_message(&text) });
            }
            let text = if text.trim().is_empty() { "null" } else { &text };
            return serde_json::from_str(text).map_err(|e| EbayError::Payload(format!("{method} {path}: {e}")));
        }
    }
}

/// eBay's error bodies are `{"errors": [{"errorId", "message", "longMessage"}]}`.
fn error_message(body: &str) -> String {
    let parsed: Value = serde_json::from_str(body).unwrap_or_default();
    let messages: Vec<&str> = parsed["errors"]
        .as_array()
        .map(|errors| errors.iter().filter_map(|e| e["longMessage"].as_str().or(e["message"].as_str())).collect())
        .unwrap_or_default();
    if messages.is_empty() { body.chars().take(300).collect() } else { messages.join("; ") }
}

fn path_segment(id: &str) -> String {
    id.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

pub(crate) fn parse_time(s: &str) -> Option<Timestamp> {
    chrono::DateTime::parse_from_rfc3339(s.trim()).ok().map(|t| Timestamp::from_datetime(t.to_utc()))
}

/// ISO 8601 in UTC with milliseconds, as eBay writes its own times.
pub(crate) fn format_time(t: Timestamp) -> String {
    t.to_datetime().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_round_trip_and_errors_read() {
        let t = parse_time("2024-06-07T13:42:32.915Z").unwrap();
        assert_eq!(format_time(t), "2024-06-07T13:42:32.915Z");
        let body = r#"{"errors":[{"errorId":355001,"message":"Invalid","longMessage":"The conversation is closed."}]}"#;
        assert_eq!(error_message(body), "The conversation is closed.");
        assert_eq!(path_segment("a b/c"), "a%20b%2Fc");
    }
}
