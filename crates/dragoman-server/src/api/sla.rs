//! SLA state and the conversation timeline: `GET /conversations/{id}/sla`,
//! `GET /conversations/{id}/timeline` and the effective policies at `GET /sla/policies`.

use crate::auth::Principal;
use crate::error::ApiResult;
use crate::extract::{Json, Path};
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use dragoman_core::calendar::BusinessCalendar;
use dragoman_core::sla::SlaPolicies;
use dragoman_core::{ConversationId, Role, Timestamp};
use serde::Serialize;
use utoipa::ToSchema;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/conversations/{id}/sla", get(sla_state))
        .route("/conversations/{id}/timeline", get(timeline))
        .route("/sla/policies", get(policies))
}

/// Where a conversation's SLA clock stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct SlaView {
    /// The policy the clock runs under; null until the first buyer message was understood
    /// (until then the conversation carries ingest's default due time).
    policy: Option<String>,
    /// The nearest running deadline; null when nothing is owed or the clock is paused.
    due_at: Option<Timestamp>,
    /// When agents are warned that `due_at` approaches.
    warn_at: Option<Timestamp>,
    /// The first breach the sweep recorded, at the instant the target ran out.
    breached_at: Option<Timestamp>,
    /// Waiting on the buyer: the clock is paused.
    paused: bool,
}

/// The SLA state of a conversation.
#[utoipa::path(get, path = "/api/v1/conversations/{id}/sla", tag = "sla", params(("id" = i64, Path)),
    responses((status = 200, body = SlaView), (status = 404, body = crate::error::ErrorBody)))]
async fn sla_state(State(state): State<AppState>, who: Principal, Path(id): Path<i64>) -> ApiResult<Json<SlaView>> {
    who.require(Role::Agent)?;
    let conversation = state.store.get_conversation(ConversationId(id)).await?;
    let view = match state.store.sla_state(conversation.id).await? {
        Some(saved) => SlaView {
            paused: saved.clock.is_pending(),
            policy: Some(saved.policy),
            due_at: saved.due_at,
            warn_at: saved.warn_at,
            breached_at: saved.first_breach_at,
        },
        None => {
            SlaView { policy: None, due_at: conversation.sla_due_at, warn_at: None, breached_at: None, paused: false }
        }
    };
    Ok(Json(view))
}

/// One entry of a conversation's timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct TimelineEvent {
    id: i64,
    at: Timestamp,
    /// `sla_policy`, `sla_warning`, `sla_breach`.
    kind: String,
    /// `sla_policy`: `policy`, `previous`; `sla_warning`: `policy`, `due_at`; `sla_breach`:
    /// `policy`, the raised `priority`.
    #[schema(value_type = Object)]
    detail: serde_json::Value,
}

/// What happened to a conversation besides its messages, oldest first.
#[utoipa::path(get, path = "/api/v1/conversations/{id}/timeline", tag = "sla", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<TimelineEvent>), (status = 404, body = crate::error::ErrorBody)))]
async fn timeline(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<TimelineEvent>>> {
    who.require(Role::Agent)?;
    let events = state.store.conversation_events(ConversationId(id)).await?;
    Ok(Json(events.into_iter().map(|e| TimelineEvent { id: e.id, at: e.at, kind: e.kind, detail: e.detail }).collect()))
}

/// The policies and business calendar in effect (`[sla]`, or the built-in defaults).
#[derive(Debug, Serialize, ToSchema)]
pub struct EffectiveSla {
    /// In the order they are matched; the first match applies.
    #[schema(value_type = Vec<Object>)]
    policies: SlaPolicies,
    /// The business hours business-hours policies count: `time_zone`, `hours`, `holidays`.
    #[schema(value_type = Object)]
    calendar: BusinessCalendar,
}

/// The effective SLA policies.
#[utoipa::path(get, path = "/api/v1/sla/policies", tag = "sla", responses((status = 200, body = EffectiveSla)))]
async fn policies(State(state): State<AppState>, who: Principal) -> ApiResult<Json<EffectiveSla>> {
    who.require(Role::Agent)?;
    Ok(Json(EffectiveSla { policies: state.sla.policies.clone(), calendar: state.sla.calendar.clone() }))
}
