//! [`crate::TranslationStore`] for both backends (compiled into each through `shared.rs`).

use super::*;
use crate::translation::{
    GlossaryEntry, NewGlossaryEntry, NewReplyPreview, PendingTranslation, ReplyPreview, TranslationCacheKey,
};

/// How "any language" is stored in the glossary's language columns (see the migration).
const ANY_LANGUAGE: &str = "*";

fn language_column(language: Option<&LanguageTag>) -> &str {
    language.map_or(ANY_LANGUAGE, LanguageTag::as_str)
}

fn language(value: &str, what: &str) -> Result<LanguageTag> {
    LanguageTag::parse(value).map_err(|e| StoreError::Corrupt(format!("{what} {value:?}: {e}")))
}

fn any_or_language(value: &str, what: &str) -> Result<Option<LanguageTag>> {
    if value == ANY_LANGUAGE { Ok(None) } else { language(value, what).map(Some) }
}

#[derive(sqlx::FromRow)]
struct GlossaryRow {
    id: i64,
    term: String,
    source_language: String,
    target_language: String,
    translation: Option<String>,
    updated_at: i64,
}

impl GlossaryRow {
    fn into_entry(self) -> Result<GlossaryEntry> {
        Ok(GlossaryEntry {
            id: self.id,
            term: self.term,
            source_language: any_or_language(&self.source_language, "glossary source language")?,
            target_language: any_or_language(&self.target_language, "glossary target language")?,
            translation: self.translation,
            updated_at: Timestamp(self.updated_at),
        })
    }
}

const GLOSSARY_COLUMNS: &str = "id, term, source_language, target_language, translation, updated_at";

#[derive(sqlx::FromRow)]
struct PendingRow {
    message_id: i64,
    language: String,
    reason: String,
    attempts: i64,
    created_at: i64,
    updated_at: i64,
}

impl PendingRow {
    fn into_pending(self) -> Result<PendingTranslation> {
        Ok(PendingTranslation {
            message_id: MessageId(self.message_id),
            language: language(&self.language, "pending translation language")?,
            reason: self.reason,
            attempts: self.attempts,
            since: Timestamp(self.created_at),
            last_attempt_at: Timestamp(self.updated_at),
        })
    }
}

const PENDING_COLUMNS: &str = "message_id, language, reason, attempts, created_at, updated_at";

#[derive(sqlx::FromRow)]
struct PreviewRow {
    id: i64,
    conversation_id: i64,
    agent_id: Option<i64>,
    source_language: String,
    target_language: String,
    text: String,
    translation: String,
    back_translation: Option<String>,
    engine: String,
    model: Option<String>,
    spans: String,
    warnings: String,
    created_at: i64,
}

impl PreviewRow {
    fn into_preview(self) -> Result<ReplyPreview> {
        let corrupt = |what: &str, e: serde_json::Error| StoreError::Corrupt(format!("reply preview {what}: {e}"));
        Ok(ReplyPreview {
            id: self.id,
            conversation_id: ConversationId(self.conversation_id),
            agent_id: self.agent_id.map(AgentId),
            source_language: language(&self.source_language, "reply preview source language")?,
            target_language: language(&self.target_language, "reply preview target language")?,
            text: self.text,
            translation: self.translation,
            back_translation: self.back_translation,
            engine: self.engine,
            model: self.model,
            spans: serde_json::from_str(&self.spans).map_err(|e| corrupt("spans", e))?,
            warnings: serde_json::from_str(&self.warnings).map_err(|e| corrupt("warnings", e))?,
            created_at: Timestamp(self.created_at),
        })
    }
}

const PREVIEW_COLUMNS: &str = "id, conversation_id, agent_id, source_language, target_language, text, translation, \
     back_translation, engine, model, spans, warnings, created_at";

