//! `GET /api/v1/channels`: the channels this server runs (email in and out, the marketplaces
//! and the shop, live chat), with their settings as configured and how far each poll has read;
//! secrets show as `***` (set) or `null` (missing), never in clear.

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
    email(&state, &mut channels).await?;
    let chat = &state.chat.settings;
    channels.push(ChannelInfo {
        channel: "chat",
        settings: json!({
            "widget": "/chat/widget.js",
            "allowed_origins": chat.allowed_origins,
            "online_minutes": chat.online_minutes,
            "max_message_chars": chat.max_message_chars,
        }),
    });
    Ok(Json(channels))
}

async fn email(state: &AppState, channels: &mut Vec<ChannelInfo>) -> ApiResult<()> {
    let email = &state.email;
    if let Some(listen) = email.smtp_in.listen {
        let smtp = &email.smtp_in;
        channels.push(ChannelInfo {
            channel: "email_smtp_in",
            settings: json!({
                "listen": listen.to_string(),
                "hostname": smtp.hostname,
                "domains": smtp.domains,
                "max_message_bytes": smtp.max_message_bytes,
                "starttls": smtp.cert.is_some() && smtp.key.is_some(),
            }),
        });
    }
    for mailbox in &email.imap {
        let name = mailbox.mailbox_name();
        let cursor = state.store.mailbox_cursor(&name).await?;
        channels.push(ChannelInfo {
            channel: "email_imap",
            settings: json!({
                "name": name,
                "host": mailbox.host,
                "port": mailbox.port,
                "tls": mailbox.tls,
                "user": mailbox.user,
                "password": secret_set(mailbox.password.is_some() || mailbox.password_env.as_deref().is_some_and(env_set)),
                "folder": mailbox.folder,
                "poll_secs": mailbox.poll_secs,
                "uid_validity": cursor.map(|c| c.uid_validity),
                "last_uid": cursor.map(|c| c.last_uid),
            }),
        });
    }
    if let Some(smtp) = &email.smtp_out {
        channels.push(ChannelInfo {
            channel: "email_smtp_out",
            settings: json!({
                "host": smtp.host,
                "port": smtp.port,
                "tls": smtp.tls,
                "username": smtp.username,
                "password": secret_set(env_set(&smtp.password_env)),
                "from": smtp.from,
                "amazon_from": smtp.amazon_from,
            }),
        });
    }
    Ok(())
}

fn env_set(name: &str) -> bool {
    std::env::var_os(name).is_some_and(|v| !v.is_empty())
}

fn secret_set(set: bool) -> Option<&'static str> {
    set.then_some("***")
}
