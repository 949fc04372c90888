//! Conversations: the inbox list, one thread with its messages, and what agents do to it.

use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path, Query};
use crate::state::AppState;
use axum::Router;
use axum::routing::{get, post};
use dragoman_core::*;
use dragoman_store::{AssigneeFilter, ConversationPatch, ConversationQuery, ConversationSort, PageRequest};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::{IntoParams, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/conversations", get(list))
        .route("/conversations/{id}", get(detail).patch(update))
        .route("/conversations/{id}/status", post(set_status))
        .route("/conversations/{id}/assignee", post(assign))
        .route("/conversations/{id}/notes", post(add_note))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    #[param(value_type = Option<String>, example = "open")]
    status: Option<String>,
    /// An agent id, `me` or `unassigned`.
    assignee: Option<String>,
    #[param(value_type = Option<String>, example = "amazon")]
    channel: Option<String>,
    /// Buyer language, ISO 639-1.
    language: Option<String>,
    intent: Option<String>,
    tag: Option<String>,
    escalated: Option<bool>,
    /// Text that a message of the conversation contains (original or translation).
    q: Option<String>,
    /// `sla_due` (default) or `last_activity`.
    #[param(value_type = Option<String>)]
    sort: Option<ConversationSort>,
    cursor: Option<String>,
    /// 1–200, default 50.
    limit: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct ConversationPage {
    items: Vec<Conversation>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    next_cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ConversationDetail {
    conversation: Conversation,
    messages: Vec<Message>,
}

/// List conversations, soonest SLA due first by default.
#[utoipa::path(get, path = "/api/v1/conversations", tag = "conversations", params(ListParams),
    responses((status = 200, body = ConversationPage), (status = 400, body = crate::error::ErrorBody)))]
async fn list(
    state: axum::extract::State<AppState>,
    who: Principal,
    Query(p): Query<ListParams>,
) -> ApiResult<Json<ConversationPage>> {
    who.require(Role::Partner)?;
    let assignee =
        match p.assignee.as_deref() {
            None => None,
            Some("unassigned") => Some(AssigneeFilter::Unassigned),
            Some("me") => Some(AssigneeFilter::Agent(who.agent_id().ok_or_else(|| {
                ApiError::BadRequest("`assignee=me` needs a signed-in agent, not an API token".into())
            })?)),
            Some(id) => Some(AssigneeFilter::Agent(AgentId(id.parse().map_err(|_| {
                ApiError::BadRequest(format!("assignee {id:?} must be an agent id, `me` or `unassigned`"))
            })?))),
        };
    let mut query = ConversationQuery {
        status: p.status.as_deref().map(str::parse).transpose()?,
        assignee,
        channel: p.channel.as_deref().map(str::parse).transpose()?,
        language: p.language.as_deref().map(LanguageTag::parse).transpose()?,
        intent: p.intent,
        tag: p.tag,
        escalated: p.escalated,
        tier: None,
        text: p.q.filter(|q| !q.trim().is_empty()),
        sort: p.sort.unwrap_or_default(),
        page: PageRequest { cursor: p.cursor, limit: p.limit.unwrap_or(0) },
    };
    if who.role == Role::Partner {
        query.tier = Some(Tier::Partner);
    }
    let page = state.store.list_conversations(&query).await?;
    Ok(Json(ConversationPage { items: page.items, next_cursor: page.next_cursor }))
}

/// One conversation with all its messages, oldest first.
#[utoipa::path(get, path = "/api/v1/conversations/{id}", tag = "conversations",
    params(("id" = i64, Path)),
    responses((status = 200, body = ConversationDetail), (status = 404, body = crate::error::ErrorBody)))]
async fn detail(
    state: axum::extract::State<AppState>,
    who: Principal,
    Path(id): Path<i64>,
) -> ApiResult<Json<ConversationDetail>> {
    let conversation = visible_conversation(&state, &who, ConversationId(id)).await?;
    let messages = state.store.list_messages(conversation.id).await?;
    Ok(Json(ConversationDetail { conversation, messages }))
}

/// The conversation if the caller may see it. A partner asking for one not escalated to them
/// gets 404, not 403: they should not learn which ids exist.
pub async fn visible_conversation(state: &AppState, who: &Principal, id: ConversationId) -> ApiResult<Conversation> {
    who.require(Role::Partner)?;
    let conversation = state.store.get_conversation(id).await?;
    if who.role == Role::Partner && conversation.tier != Tier::Partner {
        return Err(ApiError::NotFound(format!("conversation {id} not found")));
    }
    Ok(conversation)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    status: ConversationStatus,
}

