//! User access tokens for the seller, minted from the refresh token
//! (`POST /identity/v1/oauth2/token`, `grant_type=refresh_token`, the client's credentials in
//! HTTP Basic) and kept until shortly before they expire.

use super::EbayError;
use crate::secret::Secret;
use serde::Deserialize;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// A token is renewed this long before eBay says it expires, so a request never leaves with
/// one that runs out on the way.
const EARLY: Duration = Duration::from_secs(60);

#[derive(Debug)]
pub struct TokenSource {
    http: reqwest::Client,
    token_url: String,
    client_id: String,
    client_secret: Secret,
    refresh_token: Secret,
    current: Mutex<Option<(Secret, Instant)>>,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: Secret,
    expires_in: u64,
}

impl TokenSource {
    pub fn new(token_url: String, client_id: String, client_secret: Secret, refresh_token: Secret) -> Self {
        Self {
            http: super::api::http_client(),
            token_url,
            client_id,
            client_secret,
            refresh_token,
            current: Mutex::new(None),
        }
    }

    /// A live access token, minted when there is none or it is about to expire. Concurrent
    /// callers wait for one renewal instead of each minting their own.
    pub async fn token(&self) -> Result<Secret, EbayError> {
        let mut current = self.current.lock().await;
        if let Some((token, until)) = current.as_ref()
            && Instant::now() < *until
        {
            return Ok(token.clone());
        }
        let (token, lifetime) = self.mint().await?;
        *current = Some((token.clone(), Instant::now() + lifetime.saturating_sub(EARLY)));
        Ok(token)
    }

    /// Forgets `rejected` (eBay answered 401 to it), so the next [`Self::token`] mints anew.
    pub async fn reject(&self, rejected: &Secret) {
        let mut current = self.current.lock().await;
        if current.as_ref().is_some_and(|(token, _)| token == rejected) {
            *current = None;
        }
    }

    async fn mint(&self) -> Result<(Secret, Duration), EbayError> {
        let response = self
            .http
            .post(&self.token_url)
            .basic_auth(&self.client_id, Some(self.client_secret.expose()))
            .form(&[("grant_type", "refresh_token"), ("refresh_token", self.refresh_token.expose())])
            .send()
            .await
            .map_err(|e| EbayError::Unreachable(e.without_url().to_string()))?;
        let status = response.status();
        if !status.is_success() {
            // The error body names the problem (`invalid_grant`) and holds no secret.
            let body: serde_json::Value = response.json().await.unwrap_or_default();
            let reason = body["error"].as_str().unwrap_or("no reason given");
            return Err(if status.is_client_error() {
                EbayError::Auth(format!("{status}, {reason}"))
            } else {
                EbayError::Status { status: status.as_u16(), message: reason.to_owned() }
            });
        }
        let body: TokenResponse = response
            .json()
            .await
            .map_err(|e| EbayError::Payload(format!("the token response: {}", e.without_url())))?;
        tracing::debug!(expires_in = body.expires_in, "minted an eBay access token");
        Ok((body.access_token, Duration::from_secs(body.expires_in)))
    }
}
