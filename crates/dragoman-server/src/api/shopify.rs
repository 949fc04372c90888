//! `POST /api/v1/shopify/webhooks`: Shopify's webhook deliveries. Not behind a session or
//! token (Shopify calls it) but behind the `X-Shopify-Hmac-Sha256` signature over the raw
//! body, checked before anything is parsed. A delivery's effect and its webhook id are stored
//! in one transaction, so a retried delivery changes nothing; an order update older than what
//! is stored is recognised and ignored. Every delivery Dragoman verified gets a 2xx (an
//! unknown topic is recorded and ignored: answering 4xx would only make Shopify retry it).
//!
//! `GET /api/v1/shopify/privacy-requests` lists the privacy (GDPR) requests for an admin.

use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Query};
use crate::state::AppState;
use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::{get, post};
use dragoman_channels::shopify::{self, Delivery, Shopify, Topic, verify_signature};
use dragoman_core::{OrderId, Role};
use dragoman_store::marketplace::{DeliveryOutcome, PrivacyRecord, ShopOrderOutcome};
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub fn routes() -> Router<AppState> {
    Router::new().route("/shopify/webhooks", post(webhook)).route("/shopify/privacy-requests", get(privacy_requests))
}

/// What Dragoman did with a delivery.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WebhookOutcome {
    pub topic: String,
    /// `applied` (the order changed), `stale` (the stored order is newer), `duplicate` (this
    /// delivery was handled before), `recorded` (kept, no order effect), `queued` (the order is
    /// being fetched again), `ignored` (a topic Dragoman does not use).
    pub outcome: &'static str,
    #[schema(value_type = Option<i64>)]
    pub order_id: Option<OrderId>,
}

/// Receive one Shopify webhook delivery.
#[utoipa::path(post, path = "/api/v1/shopify/webhooks", tag = "shopify",
    request_body(content = String, content_type = "application/json", description = "the delivery, signed by Shopify"),
    responses((status = 200, body = WebhookOutcome),
        (status = 400, description = "invalid JSON or a delivery header missing", body = crate::error::ErrorBody),
        (status = 401, description = "signature missing or wrong, or another shop", body = crate::error::ErrorBody),
        (status = 404, description = "Shopify is not configured", body = crate::error::ErrorBody),
        (status = 413, body = crate::error::ErrorBody),
        (status = 422, description = "an order without id or name", body = crate::error::ErrorBody)))]
async fn webhook(State(state): State<AppState>, headers: HeaderMap, body: Body) -> ApiResult<Json<WebhookOutcome>> {
    let shopify = state.shopify.clone().ok_or_else(|| {
        ApiError::NotFound("Shopify is not configured on this server ([shopify] in the config)".into())
    })?;
    // Webhook bodies are small; the limit of their own keeps an unauthenticated caller from
    // making the server buffer the general (raw email sized) limit before the signature check.
    let body = axum::body::to_bytes(body, shopify.max_webhook_bytes).await.map_err(|_| {
        ApiError::PayloadTooLarge(format!("webhook bodies are limited to {} bytes", shopify.max_webhook_bytes))
    })?;
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let signature = header("X-Shopify-Hmac-Sha256")
        .ok_or_else(|| ApiError::Unauthorized("the X-Shopify-Hmac-Sha256 signature is missing".into()))?;
    if !verify_signature(shopify.webhook_secret.expose().as_bytes(), &body, signature) {
        return Err(ApiError::Unauthorized("the X-Shopify-Hmac-Sha256 signature does not match the body".into()));
    }
    let delivery = Delivery::from_headers(header).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    if delivery.shop != shopify.shop {
        return Err(ApiError::Unauthorized(format!("deliveries are accepted from {} only", shopify.shop)));
    }
    let payload: Value = serde_json::from_slice(&body)
        .map_err(|e| ApiError::InvalidJson(format!("the delivery body is not valid JSON: {e}")))?;
    let (outcome, order_id) = apply(&state, &shopify, &delivery, &payload).await?;
    tracing::info!(topic = %delivery.topic, webhook = %delivery.webhook_id, outcome, "Shopify webhook");
    Ok(Json(WebhookOutcome { topic: delivery.topic, outcome, order_id }))
}

async fn apply(
    state: &AppState,
    shopify: &Shopify,
    delivery: &Delivery,
    payload: &Value,
) -> ApiResult<(&'static str, Option<OrderId>)> {
    let store = &state.store;
    let now = state.now();
    let stored = delivery.to_store();
    let recorded = |o: DeliveryOutcome, label| if o == DeliveryOutcome::Duplicate { "duplicate" } else { label };
    Ok(match Topic::parse(&delivery.topic) {
        Topic::Order => {
            let snapshot = shopify::shop_order(&shopify.shop, payload, delivery.triggered_at)
                .map_err(|e| ApiError::Unprocessable(e.to_string()))?;
            match store.apply_shop_order(&snapshot, Some(&stored), now).await? {
                ShopOrderOutcome::Applied(order) => ("applied", Some(order.id)),
                ShopOrderOutcome::Stale(order) => ("stale", Some(order.id)),
                ShopOrderOutcome::Duplicate => ("duplicate", None),
            }
        }
        // The refund's effect on the order (financial status, amounts) is read from the order
        // itself, fetched again when the Admin API is configured; Shopify also sends
        // `orders/updated` for it.
        Topic::Refund => {
            let order = shopify::refund_order_id(payload).map_err(|e| ApiError::Unprocessable(e.to_string()))?;
            let known = store.shop_order(&shopify.shop, order).await?.map(|o| o.id);
            let outcome = store.record_webhook(&stored, "recorded", now).await?;
            if outcome == DeliveryOutcome::Recorded && shopify.admin.is_some() {
                crate::shopify::queue_refetch(state, order).await.map_err(ApiError::Internal)?;
                ("queued", known)
            } else {
                (recorded(outcome, "recorded"), known)
            }
        }
        Topic::Privacy(topic) => {
            let request = shopify::privacy_request(topic, payload);
            match store.record_privacy_request(&stored, &request, now).await? {
                Some(record) => {
                    tracing::warn!(topic = topic.as_str(), request = record.id, state = %record.state, summary = %record.summary, "Shopify privacy request");
                    ("recorded", None)
                }
                None => ("duplicate", None),
            }
        }
        Topic::Other => {
            tracing::info!(topic = %delivery.topic, "Shopify topic not used by Dragoman; ignored");
            (recorded(store.record_webhook(&stored, "ignored", now).await?, "ignored"), None)
        }
    })
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PrivacyQuery {
    /// Only requests an admin still has to act on.
    #[serde(default)]
    pub open: bool,
}

/// The privacy (GDPR) requests Shopify sent, newest first (admin).
#[utoipa::path(get, path = "/api/v1/shopify/privacy-requests", tag = "shopify", params(PrivacyQuery),
    responses((status = 200, body = Vec<PrivacyRecord>), (status = 403, body = crate::error::ErrorBody)))]
async fn privacy_requests(
    State(state): State<AppState>,
    who: Principal,
    Query(query): Query<PrivacyQuery>,
) -> ApiResult<Json<Vec<PrivacyRecord>>> {
    who.require(Role::Admin)?;
    Ok(Json(state.store.list_privacy_requests(query.open).await?))
}
