//! Reply templates (the store's SOPs) and the suggestions built from them for a
//! conversation: the shipped defaults, overridden or extended by the store's own edits.

use crate::api::conversations::visible_conversation;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path, Query};
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, put};
use dragoman_core::{ConversationId, Intent, LanguageTag, Role};
use dragoman_nlu::replies::{self, Condition, OrderFacts, OrderState, ReplyContext, ReplyTemplate, Suggestions};
use dragoman_store::StoredTemplate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// How many days buyers have to return an item, for templates that mention it.
const RETURN_WINDOW_DAYS: u32 = 30;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/templates", get(list))
        .route("/templates/{key}/{language}", put(save).delete(remove))
        .route("/conversations/{id}/suggestions", get(suggestions))
}

#[derive(Serialize, ToSchema)]
pub struct TemplateView {
    key: String,
    #[schema(value_type = String)]
    language: LanguageTag,
    intent: Intent,
    title: String,
    body: String,
    /// `any`, `no_order`, `not_shipped`, `shipped`, `delivered`, `cancelled`, `refund_pending`,
    /// `refund_issued` or `escalated`.
    condition: String,
    /// `default` (shipped with Dragoman) or `store` (edited or added by this store).
    source: &'static str,
}

/// The templates in force: every shipped default unless the store replaced it (same key and
/// language), plus the store's own.
async fn templates_in_force(state: &AppState) -> ApiResult<Vec<(ReplyTemplate, &'static str)>> {
    let stored = state.store.list_templates().await?;
    let mut out: Vec<(ReplyTemplate, &'static str)> = replies::default_templates()
        .into_iter()
        .filter(|d| !stored.iter().any(|s| s.key == d.key && s.language == d.language))
        .map(|t| (t, "default"))
        .collect();
    for s in stored {
        let when = s
            .condition
            .parse::<Condition>()
            .map_err(|e| ApiError::Internal(format!("stored template {}: {e}", s.key)))?;
        out.push((
            ReplyTemplate { key: s.key, intent: s.intent, language: s.language, title: s.title, body: s.body, when },
            "store",
        ));
    }
    Ok(out)
}

/// Every reply template in force, defaults and the store's own.
#[utoipa::path(get, path = "/api/v1/templates", tag = "replies", responses((status = 200, body = Vec<TemplateView>)))]
async fn list(State(state): State<AppState>, who: Principal) -> ApiResult<Json<Vec<TemplateView>>> {
    who.require(Role::Agent)?;
    let mut all = templates_in_force(&state).await?;
    all.sort_by(|a, b| (&a.0.key, a.0.language.as_str()).cmp(&(&b.0.key, b.0.language.as_str())));
    Ok(Json(
        all.into_iter()
            .map(|(t, source)| TemplateView {
                key: t.key,
                language: t.language,
                intent: t.intent,
                title: t.title,
                body: t.body,
                condition: t.when.as_str().to_owned(),
                source,
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateInput {
    intent: Intent,
    title: String,
    /// Template source (minijinja): `{{ order.order_id }}`, `{{ order.tracking_url }}`, …
    body: String,
    #[serde(default)]
    condition: Option<String>,
}

/// Add a template or replace one (a default too) for this store. The body is checked first:
/// a syntax error or an unknown variable is refused with its line.
#[utoipa::path(put, path = "/api/v1/templates/{key}/{language}", tag = "replies",
    params(("key" = String, Path), ("language" = String, Path)), request_body = TemplateInput,
    responses((status = 200, body = StoredTemplate), (status = 422, body = crate::error::ErrorBody)))]
async fn save(
    State(state): State<AppState>,
    who: Principal,
    Path((key, language)): Path<(String, String)>,
    Json(input): Json<TemplateInput>,
) -> ApiResult<Json<StoredTemplate>> {
    who.require(Role::Admin)?;
    let language = LanguageTag::parse(&language)?;
    let key = key.trim().to_owned();
    if key.is_empty() || input.title.trim().is_empty() {
        return Err(ApiError::Unprocessable("a template needs a key and a title".into()));
    }
    let condition = input
        .condition
        .as_deref()
        .unwrap_or("any")
        .parse::<Condition>()
        .map_err(|e| ApiError::Unprocessable(e.to_string()))?;
    replies::validate(&input.body).map_err(|e| ApiError::Unprocessable(e.to_string()))?;
    let template = StoredTemplate {
        key,
        language,
        intent: input.intent,
        title: input.title.trim().to_owned(),
        body: input.body,
        condition: condition.as_str().to_owned(),
        updated_at: state.now(),
    };
    Ok(Json(state.store.upsert_template(&template).await?))
}

/// Remove the store's version of a template (a default it replaced is back in force).
#[utoipa::path(delete, path = "/api/v1/templates/{key}/{language}", tag = "replies",
    params(("key" = String, Path), ("language" = String, Path)),
    responses((status = 204), (status = 404, body = crate::error::ErrorBody)))]
async fn remove(
    State(state): State<AppState>,
    who: Principal,
    Path((key, language)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    who.require(Role::Admin)?;
    state.store.delete_template(&key, &LanguageTag::parse(&language)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SuggestionParams {
    /// Language of the suggestions; default the signed-in agent's first language, else English.
    language: Option<String>,
    /// 1–10, default 3.
    limit: Option<usize>,
}

/// The best replies for a conversation, from its intent, escalation and order state, filled
/// with the order's data, in the agent's language (ready to translate for the buyer). Templates
/// that fit but lack data (e.g. no tracking number yet) are listed under `skipped` with why.
#[utoipa::path(get, path = "/api/v1/conversations/{id}/suggestions", tag = "replies",
    params(("id" = i64, Path), SuggestionParams),
    responses((status = 200, description = "`suggestions` and `skipped`", body = Object), (status = 404, body = crate::error::ErrorBody)))]
async fn suggestions(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<i64>,
    Query(params): Query<SuggestionParams>,
) -> ApiResult<Json<Suggestions>> {
    let conversation = visible_conversation(&state, &who, ConversationId(id)).await?;
    let language = match params.language.as_deref() {
        Some(l) => LanguageTag::parse(l)?,
        None => who
            .agent
            .as_ref()
            .and_then(|a| a.languages.first().cloned())
            .unwrap_or_else(|| LanguageTag::parse(replies::FALLBACK_LANGUAGE).expect("valid")),
    };
    let Some(intent) = conversation.intent.as_deref().and_then(|i| i.parse::<Intent>().ok()) else {
        return Ok(Json(Suggestions::default()));
    };
    let order = match conversation.order_id {
        Some(order) => Some(state.store.get_order(order).await?),
        None => None,
    };
    let buyer_name = match conversation.customer_id {
        Some(c) => state.store.get_customer(c).await?.name,
        None => None,
    };
    let agent_name = who.agent.as_ref().map_or_else(|| state.settings.store_name.clone(), |a| a.name.clone());
    let mut context = ReplyContext::new(agent_name, state.settings.store_name.clone());
    if let Some(name) = buyer_name {
        context = context.with_buyer(name);
    }
    let order_state = order.as_ref().map_or(OrderState::Unknown, OrderState::of);
    if let Some(order) = &order {
        context = context.with_order(OrderFacts::from_order(order, Some(RETURN_WINDOW_DAYS)));
    }
    let templates: Vec<ReplyTemplate> = templates_in_force(&state).await?.into_iter().map(|(t, _)| t).collect();
    let limit = params.limit.unwrap_or(3).clamp(1, 10);
    Ok(Json(replies::suggest(&templates, intent, conversation.escalated, order_state, &language, &context, limit)))
}
