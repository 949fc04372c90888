//! `GET /api/v1/channels`: the marketplace and shop connections this server runs, with their
//! settings as configured; secrets show as `***` (set) or `null` (missing), never in clear.

use crate::auth::Principal;
use crate::error::ApiResult;
use crate::extract::Json;
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use dragoman_core::Role;
use serde::Serialize;
use serde_json::{Value, json};

pub fn routes() -> Router<AppState> {
    Router::new().route("/channels", get(list))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ChannelInfo {
    /// `shopify`, `ebay`.
    pub channel: &'static str,
    pub settings: Value,
}

/// Configured marketplace connections (admin).
#[utoipa::path(get, path = "/api/v1/channels", tag = "channels",
    responses((status = 200, body = Vec<ChannelInfo>), (status = 403, body = crate::error::ErrorBody)))]
async fn list(State(state): State<AppState>, who: Principal) -> ApiResult<Json<Vec<ChannelInfo>>> {
    who.require(Role::Admin)?;
    let mut channels = Vec::new();
    if let Some(shopify) = &state.shopify {
        channels.push(ChannelInfo {
            channel: "shopify",
            settings: json!({
                "shop": shopify.shop,
                "webhook_path": "/api/v1/shopify/webhooks",
                "webhook_secret": "***",
                "admin_api": shopify.admin.is_some(),
                "admin_token": shopify.admin.as_ref().map(|_| "***"),
                "max_webhook_bytes": shopify.max_webhook_bytes,
            }),
        });
    }
    if let Some(ebay) = &state.ebay {
        let cursor = state.store.poll_cursor(&dragoman_channels::ebay::poll::cursor_source(&ebay.account)).await?;
        channels.push(ChannelInfo {
            channel: "ebay",
            settings: json!({
                "seller_username": ebay.account,
                "marketplace": ebay.marketplace,
                "client_secret": "***",
                "refresh_token": "***",
                "poll_seconds": ebay.poll_every.as_secs(),
                "polled_until": cursor.and_then(|c| c.parse::<i64>().ok()),
            }),
        });
    }
    Ok(Json(channels))
}
