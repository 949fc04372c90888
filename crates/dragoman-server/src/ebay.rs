//! The eBay poller: every `poll_seconds`, one incremental poll of the seller's member
//! conversations into ingest (see [`dragoman_channels::ebay::poll`]). Several processes may
//! poll at once: ingest deduplicates on eBay's message id, so the worst case is a wasted fetch.

use crate::api::inbound::store_inbound;
use crate::state::AppState;
use async_trait::async_trait;
use axum::http::StatusCode;
use dragoman_channels::ebay::{Ebay, PollReport, Sink, poll_once};
use dragoman_core::InboundMessage;
use std::sync::Arc;

/// Ingest through the same door as every other channel (metrics, waking the workers).
struct Ingest<'a>(&'a AppState);

#[async_trait]
impl Sink for Ingest<'_> {
    async fn ingest(&self, message: &InboundMessage) -> Result<bool, String> {
        let (status, _) = store_inbound(self.0, message).await.map_err(|e| e.to_string())?;
        Ok(status == StatusCode::CREATED)
    }
}

/// One poll now (the poller's loop, and tests).
pub async fn poll(state: &AppState, ebay: &Ebay) -> Result<PollReport, dragoman_channels::ebay::EbayError> {
    poll_once(ebay, state.store.as_ref(), &Ingest(state), state.now()).await
}

/// Polls until the task is aborted.
pub async fn keep_polling(state: AppState, ebay: Arc<Ebay>) {
    loop {
        match poll(&state, &ebay).await {
            Ok(report) if report.imported > 0 || report.failed > 0 => {
                tracing::info!(imported = report.imported, failed = report.failed, "eBay poll")
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "eBay poll failed; retrying at the next interval"),
        }
        tokio::time::sleep(ebay.poll_every).await;
    }
}

#[cfg(test)]
mod tests {
    use crate::Config;

    /// The `[shopify]` and `[ebay]` tables as the README documents them; secrets from the
    /// environment variables they name, and never printed.
    #[test]
    fn marketplace_tables_load_and_connect() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dragoman.toml");
        std::fs::write(
            &path,
            r#"
[shopify]
shop = "Lumenhaus.myshopify.com"
admin_token_env = "SHOP_TOKEN"

[ebay]
seller_username = "lumenhaus_de"
marketplace = "ebay.de"
client_id = "Lumenhaus-Dragoman-PRD"
poll_seconds = 120
"#,
        )
        .unwrap();
        let config = Config::load(Some(&path), []).unwrap();
        let env = |name: &str| match name {
            "DRAGOMAN_SHOPIFY_WEBHOOK_SECRET" => Some("whsec".to_owned()),
            "SHOP_TOKEN" => Some("shpat".to_owned()),
            "DRAGOMAN_EBAY_CLIENT_SECRET" => Some("PRD-secret".to_owned()),
            "DRAGOMAN_EBAY_REFRESH_TOKEN" => Some("v^1.1#refresh".to_owned()),
            _ => None,
        };
        let shopify = config.shopify.as_ref().unwrap().connect(env).unwrap();
        assert_eq!(shopify.shop, "lumenhaus.myshopify.com");
        assert!(shopify.admin.is_some());
        let ebay = config.ebay.as_ref().unwrap().connect(env).unwrap();
        assert_eq!((ebay.marketplace.as_str(), ebay.poll_every.as_secs()), ("ebay.de", 120));
        let printed = format!("{shopify:?} {ebay:?}");
        for secret in ["whsec", "shpat", "PRD-secret", "v^1.1#refresh"] {
            assert!(!printed.contains(secret), "{printed}");
        }

        let err = config.shopify.as_ref().unwrap().connect(|_| None).unwrap_err().to_string();
        assert!(err.contains("DRAGOMAN_SHOPIFY_WEBHOOK_SECRET"), "{err}");
        std::fs::write(&path, "[ebay]\nseller_username = \"x\"\nclient_id = \"y\"\npoll_secs = 1\n").unwrap();
        let err = Config::load(Some(&path), []).unwrap_err().to_string();
        assert!(err.contains("poll_secs"), "{err}");
    }
}