/// Move a conversation to another status (closed is final).
#[utoipa::path(post, path = "/api/v1/conversations/{id}/status", tag = "conversations",
    params(("id" = i64, Path)), request_body = StatusChange,
    responses((status = 200, body = Conversation), (status = 422, body = crate::error::ErrorBody)))]
async fn set_status(
    state: axum::extract::State<AppState>,
    who: Principal,
    Path(id): Path<i64>,
    Json(change): Json<StatusChange>,
) -> ApiResult<Json<Conversation>> {
    let conversation = visible_conversation(&state, &who, ConversationId(id)).await?;
    let now = state.now();
    let changed = state.store.set_status(conversation.id, change.status, now).await?;
    match crate::sla::status_event(change.status, now) {
        Some(event) if changed.status != conversation.status => {
            crate::sla::advance_after(&state, &changed, event).await;
            Ok(Json(state.store.get_conversation(changed.id).await?))
        }
        _ => Ok(Json(changed)),
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Assignment {
    /// The agent to assign, or null to unassign.
    agent_id: Option<AgentId>,
}

/// Assign a conversation to an agent, or unassign it.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/assignee", tag = "conversations",
    params(("id" = i64, Path)), request_body = Assignment,
    responses((status = 200, body = Conversation), (status = 422, body = crate::error::ErrorBody)))]
async fn assign(
    state: axum::extract::State<AppState>,
    who: Principal,
    Path(id): Path<i64>,
    Json(assignment): Json<Assignment>,
) -> ApiResult<Json<Conversation>> {
    who.require(Role::Agent)?;
    let conversation = state.store.get_conversation(ConversationId(id)).await?;
    Ok(Json(state.store.assign(conversation.id, assignment.agent_id, state.now()).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewNote {
    body: String,
}

/// Add an internal note, seen by the team only.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/notes", tag = "conversations",
    params(("id" = i64, Path)), request_body = NewNote,
    responses((status = 201, body = Message), (status = 422, body = crate::error::ErrorBody)))]
async fn add_note(
    state: axum::extract::State<AppState>,
    who: Principal,
    Path(id): Path<i64>,
    Json(note): Json<NewNote>,
) -> ApiResult<(axum::http::StatusCode, Json<Message>)> {
    let conversation = visible_conversation(&state, &who, ConversationId(id)).await?;
    let author = who
        .agent_id()
        .ok_or_else(|| ApiError::Forbidden("notes are written by a signed-in agent, not an API token".into()))?;
    let body = note.body.trim();
    if body.is_empty() {
        return Err(ApiError::Unprocessable("a note needs some text".into()));
    }
    let message = state.store.add_note(conversation.id, author, body, state.now()).await?;
    Ok((axum::http::StatusCode::CREATED, Json(message)))
}

/// Fields an agent may change; absent fields stay as they are, `null` clears a nullable one.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConversationUpdate {
    priority: Option<Priority>,
    tier: Option<Tier>,
    escalated: Option<bool>,
    /// Replaces all tags.
    tags: Option<Vec<String>>,
    /// Correct the detected buyer language.
    #[schema(value_type = Option<String>, example = "de")]
    buyer_language: Option<LanguageTag>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    intent: Option<Option<Intent>>,
    /// Link the order the conversation is about (null unlinks).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    order_id: Option<Option<OrderId>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    team_id: Option<Option<TeamId>>,
}

/// Tells a field given as `null` (`Some(None)`: clear it) from one left out (`None`: keep it).
fn present<'de, T: Deserialize<'de>, D: Deserializer<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// Change priority, tier, tags, intent, team, linked order or the buyer language of a conversation.
#[utoipa::path(patch, path = "/api/v1/conversations/{id}", tag = "conversations",
    params(("id" = i64, Path)), request_body = ConversationUpdate,
    responses((status = 200, body = Conversation), (status = 422, body = crate::error::ErrorBody)))]
async fn update(
    state: axum::extract::State<AppState>,
    who: Principal,
    Path(id): Path<i64>,
    Json(update): Json<ConversationUpdate>,
) -> ApiResult<Json<Conversation>> {
    who.require(Role::Agent)?;
    let tags =
        update.tags.map(|tags| tags.into_iter().map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()).collect());
    let patch = ConversationPatch {
        priority: update.priority,
        tier: update.tier,
        escalated: update.escalated,
        intent: update.intent.map(|i| i.map(|i| i.to_string())),
        team_id: update.team_id,
        sla_due_at: None,
        buyer_language: update.buyer_language,
        tags,
        order_id: update.order_id,
    };
    Ok(Json(state.store.update_conversation(ConversationId(id), &patch, state.now()).await?))
}
