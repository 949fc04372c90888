//! Shopify orders Dragoman has not been told about yet, fetched from the Admin API by a
//! durable job: those a buyer names before any webhook arrived, and those a refund changed.
//! The webhook door itself is [`crate::api::shopify`].

use crate::state::AppState;
use dragoman_channels::shopify::{self, Shopify};
use dragoman_core::{ConversationId, OrderId};
use dragoman_store::marketplace::ShopOrderOutcome;
use dragoman_store::{ConversationPatch, Job, NewJob};
use serde_json::{Value, json};

/// Job kind: fetch one order from the Admin API and apply it. Payload `{"name": "#LH-10517",
/// "conversation_id": 7}` (an order a buyer named) or `{"id": 5873194025217}` (a Shopify id).
pub const FETCH_ORDER: &str = "shopify_fetch_order";
/// The Admin API may be down for a while; with the queue's backoff this is about a day.
const FETCH_MAX_ATTEMPTS: i64 = 20;

/// Queues an Admin API look-up of each Shopify order name (`#…`) in `order_numbers`, for a
/// conversation that could not be linked to an order. Nothing when the Admin API is not
/// configured.
pub async fn queue_lookups(
    state: &AppState,
    conversation: ConversationId,
    order_numbers: &[String],
) -> Result<(), String> {
    if state.shopify.as_ref().is_none_or(|s| s.admin.is_none()) {
        return Ok(());
    }
    for name in order_numbers.iter().filter(|n| n.starts_with('#')) {
        queue(state, json!({ "name": name, "conversation_id": conversation.0 })).await?;
    }
    Ok(())
}

/// Queues a fresh fetch of an order Shopify says changed (a refund).
pub async fn queue_refetch(state: &AppState, shopify_id: i64) -> Result<(), String> {
    queue(state, json!({ "id": shopify_id })).await
}

async fn queue(state: &AppState, payload: Value) -> Result<(), String> {
    let job = NewJob { kind: FETCH_ORDER.into(), payload, max_attempts: FETCH_MAX_ATTEMPTS };
    state.store.enqueue(&job, state.now()).await.map_err(|e| e.to_string())?;
    state.jobs_queued.notify_waiters();
    Ok(())
}

/// Runs a [`FETCH_ORDER`] job. Safe to run twice: applying an order snapshot is idempotent and
/// never goes back in time.
pub async fn fetch_order(state: &AppState, job: &Job) -> Result<(), String> {
    let Some(shopify) = state.shopify.as_deref() else {
        tracing::info!(job = %job.id, "Shopify is no longer configured; order look-up dropped");
        return Ok(());
    };
    let Some(admin) = &shopify.admin else {
        tracing::info!(job = %job.id, "no Shopify Admin API token; order look-up dropped");
        return Ok(());
    };
    let name = job.payload["name"].as_str();
    let fetched = match (name, job.payload["id"].as_i64()) {
        (Some(name), _) => {
            if let Some(known) = state.store.find_order(name).await.map_err(|e| e.to_string())? {
                return link(state, job, known.id).await;
            }
            admin.order_by_name(name).await
        }
        (None, Some(id)) => admin.order(id).await,
        (None, None) => return Err(format!("payload {} names no order", job.payload)),
    }
    .map_err(|e| e.to_string())?;
    let Some(order) = fetched else {
        tracing::info!(job = %job.id, payload = %job.payload, "the shop has no such order");
        return Ok(());
    };
    let order_id = apply(state, shopify, &order).await?;
    link(state, job, order_id).await
}

async fn apply(state: &AppState, shopify: &Shopify, order: &Value) -> Result<OrderId, String> {
    let snapshot = shopify::shop_order(&shopify.shop, order, None).map_err(|e| e.to_string())?;
    match state.store.apply_shop_order(&snapshot, None, state.now()).await.map_err(|e| e.to_string())? {
        ShopOrderOutcome::Applied(order) | ShopOrderOutcome::Stale(order) => Ok(order.id),
        ShopOrderOutcome::Duplicate => unreachable!("no delivery was given, so none can repeat"),
    }
}

/// Links the conversation the look-up was for, if it is still without an order (an order
/// upsert links only conversations that carry the order number from their first message).
async fn link(state: &AppState, job: &Job, order: OrderId) -> Result<(), String> {
    let Some(conversation) = job.payload["conversation_id"].as_i64().map(ConversationId) else { return Ok(()) };
    let current = state.store.get_conversation(conversation).await.map_err(|e| e.to_string())?;
    if current.order_id.is_none() {
        let patch = ConversationPatch { order_id: Some(Some(order)), ..ConversationPatch::default() };
        state.store.update_conversation(conversation, &patch, state.now()).await.map_err(|e| e.to_string())?;
    }
    Ok(())
}
