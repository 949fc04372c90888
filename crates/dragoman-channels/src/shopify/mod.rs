//! Shopify: signed webhooks (orders, refunds, the mandatory privacy topics) and the Admin API
//! for orders Dragoman has not been told about yet.
//!
//! - [`webhook`]: the delivery a request carries (topic, shop, webhook id, trigger time) and its
//!   `X-Shopify-Hmac-Sha256` check, in constant time over the raw body.
//! - [`order`]: a REST Admin API Order resource (the body of every `orders/*` webhook and of
//!   the Admin API's answers) mapped to the store's order, items and shipments.
//! - [`admin`]: the few Admin API calls Dragoman makes (an order by name or by id).

pub mod admin;
pub mod order;
pub mod webhook;

use crate::secret::Secret;
use serde::Deserialize;

pub use admin::AdminClient;
pub use order::{privacy_request, refund_order_id, shop_order};
pub use webhook::{Delivery, Topic, verify_signature};

/// The `[shopify]` table of the configuration. Secrets come from environment variables (named
/// here) unless written in the file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShopifyConfig {
    /// The shop's `*.myshopify.com` domain; deliveries from any other shop are refused.
    pub shop: String,
    /// The app's webhook signing secret, when not taken from `webhook_secret_env`.
    #[serde(default)]
    pub webhook_secret: Option<Secret>,
    #[serde(default = "default_webhook_secret_env")]
    pub webhook_secret_env: String,
    /// The Admin API access token, when not taken from `admin_token_env`; without one, orders
    /// arrive by webhook only.
    #[serde(default)]
    pub admin_token: Option<Secret>,
    #[serde(default = "default_admin_token_env")]
    pub admin_token_env: String,
    #[serde(default = "default_api_version")]
    pub api_version: String,
    /// The Admin API's base URL; by default `https://{shop}/admin/api/{api_version}`.
    #[serde(default)]
    pub admin_url: Option<String>,
    /// Largest webhook body accepted (413 above).
    #[serde(default = "default_max_webhook_bytes")]
    pub max_webhook_bytes: usize,
}

fn default_webhook_secret_env() -> String {
    "DRAGOMAN_SHOPIFY_WEBHOOK_SECRET".into()
}

fn default_admin_token_env() -> String {
    "DRAGOMAN_SHOPIFY_ADMIN_TOKEN".into()
}

fn default_api_version() -> String {
    "2024-04".into()
}

fn default_max_webhook_bytes() -> usize {
    5 * 1024 * 1024
}

impl ShopifyConfig {
    /// A configuration for `shop` with every default.
    pub fn new(shop: impl Into<String>) -> Self {
        Self {
            shop: shop.into(),
            webhook_secret: None,
            webhook_secret_env: default_webhook_secret_env(),
            admin_token: None,
            admin_token_env: default_admin_token_env(),
            api_version: default_api_version(),
            admin_url: None,
            max_webhook_bytes: default_max_webhook_bytes(),
        }
    }

    /// The connected integration, with its secrets resolved from the file or `env`.
    pub fn connect(&self, env: impl Fn(&str) -> Option<String>) -> Result<Shopify, ShopifyError> {
        let shop = self.shop.trim().to_ascii_lowercase();
        if shop.is_empty() || shop.contains('/') {
            return Err(ShopifyError::Config(format!(
                "[shopify] shop = {:?} should be the shop's domain, e.g. \"lumenhaus.myshopify.com\"",
                self.shop
            )));
        }
        let webhook_secret =
            Secret::resolve(self.webhook_secret.as_ref(), &self.webhook_secret_env, &env).ok_or_else(|| {
                ShopifyError::Config(format!(
                    "[shopify] needs the webhook signing secret: set {} (or webhook_secret in the file)",
                    self.webhook_secret_env
                ))
            })?;
        let admin = Secret::resolve(self.admin_token.as_ref(), &self.admin_token_env, &env).map(|token| {
            let base =
                self.admin_url.clone().unwrap_or_else(|| format!("https://{shop}/admin/api/{}", self.api_version));
            AdminClient::new(base, token)
        });
        Ok(Shopify { shop, webhook_secret, admin, max_webhook_bytes: self.max_webhook_bytes })
    }
}

/// A connected shop.
#[derive(Debug, Clone)]
pub struct Shopify {
    /// Lower-cased domain.
    pub shop: String,
    pub webhook_secret: Secret,
    /// `None` when no Admin API token is configured.
    pub admin: Option<AdminClient>,
    pub max_webhook_bytes: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum ShopifyError {
    #[error("{0}")]
    Config(String),
    #[error("the Shopify payload is not usable: {0}")]
    Payload(String),
    #[error("the Shopify Admin API could not be reached: {0}")]
    Unreachable(String),
    #[error("the Shopify Admin API answered {status}: {message}")]
    Status { status: u16, message: String },
}
