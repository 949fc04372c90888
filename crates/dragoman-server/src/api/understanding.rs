//! Message understanding over HTTP: analyse any text, and let agents correct an intent so
//! the classifier learns the store's own buyers.

use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path};
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use dragoman_core::{Intent, MessageId, Role};
use dragoman_store::{ConversationPatch, IntentExample, NewIntentExample};
use serde::Deserialize;
use utoipa::ToSchema;

pub fn routes() -> Router<AppState> {
    Router::new().route("/analyze", post(analyze)).route("/messages/{id}/intent", post(correct_intent))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnalyzeRequest {
    text: String,
}

/// Language, intent, escalation (score and reasons) and entities of a text.
#[utoipa::path(post, path = "/api/v1/analyze", tag = "understanding", request_body = AnalyzeRequest,
    responses((status = 200, description = "the analysis", body = Object), (status = 422, body = crate::error::ErrorBody)))]
async fn analyze(
    State(state): State<AppState>,
    who: Principal,
    Json(request): Json<AnalyzeRequest>,
) -> ApiResult<Json<serde_json::Value>> {
    who.require(Role::Agent)?;
    if request.text.trim().is_empty() {
        return Err(ApiError::Unprocessable("text must not be empty".into()));
    }
    let analyzer = state.analyzer.clone();
    let analysis = tokio::task::spawn_blocking(move || analyzer.analyze(&request.text))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(Json(serde_json::to_value(&analysis).map_err(|e| ApiError::Internal(e.to_string()))?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntentCorrection {
    intent: Intent,
}

/// Correct the intent of a buyer message. The message becomes a training example of this
/// store and the classifier retrains in the background (no restart).
#[utoipa::path(post, path = "/api/v1/messages/{id}/intent", tag = "understanding", params(("id" = i64, Path)),
    request_body = IntentCorrection,
    responses((status = 201, body = IntentExample), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn correct_intent(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<i64>,
    Json(correction): Json<IntentCorrection>,
) -> ApiResult<(StatusCode, Json<IntentExample>)> {
    who.require(Role::Agent)?;
    let message = state.store.get_message(MessageId(id)).await?;
    if message.direction != dragoman_core::Direction::Inbound {
        return Err(ApiError::Unprocessable("only buyer messages have an intent".into()));
    }
    let example = NewIntentExample {
        text: message.body_text.clone(),
        intent: correction.intent,
        language: message.language.clone().filter(|l| !l.is_undetermined()),
        source_message_id: Some(message.id),
        created_by: who.agent_id(),
    };
    let saved = state.store.add_intent_example(&example, state.now()).await?;
    if let Some(mut analysis) = message.analysis.clone() {
        analysis["intent"] = serde_json::json!(correction.intent);
        analysis["intent_corrected_by"] = serde_json::json!(who.label);
        state.store.record_analysis(message.id, &analysis).await?;
    }
    let patch = ConversationPatch { intent: Some(Some(correction.intent.to_string())), ..Default::default() };
    state.store.update_conversation(message.conversation_id, &patch, state.now()).await?;
    tokio::spawn(relearn(state.clone()));
    Ok((StatusCode::CREATED, Json(saved)))
}

/// Retrains the intent classifier on every example the store has. Also run periodically, so
/// corrections made through another process reach this one.
pub async fn relearn(state: AppState) {
    let Some(_) = state.analyzer.intents() else { return };
    let examples = match state.store.list_intent_examples().await {
        Ok(examples) => examples,
        Err(e) => {
            tracing::warn!(error = %e, "cannot load intent examples");
            return;
        }
    };
    let analyzer = state.analyzer.clone();
    let pairs: Vec<(String, Intent)> = examples.into_iter().map(|e| (e.text, e.intent)).collect();
    let learnt = pairs.len();
    let trained = tokio::task::spawn_blocking(move || {
        if let Some(classifier) = analyzer.intents() {
            classifier.learn(&pairs);
        }
    })
    .await;
    match trained {
        Ok(()) => tracing::info!(examples = learnt, "intent classifier retrained with the store's examples"),
        Err(e) => tracing::error!(error = %e, "intent retraining failed"),
    }
}
