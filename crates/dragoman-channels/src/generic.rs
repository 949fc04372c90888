//! The generic JSON inbound channel: any system that can POST JSON (a marketplace bridge, a
//! contact form, a script) delivers buyer messages through it.

use crate::html;
use base64::Engine;
use dragoman_core::*;
use serde::Deserialize;
use std::fmt::Write;

/// One buyer message as JSON. Unknown fields are refused so a typo is not silently dropped.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct JsonInbound {
    pub channel: Channel,
    /// The sender's own id for this message; a repeat with the same id is a duplicate.
    pub external_id: String,
    /// Address or handle replies go to.
    pub sender: String,
    pub sender_name: Option<String>,
    pub subject: Option<String>,
    /// Plain text; when absent it is derived from `html`.
    pub text: Option<String>,
    /// HTML body; sanitised before it is stored.
    pub html: Option<String>,
    /// The channel's thread id (eBay conversation id, chat session, Amazon alias|order).
    pub thread_key: Option<String>,
    /// Email-style ids this message answers, nearest first.
    #[serde(default)]
    pub references: Vec<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "amazon.de"))]
    pub marketplace: Option<Marketplace>,
    /// The language, when the sender knows it (e.g. a browser setting).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "de"))]
    pub language: Option<LanguageTag>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub sent_at: Option<Timestamp>,
    #[serde(default)]
    pub attachments: Vec<JsonAttachment>,
}

#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct JsonAttachment {
    pub filename: String,
    pub content_type: Option<String>,
    /// Standard base64 of the file content.
    pub content_base64: String,
}

/// Why a JSON message cannot be accepted.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum JsonInboundError {
    #[error("{0} must not be empty")]
    Empty(&'static str),
    #[error("external_id is {0} characters long; at most 512 are accepted")]
    ExternalIdTooLong(usize),
    #[error("the message has no text, html or attachment")]
    NoContent,
    #[error("attachment {filename:?} is not valid base64: {reason}")]
    Attachment { filename: String, reason: String },
}

impl JsonInbound {
    /// Validates and normalises; `raw` is the request body as received, kept for audit.
    pub fn into_inbound(self, raw: Vec<u8>) -> Result<InboundMessage, JsonInboundError> {
        let external_id = self.external_id.trim().to_owned();
        if external_id.is_empty() {
            return Err(JsonInboundError::Empty("external_id"));
        }
        if external_id.chars().count() > 512 {
            return Err(JsonInboundError::ExternalIdTooLong(external_id.chars().count()));
        }
        let sender = self.sender.trim().to_owned();
        if sender.is_empty() {
            return Err(JsonInboundError::Empty("sender"));
        }
        let body_html = self.html.as_deref().map(html::sanitize_html).filter(|h| !h.trim().is_empty());
        let body_text = match (&self.text, &self.html) {
            (Some(text), _) if !text.trim().is_empty() => text.trim().to_owned(),
            (_, Some(html)) => html::html_to_text(html).trim().to_owned(),
            _ => String::new(),
        };
        if body_text.is_empty() && self.attachments.is_empty() {
            return Err(JsonInboundError::NoContent);
        }
        let attachments = self
            .attachments
            .into_iter()
            .map(|a| {
                let data = base64::engine::general_purpose::STANDARD.decode(a.content_base64.trim()).map_err(|e| {
                    JsonInboundError::Attachment { filename: a.filename.clone(), reason: e.to_string() }
                })?;
                Ok(InboundAttachment {
                    content_type: a.content_type.unwrap_or_else(|| "application/octet-stream".into()),
                    filename: a.filename,
                    data,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut searched = self.subject.clone().unwrap_or_default();
        let _ = write!(searched, "\n{body_text}");
        let order_numbers = OrderNumber::find_all(&searched).into_iter().map(|o| o.text).collect();
        let references = self
            .references
            .iter()
            .map(|r| r.trim().trim_start_matches('<').trim_end_matches('>').to_owned())
            .filter(|r| !r.is_empty())
            .collect();
        Ok(InboundMessage {
            channel: self.channel,
            marketplace: self.marketplace,
            external_id,
            thread: ThreadHints {
                thread_key: self.thread_key.filter(|k| !k.trim().is_empty()),
                rfc_message_id: None,
                references,
            },
            sender,
            sender_name: self.sender_name,
            subject: self.subject,
            body_text,
            quoted_text: None,
            body_html,
            language_hint: self.language,
            order_numbers,
            attachments,
            warnings: Vec::new(),
            sent_at: self.sent_at,
            raw: Some(RawInput { media_type: "application/json".into(), bytes: raw }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<InboundMessage, JsonInboundError> {
        serde_json::from_str::<JsonInbound>(json).expect("valid JSON").into_inbound(json.as_bytes().to_vec())
    }

    #[test]
    fn normalises_a_chat_message() {
        let m = parse(
            r#"{"channel":"chat","external_id":" c-1 ","sender":"visitor-9","text":" Wo ist Bestellung #LH-10517? ",
                "html":"<p onclick=\"x()\">Wo ist <script>alert(1)</script>Bestellung</p>","language":"de-DE",
                "attachments":[{"filename":"a.txt","content_base64":"aGk="}]}"#,
        )
        .unwrap();
        assert_eq!(m.external_id, "c-1");
        assert_eq!(m.body_text, "Wo ist Bestellung #LH-10517?");
        assert_eq!(m.order_numbers, ["#LH-10517"]);
        assert_eq!(m.language_hint.unwrap().as_str(), "de");
        let html = m.body_html.unwrap();
        assert!(!html.contains("script") && !html.contains("onclick"), "{html}");
        assert_eq!(m.attachments[0].data, b"hi");
        assert_eq!(m.raw.unwrap().media_type, "application/json");
    }

    #[test]
    fn text_comes_from_html_when_absent() {
        let m = parse(r#"{"channel":"email","external_id":"x","sender":"a@b.de","html":"<p>Hallo <b>Welt</b></p>"}"#)
            .unwrap();
        assert_eq!(m.body_text, "Hallo Welt");
    }

    #[test]
    fn refuses_what_cannot_be_stored() {
        let base = |extra: &str| format!(r#"{{"channel":"chat","sender":"v",{extra}}}"#);
        assert_eq!(parse(&base(r#""external_id":"","text":"hi""#)), Err(JsonInboundError::Empty("external_id")));
        assert_eq!(parse(&base(r#""external_id":"1","text":"  ""#)), Err(JsonInboundError::NoContent));
        assert!(matches!(
            parse(&base(r#""external_id":"1","text":"hi","attachments":[{"filename":"a","content_base64":"!!"}]"#)),
            Err(JsonInboundError::Attachment { .. })
        ));
        let long = "x".repeat(513);
        assert_eq!(
            parse(&base(&format!(r#""external_id":"{long}","text":"hi""#))),
            Err(JsonInboundError::ExternalIdTooLong(513))
        );
        assert!(
            serde_json::from_str::<JsonInbound>(r#"{"channel":"fax","external_id":"1","sender":"v","text":"hi"}"#)
                .is_err()
        );
        assert!(
            serde_json::from_str::<JsonInbound>(r#"{"channel":"chat","external_id":"1","sender":"v","txt":"hi"}"#)
                .is_err()
        );
    }
}
