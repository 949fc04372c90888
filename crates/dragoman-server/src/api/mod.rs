//! The JSON API under `/api/v1`. Each module owns its routes; this one merges them and
//! assembles the OpenAPI document served at `/api/v1/openapi.json`.

pub mod conversations;
pub mod customers;
pub mod inbound;
pub mod jobs;
pub mod messages;
pub mod replies;
pub mod session;
pub mod understanding;

use crate::error::ApiError;
use crate::state::AppState;
use axum::Router;
use axum::routing::get;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(title = "Dragoman API", description = "Multilingual helpdesk for cross-border e-commerce sellers. \
        Authenticate with `Authorization: Bearer <token>` (see `dragoman token create`) or a session \
        cookie from `/api/v1/auth/login` plus `X-CSRF-Token` on state-changing requests. \
        Errors are `{\"error\": {\"code\", \"message\"}}`."),
    paths(
        conversations::list, conversations::detail, conversations::update, conversations::set_status, conversations::assign, conversations::add_note,
        customers::list_customers, customers::get_customer, customers::create_customer,
        customers::list_orders, customers::get_order, customers::upsert_order,
        inbound::inbound_json, inbound::inbound_email,
        jobs::list, jobs::retry,
        messages::attachment, messages::raw,
        session::login, session::logout, session::me,
        understanding::analyze, understanding::correct_intent,
        replies::list, replies::save, replies::remove, replies::suggestions,
    ),
    tags(
        (name = "conversations", description = "The inbox"),
        (name = "inbound", description = "Messages arriving from channels"),
        (name = "customers"), (name = "orders"), (name = "messages"),
        (name = "jobs", description = "The durable background queue"),
        (name = "auth", description = "Sessions and identity"),
        (name = "understanding", description = "Language, intent, escalation, entities"),
        (name = "replies", description = "Reply templates and suggestions"),
    )
)]
pub struct ApiDoc;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(conversations::routes())
        .merge(customers::routes())
        .merge(inbound::routes())
        .merge(jobs::routes())
        .merge(messages::routes())
        .merge(session::routes())
        .merge(understanding::routes())
        .merge(replies::routes())
        .route("/openapi.json", get(|| async { axum::Json(ApiDoc::openapi()) }))
        .fallback(|| async { ApiError::NotFound("no such API route; see /api/v1/openapi.json".into()) })
}
