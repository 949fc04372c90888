//! Translation in the product: buyer messages into the team's working language(s) during
//! enrichment, agent replies into the buyer's language with a back-translation (the preview),
//! ad-hoc translation, the store's glossary, and the sweep that retries what no engine could
//! translate yet.
//!
//! Every translation here goes through one door, [`translate_text`]: entities found by
//! `dragoman_nlu` are protected spans, the store's glossary applies, and the store is the cache.
//!
//! What an agent sends is what they previewed: the preview is stored, and the reply route
//! sends [`previewed_reply`]'s body, the preview's translation byte for byte.

use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path, Query};
use crate::state::AppState;
use async_trait::async_trait;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use dragoman_core::{
    Channel, Conversation, ConversationId, Direction, LanguageTag, Message, OriginalText, Role, Translation,
};
use dragoman_lang::translate::{
    CacheKey, Coverage, GlossaryTerm, LanguagePair, NoCache, ProtectedSpan, SpanKind, TranslateError, TranslateRequest,
    Translated, TranslationCache, TranslationConfig, TranslationService,
};
use dragoman_store::{
    GlossaryEntry, NewGlossaryEntry, NewReplyPreview, PendingTranslation, ReplyPreview, Store, TranslationCacheKey,
};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use utoipa::ToSchema;

/// The engines and how often untranslated messages are tried again.
pub struct Translator {
    pub service: TranslationService,
    pub retry_pending: Duration,
}

impl Default for Translator {
    /// No engine: every translation is pending until one is configured.
    fn default() -> Self {
        Self::new(TranslationService::default(), &TranslationConfig::default())
    }
}

impl Translator {
    pub fn new(service: TranslationService, config: &TranslationConfig) -> Self {
        Self { service, retry_pending: Duration::from_secs(config.retry_pending_secs.max(1)) }
    }
}

/// The store as the engines' cache. A store error is a miss (translating again is correct),
/// logged so a broken cache is noticed.
struct StoreCache<'a>(&'a dyn Store);

fn store_key<'a>(key: &CacheKey<'a>) -> TranslationCacheKey<'a> {
    TranslationCacheKey {
        engine: key.engine,
        model: key.model,
        source: &key.pair.from,
        target: &key.pair.to,
        text: key.text,
    }
}

#[async_trait]
impl TranslationCache for StoreCache<'_> {
    async fn get(&self, key: &CacheKey<'_>) -> Option<String> {
        self.0.cached_translation(&store_key(key)).await.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "translation cache lookup failed");
            None
        })
    }

    async fn put(&self, key: &CacheKey<'_>, translation: &str) {
        let now = dragoman_core::Timestamp::from_datetime(chrono::Utc::now());
        if let Err(e) = self.0.cache_translation(&store_key(key), translation, now).await {
            tracing::warn!(error = %e, "cannot cache a translation");
        }
    }
}

fn glossary_term(entry: GlossaryEntry) -> GlossaryTerm {
    GlossaryTerm {
        term: entry.term,
        from: entry.source_language,
        to: entry.target_language,
        translation: entry.translation,
    }
}

