//! Dragoman's server: the HTTP edge and the background workers, over one [`Store`].
//!
//! Layout:
//! - [`config`]: settings from defaults, a TOML file and `DRAGOMAN_*` variables.
//! - [`state`]: what handlers and workers share.
//! - [`error`]: the one error type of the HTTP edge and its JSON shape; every status code is decided there.
//! - [`extract`]: axum extractors whose rejections become that JSON error.
//! - [`auth`]: API tokens, sessions with CSRF, password hashing, role checks.
//! - [`api`]: `/api/v1`, one module per feature, and the OpenAPI document.
//! - [`health`]: `/healthz`, `/readyz`, `/metrics`.
//! - [`mail_in`]: the SMTP receiver and IMAP pollers, storing through the ingest door.
//! - [`chat`]: the live-chat widget script and its WebSocket, for website visitors.
//! - [`shopify`]: Admin API look-ups of orders (the webhook door is `api::shopify`);
//!   [`ebay`]: the eBay Message API poller.
//! - [`worker`]: the job workers (enrichment today).
//! - [`outbox`]: the channel senders replies leave through, and the workers that send them.
//! - [`demo`]: the fictitious store `serve --demo` starts with.

pub mod api;
pub mod auth;
pub mod chat;
pub mod config;
pub mod demo;
pub mod ebay;
pub mod error;
pub mod extract;
pub mod health;
pub mod mail_in;
pub mod metrics;
pub mod outbox;
pub mod shopify;
pub mod sla;
pub mod state;
pub mod worker;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use dragoman_store::Store;
use error::ApiError;
use state::AppState;
use std::future::Future;
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;

pub use config::{Config, Settings};

/// Every route, with the body limit and request tracing.
pub fn router(state: AppState) -> Router {
    let limit = state.settings.max_body_bytes;
    Router::new()
        .nest("/api/v1", api::routes())
        .merge(health::routes())
        .merge(chat::routes())
        .fallback(|| async { ApiError::NotFound("no such page".into()) })
        .method_not_allowed_fallback(|| async {
            ApiError::MethodNotAllowed("this route does not accept that method".into())
        })
        .layer(DefaultBodyLimit::max(limit))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Serves HTTP on `listener` and runs the workers until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let mut workers = worker::spawn(state.clone());
    workers.spawn(worker::keep_learning(state.clone()));
    workers.spawn(api::translation::keep_translating(state.clone()));
    workers.spawn(sla::keep_sweeping(state.clone()));
    outbox::spawn(&mut workers, state.clone());
    if let Some(ebay) = state.ebay.clone() {
        workers.spawn(ebay::keep_polling(state.clone(), ebay));
    }
    let result = axum::serve(listener, router(state)).with_graceful_shutdown(shutdown).await;
    workers.abort_all();
    result
}

/// State over an opened store and loaded models.
pub fn app_state(
    store: std::sync::Arc<dyn Store>,
    settings: Settings,
    analyzer: std::sync::Arc<dragoman_nlu::Analyzer>,
) -> AppState {
    AppState::new(store, settings, analyzer)
}
