//! Any OpenAI-compatible chat endpoint as a translation engine: Ollama, llama.cpp's server,
//! vLLM, hosted APIs. `POST {base_url}/chat/completions` with a system prompt that asks for the
//! translation only and for the markers to be copied; the answer is
//! `choices[0].message.content`.

use super::http;
use super::{Coverage, EngineError, LanguagePair, Translator, language_name};
use async_trait::async_trait;
use dragoman_core::LanguageTag;
use serde_json::{Value, json};
use std::time::Duration;

pub struct ChatSettings {
    /// Up to the API version, e.g. `http://127.0.0.1:11434/v1` (Ollama) or `https://api.openai.com/v1`.
    pub base_url: String,
    pub model: String,
    /// Sent as `Authorization: Bearer …` when set.
    pub api_key: Option<String>,
    /// The languages the model translates well; empty: any.
    pub languages: Vec<LanguageTag>,
    pub timeout: Duration,
}

pub struct ChatEngine {
    client: reqwest::Client,
    url: String,
    model: String,
    authorization: Option<String>,
    coverage: Coverage,
    timeout: Duration,
}

// By hand: the key must never reach a log.
impl std::fmt::Debug for ChatEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChatEngine").field("url", &self.url).field("model", &self.model).finish_non_exhaustive()
    }
}

impl ChatEngine {
    pub const NAME: &'static str = "openai";

    pub fn new(settings: ChatSettings) -> Self {
        let coverage = if settings.languages.is_empty() { Coverage::Any } else { Coverage::Among(settings.languages) };
        Self {
            client: http::client(settings.timeout),
            url: http::join(&settings.base_url, "chat/completions"),
            model: settings.model,
            authorization: settings.api_key.map(|k| format!("Bearer {k}")),
            coverage,
            timeout: settings.timeout,
        }
    }
}

fn system_prompt(pair: &LanguagePair) -> String {
    format!(
        "You are the translation engine of an online shop's customer service. Translate the user's message \
         from {} to {}. Answer with the translation only: no explanation, no notes, no quotation marks. \
         Keep the line breaks. Markers such as ⟦1⟧ stand for order numbers, links, amounts and names: copy \
         each marker exactly as written, once, where its content belongs in the translation.",
        language_name(&pair.from),
        language_name(&pair.to)
    )
}

/// Reasoning models (Qwen3, DeepSeek-R1 through Ollama) may put their thinking first.
fn without_thinking(content: &str) -> &str {
    match content.find("</think>") {
        Some(end) if content.trim_start().starts_with("<think>") => &content[end + "</think>".len()..],
        _ => content,
    }
}

#[async_trait]
impl Translator for ChatEngine {
    fn name(&self) -> &str {
        Self::NAME
    }

    fn model(&self, _: &LanguagePair) -> Option<String> {
        Some(self.model.clone())
    }

    fn coverage(&self) -> &Coverage {
        &self.coverage
    }

    async fn translate(&self, text: &str, pair: &LanguagePair) -> Result<String, EngineError> {
        if !self.coverage.serves(pair) {
            return Err(EngineError::Unsupported(pair.clone()));
        }
        let body = json!({
            "model": self.model,
            "temperature": 0,
            "stream": false,
            "messages": [
                {"role": "system", "content": system_prompt(pair)},
                {"role": "user", "content": text},
            ],
        });
        let answer =
            http::post_json(&self.client, &self.url, self.authorization.as_deref(), &body, self.timeout).await?;
        let content = answer.pointer("/choices/0/message/content").and_then(Value::as_str).ok_or_else(|| {
            EngineError::Protocol {
                url: self.url.clone(),
                message: "no choices[0].message.content in the answer".into(),
            }
        })?;
        Ok(without_thinking(content).trim().to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_a_leading_thinking_block_only() {
        assert_eq!(without_thinking("<think>\nhmm\n</think>\n\nHallo"), "\n\nHallo");
        assert_eq!(without_thinking("Hallo </think>"), "Hallo </think>");
    }

    #[test]
    fn prompt_names_the_languages() {
        let prompt = system_prompt(&LanguagePair::parse("de-en").unwrap());
        assert!(prompt.contains("from German to English"), "{prompt}");
        assert!(prompt.contains("⟦1⟧"));
    }

    #[test]
    fn debug_hides_the_key() {
        let engine = ChatEngine::new(ChatSettings {
            base_url: "http://127.0.0.1:1/v1".into(),
            model: "m".into(),
            api_key: Some("sk-secret".into()),
            languages: Vec::new(),
            timeout: Duration::from_secs(1),
        });
        assert!(!format!("{engine:?}").contains("sk-secret"));
    }
}