/// Why a translation could not be made, for the store's pending list and for API errors.
#[derive(Debug, thiserror::Error)]
pub enum TranslationFailure {
    #[error(transparent)]
    Translate(#[from] TranslateError),
    #[error("cannot read the glossary: {0}")]
    Store(#[from] dragoman_store::StoreError),
}

impl From<TranslationFailure> for ApiError {
    fn from(e: TranslationFailure) -> Self {
        match e {
            TranslationFailure::Translate(e @ TranslateError::Failed { .. }) => ApiError::BadGateway(e.to_string()),
            TranslationFailure::Translate(e) => ApiError::Unprocessable(e.to_string()),
            TranslationFailure::Store(e) => e.into(),
        }
    }
}

/// Translates `text` for `pair`: its entities are protected spans, the store's glossary
/// applies, the store caches each engine's output.
pub async fn translate_text(
    state: &AppState,
    text: &str,
    pair: LanguagePair,
) -> Result<Translated, TranslationFailure> {
    let protected = dragoman_nlu::protected_spans(text);
    translate_with(&state.translator.service, Some(state.store.as_ref()), text, pair, &protected).await
}

/// The one door every translation goes through (also `dragoman translate`): with a store, its
/// glossary applies and it is the cache; without one, neither.
pub async fn translate_with(
    service: &TranslationService,
    store: Option<&dyn Store>,
    text: &str,
    pair: LanguagePair,
    protected: &[ProtectedSpan],
) -> Result<Translated, TranslationFailure> {
    let glossary: Vec<GlossaryTerm> = match store {
        Some(store) => store.list_glossary().await?.into_iter().map(glossary_term).collect(),
        None => Vec::new(),
    };
    let request = TranslateRequest { text, pair, protected, glossary: &glossary };
    Ok(match store {
        Some(store) => service.translate(&request, &StoreCache(store)).await?,
        None => service.translate(&request, &NoCache).await?,
    })
}

// --- enrichment --------------------------------------------------------------------------

const DEFAULT_WORKING_LANGUAGE: &str = "en";

/// The languages a conversation's buyer messages are translated into: its team's working
/// language; without a team, every team's (whoever picks it up can read it); without teams,
/// English.
pub async fn working_languages(
    state: &AppState,
    conversation: &Conversation,
) -> Result<Vec<LanguageTag>, dragoman_store::StoreError> {
    let teams = state.store.list_teams().await?;
    let mut languages: Vec<LanguageTag> = match conversation.team_id {
        Some(team) => teams.into_iter().filter(|t| t.id == team).map(|t| t.working_language).collect(),
        None => teams.into_iter().map(|t| t.working_language).collect(),
    };
    languages.sort();
    languages.dedup();
    if languages.is_empty() {
        languages.push(LanguageTag::parse(DEFAULT_WORKING_LANGUAGE).expect("valid"));
    }
    Ok(languages)
}

/// What of a message is translated: its body, or its subject when the body is empty.
fn message_text(message: &Message) -> &str {
    if message.body_text.trim().is_empty() {
        message.subject.as_deref().unwrap_or_default()
    } else {
        &message.body_text
    }
}

/// Translates a buyer message (written in `language`) into the working languages it lacks.
/// Never fails enrichment: a translation no engine can make now is recorded as pending, the
/// message stays readable in the original, and [`keep_translating`] tries again.
pub async fn translate_message(
    state: &AppState,
    message: &Message,
    language: &LanguageTag,
    conversation: &Conversation,
) {
    if message.direction != Direction::Inbound || language.is_undetermined() || message_text(message).trim().is_empty()
    {
        return;
    }
    let targets = match working_languages(state, conversation).await {
        Ok(targets) => targets,
        Err(e) => {
            tracing::warn!(message = %message.id, error = %e, "cannot tell the working languages; not translated now");
            return;
        }
    };
    for target in targets {
        if target != *language && !message.translations.iter().any(|t| t.language == target) {
            translate_into(state, message, language, &target).await;
        }
    }
}

/// One message into one language: stored with its engine and model, or recorded as pending.
async fn translate_into(state: &AppState, message: &Message, from: &LanguageTag, to: &LanguageTag) {
    let pair = LanguagePair::new(from.clone(), to.clone());
    let outcome = if state.translator.service.can_translate(&pair) {
        translate_text(state, message_text(message), pair).await.map_err(|e| e.to_string())
    } else {
        Err(format!("no translation engine translates {pair}; configure one in [translation]"))
    };
    let stored = match outcome {
        Ok(done) => {
            for warning in &done.warnings {
                tracing::warn!(message = %message.id, language = %to, %warning, "translation repaired");
            }
            let translation = Translation {
                language: to.clone(),
                text: done.text.clone(),
                engine: done.engine(),
                model: done.model(),
                created_at: state.now(),
            };
            match state.store.add_translation(message.id, &translation).await {
                Ok(()) => state.store.clear_translation_pending(message.id, to).await,
                Err(e) => Err(e),
            }
        }
        Err(reason) => {
            tracing::info!(message = %message.id, language = %to, %reason, "translation pending");
            state.store.mark_translation_pending(message.id, to, &reason, state.now()).await
        }
    };
    if let Err(e) = stored {
        tracing::warn!(message = %message.id, language = %to, error = %e, "cannot record a translation");
    }
}

/// How many pending translations one sweep looks at; the rest wait for the next (each
/// attempt moves a pending translation to the back).
const SWEEP: u32 = 100;

/// Tries the pending translations again at start and then every `retry_pending`, so a
/// message gets its translation once an engine that serves its pair appears (a configuration
/// change, an endpoint back up).
pub async fn keep_translating(state: AppState) {
    loop {
        if let Err(e) = sweep(&state).await {
            tracing::warn!(error = %e, "cannot retry pending translations");
        }
        tokio::time::sleep(state.translator.retry_pending).await;
    }
}

async fn sweep(state: &AppState) -> Result<(), dragoman_store::StoreError> {
    for pending in state.store.pending_translations(SWEEP).await? {
        let message = match state.store.get_message(pending.message_id).await {
            Ok(message) => message,
            Err(dragoman_store::StoreError::NotFound { .. }) => continue,
            Err(e) => return Err(e),
        };
        match message.language.clone().filter(|l| !l.is_undetermined() && *l != pending.language) {
            Some(from) if !message.translations.iter().any(|t| t.language == pending.language) => {
                translate_into(state, &message, &from, &pending.language).await;
            }
            // Its language is unknown or now the target, or it was translated meanwhile.
            _ => state.store.clear_translation_pending(message.id, &pending.language).await?,
        }
    }
    Ok(())
}

// --- the API -----------------------------------------------------------------------------

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/translate", post(translate))
        .route("/conversations/{id}/replies/preview", post(preview))
        .route("/glossary", get(list_glossary).post(save_glossary_entry))
        .route("/glossary/{id}", delete(delete_glossary_entry))
        .route("/translations/pending", get(pending))
        .route("/translation/engines", get(engines))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TranslateBody {
    text: String,
    #[schema(value_type = String, example = "de")]
    to: LanguageTag,
    /// Detected when absent.
    #[schema(value_type = Option<String>, example = "en")]
    from: Option<LanguageTag>,
}

/// A protected span as the translation has it.
#[derive(Serialize, ToSchema)]
pub struct SpanView {
    /// `order_id`, `tracking_number`, `email`, `url`, `amount`, `bank_account`, `sku`,
    /// `discount_code`, `glossary`, `marker`.
    #[schema(value_type = String)]
    kind: SpanKind,
    /// As the translation has it (the original, or the glossary's rendering).
    text: String,
    /// As the source text has it.
    original: String,
    /// False when an engine lost it and Dragoman put it back: check where it stands.
    kept: bool,
}

#[derive(Serialize, ToSchema)]
pub struct HopView {
    engine: String,
    model: Option<String>,
    #[schema(value_type = String)]
    from: LanguageTag,
    #[schema(value_type = String)]
    to: LanguageTag,
    cached: bool,
}

#[derive(Serialize, ToSchema)]
pub struct TranslationView {
    #[schema(value_type = String)]
    from: LanguageTag,
    #[schema(value_type = String)]
    to: LanguageTag,
    translation: String,
    /// The engine, or the chain's engines joined by `+` (`none` for the same language).
    engine: String,
    model: Option<String>,
    /// Each engine call, in order (pivoting shows as several).
    engines: Vec<HopView>,
    spans: Vec<SpanView>,
    warnings: Vec<String>,
}

impl From<Translated> for TranslationView {
    fn from(done: Translated) -> Self {
        Self {
            engine: done.engine(),
            model: done.model(),
            engines: done
                .hops
                .into_iter()
                .map(|h| HopView { engine: h.engine, model: h.model, from: h.from, to: h.to, cached: h.cached })
                .collect(),
            spans: done
                .spans
                .into_iter()
                .map(|s| SpanView { kind: s.kind, text: s.text, original: s.original, kept: s.kept })
                .collect(),
            from: done.from,
            to: done.to,
            translation: done.text,
            warnings: done.warnings,
        }
    }
}

fn require_text(text: &str) -> ApiResult<()> {
    if text.trim().is_empty() { Err(ApiError::Unprocessable("text must not be empty".into())) } else { Ok(()) }
}

/// Translate any text. Its entities (order and tracking numbers, links, emails, amounts,
/// SKUs, codes) and glossary terms come out byte for byte; `spans` says which the engine kept.
#[utoipa::path(post, path = "/api/v1/translate", tag = "translation", request_body = TranslateBody,
    responses((status = 200, body = TranslationView), (status = 422, body = crate::error::ErrorBody),
        (status = 502, description = "every engine that serves the pair failed", body = crate::error::ErrorBody)))]
