//! Translation: one [`Translator`] trait, several engines, and the service that puts them
//! together for a language pair.
//!
//! Layout:
//! - [`spans`]: protected spans (order and tracking numbers, URLs, emails, amounts, SKUs, codes,
//!   glossary terms) are replaced by markers before any engine sees the text, put back after,
//!   checked byte for byte, and re-inserted (and reported) when an engine lost one.
//! - [`glossary`]: the store's terms that are kept as written or always translated one way.
//! - [`route`]: which engines, and which chain of engines (pivoting), serve a language pair.
//! - [`service`]: [`TranslationService`] runs a request: glossary, masking, cache, the route's
//!   engines with fallback, restoring and verification.
//! - [`config`]: the `[translation]` configuration and the engines it builds.
//! - Engines: [`apertium`] (a local subprocess), [`chat`] (any OpenAI-compatible
//!   `/v1/chat/completions` endpoint), [`deepl`] (DeepL's `/v2/translate`).
//!
//! Engines see text in which every protected span is a marker `⟦n⟧`; each engine makes its
//! backend keep them (Apertium passes them through, the chat prompt asks for them, DeepL gets
//! them as XML tags). Whatever an engine does to them is repaired or reported by [`spans`],
//! never trusted.

pub mod apertium;
pub mod chat;
pub mod config;
pub mod deepl;
pub mod glossary;
mod http;
pub mod route;
pub mod service;
pub mod spans;

pub use config::{ConfigError, TranslationConfig};
pub use glossary::GlossaryTerm;
pub use service::{
    CacheKey, EngineFailure, Hop, NoCache, TranslateError, TranslateRequest, Translated, TranslationCache,
    TranslationService,
};
pub use spans::{ProtectedSpan, SpanKind, SpanOutcome};

use async_trait::async_trait;
use dragoman_core::LanguageTag;
use std::fmt;
use std::time::Duration;

/// A direction of translation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LanguagePair {
    pub from: LanguageTag,
    pub to: LanguageTag,
}

impl LanguagePair {
    pub fn new(from: LanguageTag, to: LanguageTag) -> Self {
        Self { from, to }
    }

    /// `"de-en"` → de → en.
    pub fn parse(s: &str) -> Option<Self> {
        let (from, to) = s.split_once('-')?;
        Some(Self { from: LanguageTag::parse(from).ok()?, to: LanguageTag::parse(to).ok()? })
    }
}

impl fmt::Display for LanguagePair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}→{}", self.from, self.to)
    }
}

/// The pairs an engine translates directly; pivoting chains them.
#[derive(Debug, Clone, PartialEq)]
pub enum Coverage {
    /// Exactly these directions (Apertium: its installed modes).
    Pairs(Vec<LanguagePair>),
    /// Any direction between two of these languages (DeepL, a chat model limited by configuration).
    Among(Vec<LanguageTag>),
    /// Any direction between two known languages (a general chat model).
    Any,
}

impl Coverage {
    pub fn serves(&self, pair: &LanguagePair) -> bool {
        if pair.from == pair.to || pair.from.is_undetermined() || pair.to.is_undetermined() {
            return false;
        }
        match self {
            Coverage::Pairs(pairs) => pairs.contains(pair),
            Coverage::Among(languages) => languages.contains(&pair.from) && languages.contains(&pair.to),
            Coverage::Any => true,
        }
    }

    /// The languages this coverage names (none for [`Coverage::Any`]).
    pub fn languages(&self) -> Vec<LanguageTag> {
        let mut out: Vec<LanguageTag> = match self {
            Coverage::Pairs(pairs) => pairs.iter().flat_map(|p| [p.from.clone(), p.to.clone()]).collect(),
            Coverage::Among(languages) => languages.clone(),
            Coverage::Any => Vec::new(),
        };
        out.sort();
        out.dedup();
        out
    }
}

/// A translation engine. It receives text whose protected spans are markers `⟦n⟧` and must
/// return them (the service repairs or reports what it does not).
#[async_trait]
pub trait Translator: Send + Sync {
    /// The engine's name in configuration, cache keys and stored translations (`apertium`).
    fn name(&self) -> &str;
    /// What else decides the output for `pair` (the model, the Apertium mode, the formality):
    /// part of the cache key and stored with each translation.
    fn model(&self, pair: &LanguagePair) -> Option<String>;
    fn coverage(&self) -> &Coverage;
    async fn translate(&self, text: &str, pair: &LanguagePair) -> Result<String, EngineError>;
}

/// Why one engine could not translate one text.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("does not translate {0}")]
    Unsupported(LanguagePair),
    #[error("timed out after {} s", .0.as_secs_f32())]
    Timeout(Duration),
    #[error("cannot run {command}: {source}")]
    Spawn { command: String, source: std::io::Error },
    #[error("{command} failed ({status}): {stderr}")]
    Process { command: String, status: String, stderr: String },
    #[error("cannot reach {url}: {message}")]
    Connect { url: String, message: String },
    #[error("{url} answered HTTP {status}: {message}")]
    Http { url: String, status: u16, message: String },
    #[error("unexpected answer from {url}: {message}")]
    Protocol { url: String, message: String },
}

/// The English name of a language for prompts and messages (`de` → `German`); the code itself
/// when lingua does not know it.
pub fn language_name(tag: &LanguageTag) -> String {
    lingua::Language::all()
        .into_iter()
        .find(|l| l.iso_code_639_1().to_string() == tag.as_str() || l.iso_code_639_3().to_string() == tag.as_str())
        .map_or_else(|| tag.to_string(), |l| l.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(s: &str) -> LanguageTag {
        LanguageTag::parse(s).unwrap()
    }

    #[test]
    fn coverage_serves_real_directions_only() {
        let pairs = Coverage::Pairs(vec![LanguagePair::parse("en-es").unwrap()]);
        assert!(pairs.serves(&LanguagePair::parse("en-es").unwrap()));
        assert!(!pairs.serves(&LanguagePair::parse("es-en").unwrap()));
        let among = Coverage::Among(vec![tag("de"), tag("en")]);
        assert!(among.serves(&LanguagePair::parse("de-en").unwrap()));
        assert!(!among.serves(&LanguagePair::parse("de-fr").unwrap()));
        assert!(!Coverage::Any.serves(&LanguagePair::new(tag("de"), tag("de"))));
        assert!(!Coverage::Any.serves(&LanguagePair::new(LanguageTag::undetermined(), tag("de"))));
    }

    #[test]
    fn names_languages_for_prompts() {
        assert_eq!(language_name(&tag("de")), "German");
        assert_eq!(language_name(&tag("pt")), "Portuguese");
        assert_eq!(language_name(&tag("gl")), "gl");
    }
}
