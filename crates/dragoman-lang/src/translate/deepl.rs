//! DeepL's REST API: `POST {base_url}/v2/translate` with `Authorization: DeepL-Auth-Key …`.
//!
//! Markers travel as empty XML tags (`<x id="1"/>`) with `tag_handling=xml`: DeepL places tags
//! where their context goes in the translation and never translates them, which is exactly
//! what a protected span needs. The text is XML-escaped on the way in and unescaped on the
//! way out. Target variants DeepL insists on (`EN-US`/`EN-GB`, `PT-BR`/`PT-PT`) come from
//! configuration.

use super::http;
use super::{Coverage, EngineError, LanguagePair, Translator};
use async_trait::async_trait;
use dragoman_core::LanguageTag;
use regex::Regex;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::LazyLock;
use std::time::Duration;

/// Source languages of DeepL's text API (its documentation, 2025); targets are the same
/// languages, some with variants.
pub const LANGUAGES: &[&str] = &[
    "ar", "bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "hu", "id", "it", "ja", "ko", "lt", "lv", "nb",
    "nl", "pl", "pt", "ro", "ru", "sk", "sl", "sv", "tr", "uk", "zh",
];

/// DeepL's accepted `formality` values.
pub const FORMALITIES: &[&str] = &["default", "more", "less", "prefer_more", "prefer_less"];

pub struct DeeplSettings {
    /// `https://api-free.deepl.com` or `https://api.deepl.com`.
    pub base_url: String,
    pub api_key: String,
    /// One of [`FORMALITIES`]; `prefer_…` falls back quietly for languages without formality.
    pub formality: Option<String>,
    /// Target codes by language where DeepL wants a variant (`en` → `EN-GB`); defaults:
    /// `en` → `EN-US`, `pt` → `PT-BR`.
    pub targets: BTreeMap<LanguageTag, String>,
    /// Empty: [`LANGUAGES`].
    pub languages: Vec<LanguageTag>,
    pub timeout: Duration,
}

pub struct DeeplEngine {
    client: reqwest::Client,
    url: String,
    authorization: String,
    formality: Option<String>,
    targets: BTreeMap<LanguageTag, String>,
    coverage: Coverage,
    timeout: Duration,
}

// By hand: the key must never reach a log.
impl std::fmt::Debug for DeeplEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeeplEngine")
            .field("url", &self.url)
            .field("formality", &self.formality)
            .finish_non_exhaustive()
    }
}

static TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"<x\s+id\s*=\s*["']([0-9]{1,4})["']\s*(?:/>|>\s*</x\s*>)"#).expect("valid"));
static MARKER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"⟦([0-9]{1,4})⟧").expect("valid"));

impl DeeplEngine {
    pub const NAME: &'static str = "deepl";

    pub fn new(settings: DeeplSettings) -> Self {
        let languages = if settings.languages.is_empty() {
            LANGUAGES.iter().map(|l| LanguageTag::parse(l).expect("valid code")).collect()
        } else {
            settings.languages
        };
        let mut targets: BTreeMap<LanguageTag, String> = [("en", "EN-US"), ("pt", "PT-BR")]
            .into_iter()
            .map(|(l, t)| (LanguageTag::parse(l).expect("valid code"), t.to_owned()))
            .collect();
        targets.extend(settings.targets);
        Self {
            client: http::client(settings.timeout),
            url: http::join(&settings.base_url, "v2/translate"),
            authorization: format!("DeepL-Auth-Key {}", settings.api_key),
            formality: settings.formality,
            targets,
            coverage: Coverage::Among(languages),
            timeout: settings.timeout,
        }
    }

    fn target(&self, language: &LanguageTag) -> String {
        self.targets.get(language).cloned().unwrap_or_else(|| language.as_str().to_ascii_uppercase())
    }
}

fn to_xml(text: &str) -> String {
    let escaped = text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    MARKER.replace_all(&escaped, r#"<x id="$1"/>"#).into_owned()
}

fn from_xml(xml: &str) -> String {
    TAG.replace_all(xml, "⟦$1⟧")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

#[async_trait]
impl Translator for DeeplEngine {
    fn name(&self) -> &str {
        Self::NAME
    }

    fn model(&self, pair: &LanguagePair) -> Option<String> {
        let target = self.target(&pair.to);
        Some(match &self.formality {
            Some(formality) => format!("{target} formality={formality}"),
            None => target,
        })
    }

    fn coverage(&self) -> &Coverage {
        &self.coverage
    }

    async fn translate(&self, text: &str, pair: &LanguagePair) -> Result<String, EngineError> {
        if !self.coverage.serves(pair) {
            return Err(EngineError::Unsupported(pair.clone()));
        }
        let mut body = json!({
            "text": [to_xml(text)],
            "source_lang": pair.from.as_str().to_ascii_uppercase(),
            "target_lang": self.target(&pair.to),
            "tag_handling": "xml",
            "preserve_formatting": true,
        });
        if let Some(formality) = &self.formality {
            body["formality"] = json!(formality);
        }
        let answer = http::post_json(&self.client, &self.url, Some(&self.authorization), &body, self.timeout).await?;
        let translated = answer.pointer("/translations/0/text").and_then(Value::as_str).ok_or_else(|| {
            EngineError::Protocol { url: self.url.clone(), message: "no translations[0].text in the answer".into() }
        })?;
        Ok(from_xml(translated))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_travel_as_tags_and_text_is_escaped() {
        let xml = to_xml("R&D <b> ⟦1⟧ & ⟦12⟧");
        assert_eq!(xml, r#"R&amp;D &lt;b&gt; <x id="1"/> &amp; <x id="12"/>"#);
        assert_eq!(from_xml(&xml), "R&D <b> ⟦1⟧ & ⟦12⟧");
        assert_eq!(from_xml(r#"<x id='3'></x> &quot;ok&quot; &amp;lt;"#), "⟦3⟧ \"ok\" &lt;");
    }
}