async fn translate(
    State(state): State<AppState>,
    who: Principal,
    Json(body): Json<TranslateBody>,
) -> ApiResult<Json<TranslationView>> {
    who.require(Role::Agent)?;
    require_text(&body.text)?;
    let from = match body.from {
        Some(from) => from,
        None => {
            let detected = dragoman_lang::detect(&body.text).language;
            if detected.is_undetermined() {
                return Err(ApiError::Unprocessable("cannot tell the language of this text; give `from`".into()));
            }
            detected
        }
    };
    let done = translate_text(&state, &body.text, LanguagePair::new(from, body.to)).await?;
    Ok(Json(done.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreviewBody {
    /// The reply as the agent wrote it.
    text: String,
    /// The language the agent wrote in; default the agent's first language, else the
    /// conversation's team's working language, else English.
    #[schema(value_type = Option<String>, example = "en")]
    language: Option<LanguageTag>,
    /// The language the buyer gets; default the conversation's buyer language.
    #[schema(value_type = Option<String>, example = "de")]
    to: Option<LanguageTag>,
}

#[derive(Serialize, ToSchema)]
pub struct PreviewView {
    /// Send it with the reply (`preview_id`): the buyer gets exactly `translation`.
    preview_id: i64,
    /// What the agent wrote.
    text: String,
    #[serde(flatten)]
    translation: TranslationView,
    /// `translation` translated back into the agent's language, to check the meaning;
    /// absent when the languages are the same or no engine could translate back.
    back_translation: Option<String>,
    /// True when every protected span came through the engines by itself.
    all_kept: bool,
}

/// The agent's language for a reply: the first they speak, else the team's, else English.
async fn agent_language(state: &AppState, who: &Principal, conversation: &Conversation) -> ApiResult<LanguageTag> {
    if let Some(language) = who.agent.as_ref().and_then(|a| a.languages.first()) {
        return Ok(language.clone());
    }
    if conversation.team_id.is_some() {
        return Ok(working_languages(state, conversation).await?.remove(0));
    }
    Ok(LanguageTag::parse(DEFAULT_WORKING_LANGUAGE).expect("valid"))
}

/// Preview a reply: its translation into the buyer's language, the translation back, the
/// protected spans and whether each survived, and what the channel would refuse. The
/// preview is kept; send the reply with its `preview_id` to send exactly this translation.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/replies/preview", tag = "translation",
    params(("id" = i64, Path)), request_body = PreviewBody,
    responses((status = 201, body = PreviewView), (status = 404, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody), (status = 502, body = crate::error::ErrorBody)))]
async fn preview(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<i64>,
    Json(body): Json<PreviewBody>,
) -> ApiResult<(StatusCode, Json<PreviewView>)> {
    who.require(Role::Agent)?;
    require_text(&body.text)?;
    let conversation = state.store.get_conversation(ConversationId(id)).await?;
    let from = match body.language {
        Some(language) => language,
        None => agent_language(&state, &who, &conversation).await?,
    };
    let to = body.to.or_else(|| conversation.buyer_language.clone()).ok_or_else(|| {
        ApiError::Unprocessable("the conversation's buyer language is not known yet; give `to`".into())
    })?;
    let done = translate_text(&state, &body.text, LanguagePair::new(from.clone(), to.clone())).await?;
    let mut warnings = Vec::new();
    let back_translation = if from == to {
        None
    } else {
        let back = translate_with(
            &state.translator.service,
            Some(state.store.as_ref()),
            &done.text,
            LanguagePair::new(to.clone(), from.clone()),
            &done.spans_in_translation(),
        )
        .await;
        match back {
            Ok(back) => Some(back.text),
            Err(e) => {
                warnings.push(format!("no back-translation: {e}"));
                None
            }
        }
    };
    if conversation.channel == Channel::Amazon
        && let Err(violations) = dragoman_channels::amazon::check_reply(&done.text, &[])
    {
        warnings.push(violations.to_string());
    }
    let all_kept = done.all_kept();
    let mut view = TranslationView::from(done);
    view.warnings.extend(warnings);
    let saved = state
        .store
        .save_reply_preview(
            &NewReplyPreview {
                conversation_id: conversation.id,
                agent_id: who.agent_id(),
                source_language: from,
                target_language: to,
                text: body.text.clone(),
                translation: view.translation.clone(),
                back_translation: back_translation.clone(),
                engine: view.engine.clone(),
                model: view.model.clone(),
                spans: serde_json::to_value(&view.spans).map_err(|e| ApiError::Internal(e.to_string()))?,
                warnings: view.warnings.clone(),
            },
            state.now(),
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(PreviewView { preview_id: saved.id, text: body.text, translation: view, back_translation, all_kept }),
    ))
}

