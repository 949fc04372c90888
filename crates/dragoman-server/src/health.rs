//! Liveness, readiness and metrics for whoever runs Dragoman.

use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use dragoman_store::JobState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(index))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
}

/// Where to go from the root: the API and its description.
async fn index() -> axum::Json<serde_json::Value> {
    axum::Json(serde_json::json!({
        "name": "Dragoman",
        "version": env!("CARGO_PKG_VERSION"),
        "api": "/api/v1",
        "openapi": "/api/v1/openapi.json",
        "health": "/healthz",
    }))
}

/// The process is up.
async fn healthz() -> &'static str {
    "ok"
}

/// The process can serve: its database answers.
async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ready".to_owned()),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable".to_owned())
        }
    }
}

async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    match state.store.job_counts().await {
        Ok(counts) => {
            for s in JobState::ALL {
                let n = counts.iter().find(|(state, _)| *state == s).map_or(0, |(_, n)| *n);
                state.metrics.queue.get_or_create(&crate::metrics::StateLabels { state: s.as_str() }).set(n);
            }
        }
        Err(e) => tracing::warn!(error = %e, "job counts unavailable for /metrics"),
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], state.metrics.encode())
}
