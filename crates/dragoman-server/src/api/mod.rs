//! The JSON API under `/api/v1`. Each module owns its routes; this one merges them and
//! assembles the OpenAPI document served at `/api/v1/openapi.json`.

pub mod channels;
pub mod chat;
pub mod conversations;
pub mod customers;
pub mod inbound;
pub mod jobs;
pub mod messages;
pub mod replies;
pub mod replies_out;
pub mod session;
pub mod shopify;
pub mod sla;
pub mod translation;
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
        shopify::webhook, shopify::privacy_requests, channels::list,
        understanding::analyze, understanding::correct_intent,
        replies::list, replies::save, replies::remove, replies::suggestions,
        replies_out::send_reply, replies_out::no_response_needed,
        chat::heartbeat, chat::presence, chat::session,
        translation::translate, translation::preview, translation::list_glossary,
        translation::save_glossary_entry, translation::delete_glossary_entry, translation::pending,
        translation::engines,
        sla::sla_state, sla::timeline, sla::policies,
    ),
    tags(
        (name = "conversations", description = "The inbox"),
        (name = "inbound", description = "Messages arriving from channels"),
        (name = "customers"), (name = "orders"), (name = "messages"),
        (name = "jobs", description = "The durable background queue"),
        (name = "auth", description = "Sessions and identity"),
        (name = "shopify", description = "Shopify webhooks (signed by Shopify) and privacy requests"),
        (name = "channels", description = "Marketplace and shop connections"),
        (name = "understanding", description = "Language, intent, escalation, entities"),
        (name = "replies", description = "Reply templates and suggestions"),
        (name = "chat", description = "Live chat: agent presence, what the visitor's browser reported"),
        (name = "translation", description = "Translation with protected spans, reply previews, the glossary"),
        (name = "sla", description = "Response targets: each conversation's clock, its timeline, the policies"),
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
        .merge(shopify::routes())
        .merge(channels::routes())
        .merge(understanding::routes())
        .merge(replies::routes())
        .merge(replies_out::routes())
        .merge(chat::routes())
        .merge(translation::routes())
        .merge(sla::routes())
        .route("/openapi.json", get(|| async { axum::Json(ApiDoc::openapi()) }))
        .fallback(|| async { ApiError::NotFound("no such API route; see /api/v1/openapi.json".into()) })
}