/// A previewed reply, ready for the outbox: `body` is the preview's translation byte for byte.
#[derive(Debug, Clone, PartialEq)]
pub struct PreviewedReply {
    pub body: String,
    pub language: LanguageTag,
    /// What the agent wrote, when `body` is its translation.
    pub original: Option<OriginalText>,
    pub preview: ReplyPreview,
}

/// The reply a preview stands for, for the reply route: 404 when there is no such preview,
/// 422 when it was made for another conversation.
pub async fn previewed_reply(
    state: &AppState,
    conversation: ConversationId,
    preview_id: i64,
) -> ApiResult<PreviewedReply> {
    let preview = state.store.get_reply_preview(preview_id).await?;
    if preview.conversation_id != conversation {
        return Err(ApiError::Unprocessable(format!(
            "preview {preview_id} belongs to conversation {}, not {conversation}",
            preview.conversation_id
        )));
    }
    let original = (preview.source_language != preview.target_language)
        .then(|| OriginalText { language: preview.source_language.clone(), text: preview.text.clone() });
    Ok(PreviewedReply {
        body: preview.translation.clone(),
        language: preview.target_language.clone(),
        original,
        preview,
    })
}

/// The store's glossary.
#[utoipa::path(get, path = "/api/v1/glossary", tag = "translation",
    responses((status = 200, body = Vec<GlossaryEntry>)))]