#[async_trait]
impl TranslationStore for Impl {
    #[instrument(skip_all, fields(engine = key.engine, source = %key.source, target = %key.target))]
    async fn cached_translation(&self, key: &TranslationCacheKey<'_>) -> Result<Option<String>> {
        let row: Option<(String,)> = sqlx::query_as(
            "SELECT translation FROM translation_cache WHERE engine = $1 AND model = $2 AND source_language = $3 \
             AND target_language = $4 AND text_sha256 = $5",
        )
        .bind(key.engine)
        .bind(key.model)
        .bind(key.source.as_str())
        .bind(key.target.as_str())
        .bind(sha256_hex(key.text.as_bytes()))
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(t,)| t))
    }

    #[instrument(skip_all, fields(engine = key.engine, source = %key.source, target = %key.target))]
    async fn cache_translation(&self, key: &TranslationCacheKey<'_>, translation: &str, now: Timestamp) -> Result<()> {
        sqlx::query(
            "INSERT INTO translation_cache (engine, model, source_language, target_language, text_sha256, \
             source_text, translation, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (engine, model, source_language, target_language, text_sha256) \
             DO UPDATE SET translation = excluded.translation, created_at = excluded.created_at",
        )
        .bind(key.engine)
        .bind(key.model)
        .bind(key.source.as_str())
        .bind(key.target.as_str())
        .bind(sha256_hex(key.text.as_bytes()))
        .bind(key.text)
        .bind(translation)
        .bind(now.0)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    #[instrument(skip_all)]
    async fn list_glossary(&self) -> Result<Vec<GlossaryEntry>> {
        let sql =
            format!("SELECT {GLOSSARY_COLUMNS} FROM glossary_terms ORDER BY term, source_language, target_language");
        let rows: Vec<GlossaryRow> = sqlx::query_as(&sql).fetch_all(&self.pool).await?;
        rows.into_iter().map(GlossaryRow::into_entry).collect()
    }

    #[instrument(skip_all)]
    async fn upsert_glossary_entry(&self, entry: &NewGlossaryEntry, now: Timestamp) -> Result<GlossaryEntry> {
        let term = entry.term.trim();
        if term.is_empty() {
            return Err(StoreError::Invalid("a glossary term cannot be empty".into()));
        }
        if entry.translation.as_deref().is_some_and(|t| t.trim().is_empty()) {
            return Err(StoreError::Invalid(format!(
                "the rendering of {term:?} is empty; leave it out to keep the term as written"
            )));
        }
        let sql = format!(
            "INSERT INTO glossary_terms (term, source_language, target_language, translation, updated_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (term, source_language, target_language) \
             DO UPDATE SET translation = excluded.translation, updated_at = excluded.updated_at \
             RETURNING {GLOSSARY_COLUMNS}"
        );
        let row: GlossaryRow = sqlx::query_as(&sql)
            .bind(term)
            .bind(language_column(entry.source_language.as_ref()))
            .bind(language_column(entry.target_language.as_ref()))
            .bind(entry.translation.as_deref())
            .bind(now.0)
            .fetch_one(&self.pool)
            .await?;
        row.into_entry()
    }

    #[instrument(skip_all, fields(id))]
    async fn delete_glossary_entry(&self, id: i64) -> Result<()> {
        let done = sqlx::query("DELETE FROM glossary_terms WHERE id = $1").bind(id).execute(&self.pool).await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found("glossary entry", id));
        }
        Ok(())
    }

    #[instrument(skip_all, fields(%message, %language))]
    async fn mark_translation_pending(
        &self,
        message: MessageId,
        language: &LanguageTag,
        reason: &str,
        now: Timestamp,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO translation_pending (message_id, language, reason, attempts, created_at, updated_at) \
             VALUES ($1, $2, $3, 1, $4, $4) ON CONFLICT (message_id, language) DO UPDATE SET \
             reason = excluded.reason, attempts = translation_pending.attempts + 1, updated_at = excluded.updated_at",
        )
        .bind(message.0)
        .bind(language.as_str())
        .bind(reason)
        .bind(now.0)
        .execute(&self.pool)
        .await
        .map_err(|e| on_violation(e, ForeignKeyViolation, || StoreError::not_found("message", message)))?;
        Ok(())
    }

    #[instrument(skip_all)]
    async fn pending_translations(&self, limit: u32) -> Result<Vec<PendingTranslation>> {
        let limit = PageRequest { limit, ..PageRequest::default() }.effective_limit();
        let sql = format!(
            "SELECT {PENDING_COLUMNS} FROM translation_pending ORDER BY updated_at, message_id, language LIMIT $1"
        );
        let rows: Vec<PendingRow> = sqlx::query_as(&sql).bind(i64::from(limit)).fetch_all(&self.pool).await?;
        rows.into_iter().map(PendingRow::into_pending).collect()
    }

    #[instrument(skip_all, fields(%message))]
    async fn pending_translations_of(&self, message: MessageId) -> Result<Vec<PendingTranslation>> {
        let sql = format!("SELECT {PENDING_COLUMNS} FROM translation_pending WHERE message_id = $1 ORDER BY language");
        let rows: Vec<PendingRow> = sqlx::query_as(&sql).bind(message.0).fetch_all(&self.pool).await?;
        rows.into_iter().map(PendingRow::into_pending).collect()
    }

    #[instrument(skip_all, fields(%message, %language))]
    async fn clear_translation_pending(&self, message: MessageId, language: &LanguageTag) -> Result<()> {
        sqlx::query("DELETE FROM translation_pending WHERE message_id = $1 AND language = $2")
            .bind(message.0)
            .bind(language.as_str())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    #[instrument(skip_all, fields(conversation = %preview.conversation_id))]
    async fn save_reply_preview(&self, preview: &NewReplyPreview, now: Timestamp) -> Result<ReplyPreview> {
        let mut tx = begin_write(&self.pool).await?;
        if !exists(&mut tx, "conversations", preview.conversation_id.0).await? {
            return Err(StoreError::not_found("conversation", preview.conversation_id));
        }
        if let Some(agent) = preview.agent_id {
            require_agent(&mut tx, agent).await?;
        }
        let warnings = serde_json::to_string(&preview.warnings).expect("strings serialise");
        let sql = format!(
            "INSERT INTO reply_previews (conversation_id, agent_id, source_language, target_language, text, \
             translation, back_translation, engine, model, spans, warnings, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING {PREVIEW_COLUMNS}"
        );
        let row: PreviewRow = sqlx::query_as(&sql)
            .bind(preview.conversation_id.0)
            .bind(preview.agent_id.map(|a| a.0))
            .bind(preview.source_language.as_str())
            .bind(preview.target_language.as_str())
            .bind(&preview.text)
            .bind(&preview.translation)
            .bind(preview.back_translation.as_deref())
            .bind(&preview.engine)
            .bind(preview.model.as_deref())
            .bind(preview.spans.to_string())
            .bind(warnings)
            .bind(now.0)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        row.into_preview()
    }

    #[instrument(skip_all, fields(id))]
    async fn get_reply_preview(&self, id: i64) -> Result<ReplyPreview> {
        let sql = format!("SELECT {PREVIEW_COLUMNS} FROM reply_previews WHERE id = $1");
        let row: PreviewRow = sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::not_found("reply preview", id))?;
        row.into_preview()
    }
}
