//! The shipped reply templates: one TOML file per language under `templates/`, compiled into
//! the binary and parsed once. Keeping them as data (not Rust) is what lets a store export,
//! translate and re-import them with the same format ([`parse_templates`]).

use super::{Condition, ReplyError, ReplyTemplate};
use dragoman_core::{Intent, LanguageTag};
use serde::Deserialize;
use std::sync::LazyLock;

const FILES: &[(&str, &str)] = &[
    ("en.toml", include_str!("../../templates/en.toml")),
    ("de.toml", include_str!("../../templates/de.toml")),
    ("fr.toml", include_str!("../../templates/fr.toml")),
    ("es.toml", include_str!("../../templates/es.toml")),
    ("it.toml", include_str!("../../templates/it.toml")),
    ("pt.toml", include_str!("../../templates/pt.toml")),
    ("ja.toml", include_str!("../../templates/ja.toml")),
    ("zh.toml", include_str!("../../templates/zh.toml")),
    ("ko.toml", include_str!("../../templates/ko.toml")),
    ("nl.toml", include_str!("../../templates/nl.toml")),
    ("pl.toml", include_str!("../../templates/pl.toml")),
];

/// The languages the default templates are written in.
pub const DEFAULT_LANGUAGES: &[&str] = &["en", "de", "fr", "es", "it", "pt", "ja", "zh", "ko", "nl", "pl"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    language: LanguageTag,
    templates: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    key: String,
    intent: Intent,
    #[serde(default)]
    when: Condition,
    title: String,
    body: String,
}

static DEFAULTS: LazyLock<Vec<ReplyTemplate>> = LazyLock::new(|| {
    FILES
        .iter()
        .flat_map(|(name, text)| parse_templates(text).unwrap_or_else(|e| panic!("templates/{name}: {e}")))
        .collect()
});

/// The shipped SOPs for every intent in every default language.
pub fn default_templates() -> Vec<ReplyTemplate> {
    DEFAULTS.clone()
}

/// Parses a templates file: a `language` and a list of `[[templates]]` with `key`,
/// `intent`, `when` (default `any`), `title` and `body`.
pub fn parse_templates(text: &str) -> Result<Vec<ReplyTemplate>, ReplyError> {
    let file: File = toml::from_str(text).map_err(|e| ReplyError::File(e.to_string()))?;
    Ok(file
        .templates
        .into_iter()
        .map(|e| ReplyTemplate {
            key: e.key,
            intent: e.intent,
            language: file.language.clone(),
            title: e.title,
            body: e.body,
            when: e.when,
        })
        .collect())
}