async fn list_glossary(State(state): State<AppState>, who: Principal) -> ApiResult<Json<Vec<GlossaryEntry>>> {
    who.require(Role::Agent)?;
    Ok(Json(state.store.list_glossary().await?))
}

/// Add a glossary term, or replace the one with the same term and languages. Without
/// `translation` the term is kept as written; languages left out mean any.
#[utoipa::path(post, path = "/api/v1/glossary", tag = "translation", request_body = NewGlossaryEntry,
    responses((status = 201, body = GlossaryEntry), (status = 422, body = crate::error::ErrorBody)))]
async fn save_glossary_entry(
    State(state): State<AppState>,
    who: Principal,
    Json(entry): Json<NewGlossaryEntry>,
) -> ApiResult<(StatusCode, Json<GlossaryEntry>)> {
    who.require(Role::Admin)?;
    Ok((StatusCode::CREATED, Json(state.store.upsert_glossary_entry(&entry, state.now()).await?)))
}

#[utoipa::path(delete, path = "/api/v1/glossary/{id}", tag = "translation", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = crate::error::ErrorBody)))]
async fn delete_glossary_entry(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    who.require(Role::Admin)?;
    state.store.delete_glossary_entry(id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PendingQuery {
    /// At most this many (default 50, at most 200).
    #[serde(default)]
    limit: u32,
}

/// Buyer messages still waiting for a translation, the longest untried first, with why.
#[utoipa::path(get, path = "/api/v1/translations/pending", tag = "translation", params(PendingQuery),
    responses((status = 200, body = Vec<PendingTranslation>)))]
