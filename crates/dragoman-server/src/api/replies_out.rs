//! Sending replies: an agent's answer is written with its outbox job in one transaction and
//! leaves through the send workers (`crate::outbox`); its delivery (queued, sending, sent,
//! failed, uncertain) shows on the message in `GET /conversations/{id}`. Channel rules are
//! checked here, before anything is queued, so the agent can fix the reply at once.

use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path};
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use dragoman_channels::amazon;
use dragoman_core::sla::SlaEvent;
use dragoman_core::{Channel, Conversation, ConversationId, LanguageTag, Message, OriginalText, Role};
use dragoman_store::outbox::NewReply;
use serde::Deserialize;
use utoipa::ToSchema;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/conversations/{id}/replies", post(send_reply))
        .route("/conversations/{id}/no-response-needed", post(no_response_needed))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplyRequest {
    /// A preview made with `POST /conversations/{id}/replies/preview`: its translation is sent
    /// byte for byte, with the agent's text kept beside it. `body`, when also given, must be
    /// that translation (a reply edited after its preview is previewed again).
    preview_id: Option<i64>,
    /// Exactly what the buyer gets, in the buyer's language (required without `preview_id`).
    body: Option<String>,
    /// Send although the preview reported protected spans (order or tracking numbers, links,
    /// amounts…) that did not survive translation: the agent has checked the text.
    #[serde(default)]
    accept_altered_spans: bool,
    /// The language of `body`; default the conversation's buyer language.
    #[schema(value_type = Option<String>, example = "de")]
    language: Option<LanguageTag>,
    /// What the agent wrote in their own language, when `body` is its translation (with
    /// `original_language`).
    original_text: Option<String>,
    #[schema(value_type = Option<String>, example = "en")]
    original_language: Option<LanguageTag>,
    /// Resolve the conversation as the reply is queued (it opens again if the reply fails).
    #[serde(default)]
    resolve: bool,
}

/// Send a reply to the buyer. It is stored and queued at once (201, `delivery.state` is
/// `queued`) and leaves in the order the conversation's replies were written; a channel's
/// rules (Amazon: no links outside Amazon, no email addresses) are checked first (422 names
/// what to change).
#[utoipa::path(post, path = "/api/v1/conversations/{id}/replies", tag = "conversations",
    params(("id" = i64, Path)), request_body = ReplyRequest,
    responses((status = 201, body = Message), (status = 404, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
async fn send_reply(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<i64>,
    Json(request): Json<ReplyRequest>,
) -> ApiResult<(StatusCode, Json<Message>)> {
    who.require(Role::Agent)?;
    let conversation = state.store.get_conversation(ConversationId(id)).await?;
    let reply = match request.preview_id {
        Some(preview_id) => previewed(&state, &conversation, preview_id, request).await?,
        None => written(&conversation, request)?,
    };
    if reply.body.trim().is_empty() {
        return Err(ApiError::Unprocessable("a reply needs some text".into()));
    }
    if state.outbox.sender(conversation.channel).is_none() {
        return Err(ApiError::Unprocessable(format!(
            "this server cannot send {} replies: no sender is set up for that channel{}",
            conversation.channel,
            if dragoman_channels::smtp_out::CHANNELS.contains(&conversation.channel) {
                " (an administrator configures [smtp_out])"
            } else {
                ""
            }
        )));
    }
    if conversation.channel == Channel::Amazon {
        amazon::check_reply(&reply.body, &[]).map_err(|e| ApiError::Unprocessable(e.to_string()))?;
    }
    let now = state.now();
    let queued = state.store.queue_reply(conversation.id, who.agent_id(), &reply, now).await?;
    state.outbox.queued.notify_one();
    crate::sla::advance_after(&state, &conversation, SlaEvent::AgentReply(now)).await;
    if reply.resolve {
        crate::sla::advance_after(&state, &conversation, SlaEvent::Resolved(now)).await;
    }
    Ok((StatusCode::CREATED, Json(queued.message)))
}

/// The reply exactly as previewed: the translation the agent saw and what they wrote.
async fn previewed(
    state: &AppState,
    conversation: &Conversation,
    preview_id: i64,
    request: ReplyRequest,
) -> ApiResult<NewReply> {
    if request.original_text.is_some() || request.original_language.is_some() || request.language.is_some() {
        return Err(ApiError::Unprocessable(
            "with `preview_id` the preview decides the language and keeps the original; \
             leave out `language`, `original_text` and `original_language`"
                .into(),
        ));
    }
    let previewed = crate::api::translation::previewed_reply(state, conversation.id, preview_id).await?;
    if request.body.as_ref().is_some_and(|body| *body != previewed.body) {
        return Err(ApiError::Unprocessable(format!(
            "the text differs from preview {preview_id}; preview the edited reply again so you see what is sent"
        )));
    }
    let altered = altered_spans(&previewed.preview.spans);
    if !altered.is_empty() && !request.accept_altered_spans {
        return Err(ApiError::Unprocessable(format!(
            "the translation in preview {preview_id} changed or lost {}; correct the reply, or check the \
             text and send with `accept_altered_spans: true`",
            altered.join(", ")
        )));
    }
    Ok(NewReply {
        body: previewed.body,
        language: Some(previewed.language),
        original: previewed.original,
        resolve: request.resolve,
    })
}

/// The protected spans a preview reports as not kept byte for byte.
fn altered_spans(spans: &serde_json::Value) -> Vec<String> {
    let Some(spans) = spans.as_array() else { return Vec::new() };
    spans
        .iter()
        .filter(|span| span["kept"] == serde_json::Value::Bool(false))
        .map(|span| span["original"].as_str().map_or_else(|| span.to_string(), |t| format!("{t:?}")))
        .collect()
}

/// A reply written (or translated) by the caller, sent as given.
fn written(conversation: &Conversation, request: ReplyRequest) -> ApiResult<NewReply> {
    let body = request.body.ok_or_else(|| {
        ApiError::Unprocessable("give the reply's `body`, or the `preview_id` of a previewed reply".into())
    })?;
    let original = match (request.original_text, request.original_language) {
        (Some(text), Some(language)) => Some(OriginalText { language, text }),
        (None, None) => None,
        _ => {
            return Err(ApiError::Unprocessable(
                "give `original_text` and `original_language` together, or neither".into(),
            ));
        }
    };
    Ok(NewReply {
        body,
        language: request.language.or_else(|| conversation.buyer_language.clone()),
        original,
        resolve: request.resolve,
    })
}

/// Mark an Amazon conversation as needing no response: it is resolved, its SLA due time is
/// cleared and it is tagged `no-response-needed`. (The relay has no such signal: to keep it out
/// of Amazon's response-time metric, mark it in Seller Central too.)
#[utoipa::path(post, path = "/api/v1/conversations/{id}/no-response-needed", tag = "conversations",
    params(("id" = i64, Path)),
    responses((status = 200, body = Conversation), (status = 404, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
async fn no_response_needed(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<i64>,
) -> ApiResult<Json<Conversation>> {
    who.require(Role::Agent)?;
    let conversation = state.store.get_conversation(ConversationId(id)).await?;
    if conversation.channel != Channel::Amazon {
        return Err(ApiError::Unprocessable(format!(
            "only Amazon conversations are marked as needing no response; resolve this {} conversation instead",
            conversation.channel
        )));
    }
    let now = state.now();
    let marked = state.store.mark_no_response_needed(conversation.id, who.agent_id(), now).await?;
    crate::sla::advance_after(&state, &marked, SlaEvent::NoResponseNeeded(now)).await;
    Ok(Json(marked))
}
