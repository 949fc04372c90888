//! eBay's REST Message API (`/commerce/message/v1`): buyers' messages polled incrementally
//! into ingest, replies sent into the same eBay conversation.
//!
//! - [`oauth`]: User access tokens minted from the seller's long-lived refresh token, renewed
//!   when they expire or eBay answers 401. (An application token from the client-credentials
//!   grant cannot read a seller's messages, so it is not used.)
//! - [`api`]: getConversations, getConversation, sendMessage and updateConversation, with
//!   their documented JSON shapes.
//! - [`poll`]: one incremental poll: conversations with news since the saved cursor, their new
//!   messages into ingest (channel eBay, threaded by conversation id, deduplicated by message
//!   id), then the cursor; a restart neither fetches again nor skips.
//! - [`sender`]: the [`crate::outbound::ChannelSender`] for eBay.

pub mod api;
pub mod oauth;
pub mod poll;
pub mod sender;

use crate::secret::Secret;
use dragoman_core::Marketplace;
use dragoman_store::StoreError;
use serde::Deserialize;
use std::sync::Arc;

pub use api::MessageApi;
pub use poll::{PollReport, Sink, poll_once};
pub use sender::EbaySender;

/// The `[ebay]` table of the configuration. Secrets come from environment variables (named
/// here) unless written in the file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EbayConfig {
    /// The seller's eBay user name: messages from it are the seller's own, not a buyer's.
    pub seller_username: String,
    /// The storefront, e.g. `ebay.de`: the language prior of its buyers' messages.
    #[serde(default = "default_marketplace")]
    pub marketplace: String,
    /// The application's OAuth client id (App ID).
    pub client_id: String,
    #[serde(default)]
    pub client_secret: Option<Secret>,
    #[serde(default = "default_client_secret_env")]
    pub client_secret_env: String,
    /// The seller's refresh token (from the authorization code grant, valid for 18 months).
    #[serde(default)]
    pub refresh_token: Option<Secret>,
    #[serde(default = "default_refresh_token_env")]
    pub refresh_token_env: String,
    /// `https://api.ebay.com` (or the sandbox); the Message API and the token endpoint hang off it.
    #[serde(default = "default_api_url")]
    pub api_url: String,
    #[serde(default = "default_poll_seconds")]
    pub poll_seconds: u64,
    /// How far back the very first poll looks.
    #[serde(default = "default_backfill_days")]
    pub backfill_days: i64,
}

fn default_marketplace() -> String {
    "ebay.com".into()
}
fn default_client_secret_env() -> String {
    "DRAGOMAN_EBAY_CLIENT_SECRET".into()
}
fn default_refresh_token_env() -> String {
    "DRAGOMAN_EBAY_REFRESH_TOKEN".into()
}
fn default_api_url() -> String {
    "https://api.ebay.com".into()
}
fn default_poll_seconds() -> u64 {
    60
}
fn default_backfill_days() -> i64 {
    30
}

impl EbayConfig {
    /// A configuration with every default.
    pub fn new(seller_username: impl Into<String>, client_id: impl Into<String>) -> Self {
        Self {
            seller_username: seller_username.into(),
            marketplace: default_marketplace(),
            client_id: client_id.into(),
            client_secret: None,
            client_secret_env: default_client_secret_env(),
            refresh_token: None,
            refresh_token_env: default_refresh_token_env(),
            api_url: default_api_url(),
            poll_seconds: default_poll_seconds(),
            backfill_days: default_backfill_days(),
        }
    }

    /// The connected account, with its secrets resolved from the file or `env`.
    pub fn connect(&self, env: impl Fn(&str) -> Option<String>) -> Result<Ebay, EbayError> {
        let missing = |what: &str, var: &str| {
            EbayError::Config(format!("[ebay] needs the {what}: set {var} (or write it in the file)"))
        };
        let client_secret = Secret::resolve(self.client_secret.as_ref(), &self.client_secret_env, &env)
            .ok_or_else(|| missing("OAuth client secret", &self.client_secret_env))?;
        let refresh_token = Secret::resolve(self.refresh_token.as_ref(), &self.refresh_token_env, &env)
            .ok_or_else(|| missing("seller's refresh token", &self.refresh_token_env))?;
        let marketplace =
            Marketplace::parse(&self.marketplace).map_err(|e| EbayError::Config(format!("[ebay] {e}")))?;
        if self.seller_username.trim().is_empty() || self.client_id.trim().is_empty() {
            return Err(EbayError::Config("[ebay] needs seller_username and client_id".into()));
        }
        let base = self.api_url.trim_end_matches('/').to_owned();
        let tokens = oauth::TokenSource::new(
            format!("{base}/identity/v1/oauth2/token"),
            self.client_id.trim().to_owned(),
            client_secret,
            refresh_token,
        );
        Ok(Ebay {
            account: self.seller_username.trim().to_owned(),
            marketplace,
            api: Arc::new(MessageApi::new(format!("{base}/commerce/message/v1"), tokens)),
            poll_every: std::time::Duration::from_secs(self.poll_seconds.max(1)),
            backfill_ms: self.backfill_days.max(0) * 86_400_000,
        })
    }
}

/// A connected eBay seller account.
#[derive(Debug, Clone)]
pub struct Ebay {
    /// The seller's user name.
    pub account: String,
    pub marketplace: Marketplace,
    pub api: Arc<MessageApi>,
    pub poll_every: std::time::Duration,
    pub backfill_ms: i64,
}

impl Ebay {
    pub fn sender(&self) -> EbaySender {
        EbaySender::new(self.api.clone(), self.account.clone())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum EbayError {
    #[error("{0}")]
    Config(String),
    #[error("eBay could not be reached: {0}")]
    Unreachable(String),
    #[error("eBay refused the OAuth credentials ({0}); renew the seller's refresh token")]
    Auth(String),
    #[error("eBay answered {status}: {message}")]
    Status { status: u16, message: String },
    #[error("eBay's answer is not usable: {0}")]
    Payload(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}