async fn pending(
    State(state): State<AppState>,
    who: Principal,
    Query(query): Query<PendingQuery>,
) -> ApiResult<Json<Vec<PendingTranslation>>> {
    who.require(Role::Agent)?;
    Ok(Json(state.store.pending_translations(query.limit).await?))
}

#[derive(Serialize, ToSchema)]
pub struct EngineView {
    name: String,
    /// `any`, or the directions (`en-es`) or languages it translates between.
    covers: serde_json::Value,
}

/// The translation engines this server runs, in order of preference, and what each covers.
#[utoipa::path(get, path = "/api/v1/translation/engines", tag = "translation",
    responses((status = 200, body = Vec<EngineView>)))]
async fn engines(State(state): State<AppState>, who: Principal) -> ApiResult<Json<Vec<EngineView>>> {
    who.require(Role::Agent)?;
    let engines = state
        .translator
        .service
        .engines()
        .map(|(name, coverage)| EngineView {
            name: name.to_owned(),
            covers: match coverage {
                Coverage::Any => serde_json::json!("any"),
                Coverage::Among(languages) => serde_json::json!({"between": languages}),
                Coverage::Pairs(pairs) => {
                    serde_json::json!({"pairs": pairs.iter().map(|p| format!("{}-{}", p.from, p.to)).collect::<Vec<_>>()})
                }
            },
        })
        .collect();
    Ok(Json(engines))
}

#[cfg(test)]
mod tests {
    use crate::config::Config;

    #[test]
    fn the_translation_table_parses_with_its_engines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dragoman.toml");
        let toml = r#"
[translation]
engines = ["deepl", "openai", "apertium"]
retry_pending_secs = 60
pairs = { "de-en" = ["deepl"], "*-ja" = ["openai"] }

[translation.apertium]
modes = { "es-pt" = "es-pt_BR" }

[translation.openai]
base_url = "http://127.0.0.1:11434/v1"
model = "qwen2.5:7b-instruct"

[translation.deepl]
api_key_env = "MY_DEEPL_KEY"
formality = "prefer_less"
targets = { en = "EN-GB" }
"#;
        std::fs::write(&path, toml).unwrap();
        let env = [("DRAGOMAN_TRANSLATION_ENGINES".to_owned(), "openai, apertium".to_owned())];
        let config = Config::load(Some(&path), env).unwrap().translation;
        assert_eq!(config.engines, ["openai", "apertium"], "the environment wins");
        assert_eq!(config.retry_pending_secs, 60);
        assert_eq!(config.pairs["*-ja"], ["openai"]);
        assert_eq!(config.apertium.modes["es-pt"], "es-pt_BR");
        assert_eq!(config.openai.unwrap().model, "qwen2.5:7b-instruct");
        let deepl = config.deepl.unwrap();
        assert_eq!(
            (deepl.base_url.as_str(), deepl.api_key_env.as_str()),
            ("https://api-free.deepl.com", "MY_DEEPL_KEY")
        );

        std::fs::write(&path, "[translation.deepl]\napi_key = \"secret\"\n").unwrap();
        let err = Config::load(Some(&path), []).unwrap_err().to_string();
        assert!(err.contains("api_key"), "keys are named by variable, not written in the file: {err}");
    }
}
