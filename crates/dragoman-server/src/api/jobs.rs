//! The durable job queue, as operators see it: what is queued, what died and why, and a way
//! to try a dead job again.

use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path, Query};
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use dragoman_core::{JobId, Role};
use dragoman_store::{Job, JobState};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new().route("/jobs", get(list)).route("/jobs/{id}/retry", post(retry))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct JobParams {
    /// `queued`, `running`, `done` or `dead`.
    state: Option<String>,
    /// 1–500, default 100.
    limit: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct JobView {
    id: i64,
    kind: String,
    payload: serde_json::Value,
    state: String,
    attempts: i64,
    max_attempts: i64,
    run_at: dragoman_core::Timestamp,
    last_error: Option<String>,
    created_at: dragoman_core::Timestamp,
    updated_at: dragoman_core::Timestamp,
}

impl From<Job> for JobView {
    fn from(j: Job) -> Self {
        Self {
            id: j.id.0,
            kind: j.kind,
            payload: j.payload,
            state: j.state.as_str().to_owned(),
            attempts: j.attempts,
            max_attempts: j.max_attempts,
            run_at: j.run_at,
            last_error: j.last_error,
            created_at: j.created_at,
            updated_at: j.updated_at,
        }
    }
}

/// Jobs, newest first; `?state=dead` shows what gave up.
#[utoipa::path(get, path = "/api/v1/jobs", tag = "jobs", params(JobParams), responses((status = 200, body = Vec<JobView>)))]
async fn list(
    State(state): State<AppState>,
    who: Principal,
    Query(p): Query<JobParams>,
) -> ApiResult<Json<Vec<JobView>>> {
    who.require(Role::Admin)?;
    let job_state =
        match p.state.as_deref() {
            None => None,
            Some(s) => Some(JobState::parse(s).ok_or_else(|| {
                ApiError::BadRequest(format!("state {s:?} is not one of queued, running, done, dead"))
            })?),
        };
    let jobs = state.store.list_jobs(job_state, p.limit.unwrap_or(100).clamp(1, 500)).await?;
    Ok(Json(jobs.into_iter().map(JobView::from).collect()))
}

/// Queue a dead job again with a fresh attempt budget.
#[utoipa::path(post, path = "/api/v1/jobs/{id}/retry", tag = "jobs", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn retry(State(state): State<AppState>, who: Principal, Path(id): Path<i64>) -> ApiResult<StatusCode> {
    who.require(Role::Admin)?;
    state.store.retry_job(JobId(id), state.now()).await?;
    state.jobs_queued.notify_waiters();
    Ok(StatusCode::NO_CONTENT)
}
