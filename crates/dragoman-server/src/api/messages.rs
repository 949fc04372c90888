//! Files that came with messages, and the raw bytes a message was parsed from.

use crate::api::conversations::visible_conversation;
use crate::auth::Principal;
use crate::error::ApiResult;
use crate::extract::Path;
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use dragoman_core::{AttachmentId, MessageId, Role};

pub fn routes() -> Router<AppState> {
    Router::new().route("/attachments/{id}", get(attachment)).route("/messages/{id}/raw", get(raw))
}

/// Download an attachment. Always served as a download with `nosniff`, so a hostile file
/// (an HTML page, an SVG with script) is never rendered by the agent's browser.
#[utoipa::path(get, path = "/api/v1/attachments/{id}", tag = "messages", params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>), (status = 404, body = crate::error::ErrorBody)))]
async fn attachment(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<i64>,
) -> ApiResult<impl IntoResponse> {
    who.require(Role::Partner)?;
    let (meta, bytes) = state.store.attachment_content(AttachmentId(id)).await?;
    let filename: String = meta.filename.chars().filter(|c| !c.is_control() && *c != '"' && *c != '\\').collect();
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        ],
        bytes,
    ))
}

/// The raw bytes a message was parsed from (an `.eml` for email), for audit and re-parsing.
#[utoipa::path(get, path = "/api/v1/messages/{id}/raw", tag = "messages", params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>), (status = 404, body = crate::error::ErrorBody)))]
async fn raw(State(state): State<AppState>, who: Principal, Path(id): Path<i64>) -> ApiResult<impl IntoResponse> {
    who.require(Role::Agent)?;
    let message = state.store.get_message(MessageId(id)).await?;
    visible_conversation(&state, &who, message.conversation_id).await?;
    let raw_id = message.raw_id.ok_or_else(|| {
        crate::error::ApiError::NotFound(format!("message {id} has no raw input (it was written here)"))
    })?;
    let raw = state.store.raw_message(raw_id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"message-{id}.raw\"")),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        ],
        raw.bytes,
    ))
}
