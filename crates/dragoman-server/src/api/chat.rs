//! The agents' side of the live chat: the heartbeat that makes "somebody is online" true for
//! the widget, and what the visitor's browser told about them (languages, time zone, page).
//!
//! "Online" means an agent sent `POST /api/v1/chat/presence` within `[chat] online_minutes`
//! (5 by default); the agent UI sends it every minute while it is open. With nobody online the
//! widget offers a "leave your email" form instead of the chat.

use crate::api::conversations::visible_conversation;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path};
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use dragoman_core::{AgentId, ConversationId, Role, Timestamp};
use dragoman_store::chat::ChatSession;
use serde::Serialize;
use utoipa::ToSchema;

pub fn routes() -> Router<AppState> {
    Router::new().route("/chat/presence", get(presence).post(heartbeat)).route("/conversations/{id}/chat", get(session))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Presence {
    /// Whether the chat widget offers a chat (true) or the "leave your email" form.
    online: bool,
    /// Agents seen within `online_minutes`, most recent first.
    agents: Vec<AgentId>,
    online_minutes: i64,
    /// When the calling agent counts as offline without another heartbeat (heartbeat only).
    #[serde(skip_serializing_if = "Option::is_none")]
    online_until: Option<Timestamp>,
}

async fn present(state: &AppState, online_until: Option<Timestamp>) -> ApiResult<Json<Presence>> {
    let minutes = state.chat.settings.online_minutes.max(0);
    let agents = state.store.agents_present_since(state.now().plus_millis(-minutes * 60_000)).await?;
    Ok(Json(Presence { online: !agents.is_empty(), agents, online_minutes: minutes, online_until }))
}

/// The signed-in agent is at their desk: the chat widget shows the chat, not the email form.
#[utoipa::path(post, path = "/api/v1/chat/presence", tag = "chat",
    responses((status = 200, body = Presence), (status = 422, body = crate::error::ErrorBody)))]
async fn heartbeat(State(state): State<AppState>, who: Principal) -> ApiResult<Json<Presence>> {
    who.require(Role::Agent)?;
    let agent = who.agent_id().ok_or_else(|| {
        ApiError::Unprocessable("presence belongs to a signed-in agent; an API token has none".into())
    })?;
    let now = state.now();
    state.store.record_agent_presence(agent, now).await?;
    present(&state, Some(now.plus_millis(state.chat.settings.online_minutes.max(0) * 60_000))).await
}

/// Whether anybody is online for the chat, and who.
#[utoipa::path(get, path = "/api/v1/chat/presence", tag = "chat", responses((status = 200, body = Presence)))]
async fn presence(State(state): State<AppState>, who: Principal) -> ApiResult<Json<Presence>> {
    who.require(Role::Agent)?;
    present(&state, None).await
}

/// What the visitor's browser reported for a conversation from the chat: preferred languages,
/// IANA time zone (to know the visitor's local time), the page they wrote from, and the email
/// they left when nobody was online. 404 for conversations that did not come from the chat.
#[utoipa::path(get, path = "/api/v1/conversations/{id}/chat", tag = "chat",
    responses((status = 200, body = ChatSession), (status = 404, body = crate::error::ErrorBody)))]
async fn session(State(state): State<AppState>, who: Principal, Path(id): Path<i64>) -> ApiResult<Json<ChatSession>> {
    let conversation = visible_conversation(&state, &who, ConversationId(id)).await?;
    let session = state.store.chat_session_of(conversation.id).await?;
    session.map(Json).ok_or_else(|| ApiError::NotFound(format!("conversation {id} did not come from the chat")))
}
