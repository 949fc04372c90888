//! What translation keeps: the cache of engines' outputs, the store's glossary, the messages
//! waiting for an engine that can translate them, and reply previews (the exact translation an
//! agent saw, which is what gets sent).
//!
//! The cache is keyed by (engine, model, source language, target language, SHA-256 of the
//! input text): the input is masked text (protected spans are markers), so it holds no order
//! numbers or addresses, and entries never go stale (a different model is a different key).

use crate::Result;
use async_trait::async_trait;
use dragoman_core::{AgentId, ConversationId, LanguageTag, MessageId, Timestamp};
use serde::{Deserialize, Serialize};

/// What a cached translation is filed under.
#[derive(Debug, Clone, Copy)]
pub struct TranslationCacheKey<'a> {
    pub engine: &'a str,
    /// `""` when the engine names no model.
    pub model: &'a str,
    pub source: &'a LanguageTag,
    pub target: &'a LanguageTag,
    pub text: &'a str,
}

/// A glossary term: kept as written (`translation` is `None`) or always rendered one way.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GlossaryEntry {
    pub id: i64,
    pub term: String,
    /// The language the term is written in; absent: any.
    pub source_language: Option<LanguageTag>,
    /// The language the rendering is for; absent: any.
    pub target_language: Option<LanguageTag>,
    pub translation: Option<String>,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewGlossaryEntry {
    pub term: String,
    #[serde(default)]
    pub source_language: Option<LanguageTag>,
    #[serde(default)]
    pub target_language: Option<LanguageTag>,
    #[serde(default)]
    pub translation: Option<String>,
}

/// A message that could not be translated into `language` yet (no engine serves the pair,
/// or every engine failed); it is tried again later.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PendingTranslation {
    pub message_id: MessageId,
    pub language: LanguageTag,
    /// Why the last attempt did not translate it.
    pub reason: String,
    pub attempts: i64,
    pub since: Timestamp,
    pub last_attempt_at: Timestamp,
}

/// A reply as an agent previewed it: what they wrote and the translation they saw.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReplyPreview {
    pub id: i64,
    pub conversation_id: ConversationId,
    pub agent_id: Option<AgentId>,
    pub source_language: LanguageTag,
    pub target_language: LanguageTag,
    /// What the agent wrote.
    pub text: String,
    /// Exactly what is sent to the buyer.
    pub translation: String,
    pub back_translation: Option<String>,
    pub engine: String,
    pub model: Option<String>,
    /// The protected spans as the preview showed them (JSON, as the API gave it).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub spans: serde_json::Value,
    pub warnings: Vec<String>,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewReplyPreview {
    pub conversation_id: ConversationId,
    pub agent_id: Option<AgentId>,
    pub source_language: LanguageTag,
    pub target_language: LanguageTag,
    pub text: String,
    pub translation: String,
    pub back_translation: Option<String>,
    pub engine: String,
    pub model: Option<String>,
    pub spans: serde_json::Value,
    pub warnings: Vec<String>,
}

/// Translation cache, glossary, pending translations and reply previews. Implemented for both
/// backends in `sql/translation.rs`.
#[async_trait]
pub trait TranslationStore: Send + Sync {
    async fn cached_translation(&self, key: &TranslationCacheKey<'_>) -> Result<Option<String>>;
    /// Files an engine's output (replacing an entry with the same key).
    async fn cache_translation(&self, key: &TranslationCacheKey<'_>, translation: &str, now: Timestamp) -> Result<()>;

    /// The whole glossary, by term.
    async fn list_glossary(&self) -> Result<Vec<GlossaryEntry>>;
    /// Adds a term, or replaces the entry with the same term and languages. `Invalid` for an
    /// empty term or rendering.
    async fn upsert_glossary_entry(&self, entry: &NewGlossaryEntry, now: Timestamp) -> Result<GlossaryEntry>;
    /// `NotFound` when there is no such entry.
    async fn delete_glossary_entry(&self, id: i64) -> Result<()>;

    /// Records that `message` could not be translated into `language` (again), and why.
    /// `NotFound` when the message does not exist.
    async fn mark_translation_pending(
        &self,
        message: MessageId,
        language: &LanguageTag,
        reason: &str,
        now: Timestamp,
    ) -> Result<()>;
    /// Pending translations, the longest untried first; `limit` as in [`crate::PageRequest`].
    async fn pending_translations(&self, limit: u32) -> Result<Vec<PendingTranslation>>;
    /// The translations `message` is waiting for.
    async fn pending_translations_of(&self, message: MessageId) -> Result<Vec<PendingTranslation>>;
    /// Forgets a pending translation (it was done); nothing happens when there is none.
    async fn clear_translation_pending(&self, message: MessageId, language: &LanguageTag) -> Result<()>;

    /// `NotFound` (conversation) or `Invalid` (agent) when a reference does not exist.
    async fn save_reply_preview(&self, preview: &NewReplyPreview, now: Timestamp) -> Result<ReplyPreview>;
    async fn get_reply_preview(&self, id: i64) -> Result<ReplyPreview>;
}
