//! `POST /api/v1/inbound` (JSON) and `POST /api/v1/inbound/email` (raw RFC 5322): the HTTP
//! doors of ingest. A 2xx is sent only after the message is committed.

use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, RawBody};
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::post;
use dragoman_channels::email::parse_email;
use dragoman_channels::generic::JsonInbound;
use dragoman_core::{InboundMessage, Role};
use dragoman_store::IngestOutcome;

pub fn routes() -> Router<AppState> {
    Router::new().route("/inbound", post(inbound_json)).route("/inbound/email", post(inbound_email))
}

/// Accept one buyer message as JSON. 201 when stored, 200 with `duplicate: true` when this
/// `external_id` was already stored on the channel.
#[utoipa::path(post, path = "/api/v1/inbound", tag = "inbound",
    request_body = dragoman_channels::generic::JsonInbound,
    responses((status = 201, body = IngestOutcome), (status = 200, description = "already stored", body = IngestOutcome),
        (status = 400, body = crate::error::ErrorBody), (status = 413, body = crate::error::ErrorBody),
        (status = 415, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn inbound_json(
    State(state): State<AppState>,
    who: Principal,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> ApiResult<(StatusCode, Json<IngestOutcome>)> {
    who.require(Role::Agent)?;
    require_media_type(&headers, &["application/json"])?;
    let parsed: JsonInbound = serde_json::from_slice(&body).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => ApiError::Unprocessable(e.to_string()),
        _ => ApiError::InvalidJson(format!("the body is not valid JSON: {e}")),
    })?;
    let message = parsed.into_inbound(body.to_vec()).map_err(|e| ApiError::Unprocessable(e.to_string()))?;
    store_inbound(&state, &message).await
}

/// Accept one raw email (`Content-Type: message/rfc822`). Damaged but readable mail is
/// kept, with warnings on the message; it is never bounced.
#[utoipa::path(post, path = "/api/v1/inbound/email", tag = "inbound",
    request_body(content = String, content_type = "message/rfc822"),
    responses((status = 201, body = IngestOutcome), (status = 200, description = "already stored", body = IngestOutcome),
        (status = 413, body = crate::error::ErrorBody), (status = 415, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
async fn inbound_email(
    State(state): State<AppState>,
    who: Principal,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> ApiResult<(StatusCode, Json<IngestOutcome>)> {
    who.require(Role::Agent)?;
    require_media_type(&headers, &["message/rfc822", "application/octet-stream"])?;
    let parsed = parse_email(&body).map_err(|e| ApiError::Unprocessable(e.to_string()))?;
    let message = parsed.into_inbound(body.to_vec());
    store_inbound(&state, &message).await
}

/// Stores through the one ingest transaction, then wakes the workers: 201, or 200 when the
/// message was already stored.
pub async fn store_inbound(state: &AppState, message: &InboundMessage) -> ApiResult<(StatusCode, Json<IngestOutcome>)> {
    let outcome = ingest(state, message).await?;
    let status = if outcome.duplicate { StatusCode::OK } else { StatusCode::CREATED };
    Ok((status, Json(outcome)))
}

/// The ingest door of every channel (HTTP, SMTP, IMAP): stores the message in the one ingest
/// transaction, counts it, and wakes the workers when there is new work.
pub async fn ingest(state: &AppState, message: &InboundMessage) -> Result<IngestOutcome, dragoman_store::StoreError> {
    let outcome = state.store.ingest(message, &state.settings.ingest_limits(), state.now()).await?;
    let label = if outcome.duplicate { "duplicate" } else { "stored" };
    state
        .metrics
        .ingested
        .get_or_create(&crate::metrics::IngestLabels { channel: message.channel.to_string(), outcome: label })
        .inc();
    if !outcome.duplicate {
        state.jobs_queued.notify_waiters();
    }
    Ok(outcome)
}

fn require_media_type(headers: &HeaderMap, accepted: &[&str]) -> ApiResult<()> {
    let given = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or_default().trim().to_ascii_lowercase());
    match given {
        Some(media) if accepted.contains(&media.as_str()) => Ok(()),
        other => Err(ApiError::UnsupportedMediaType(format!(
            "Content-Type is {}; send {}",
            other.map(|m| format!("{m:?}")).unwrap_or_else(|| "missing".into()),
            accepted.join(" or ")
        ))),
    }
}
