//! The Shopify Admin API (REST) calls Dragoman makes: an order by its name (what buyers write,
//! `#LH-10517`) or by its id. Authenticated by the app's access token in
//! `X-Shopify-Access-Token`.

use super::ShopifyError;
use crate::secret::Secret;
use serde_json::Value;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct AdminClient {
    http: reqwest::Client,
    /// `https://{shop}/admin/api/{version}`, without a trailing slash.
    base: String,
    token: Secret,
}

impl AdminClient {
    pub fn new(base: impl Into<String>, token: Secret) -> Self {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .expect("an HTTP client with a timeout builds");
        Self { http, base: base.into().trim_end_matches('/').to_owned(), token }
    }

    /// The order named `name` (any status: open, closed or cancelled), when the shop has one.
    pub async fn order_by_name(&self, name: &str) -> Result<Option<Value>, ShopifyError> {
        let url = format!("{}/orders.json", self.base);
        let query = [("name", name), ("status", "any"), ("limit", "1")];
        let body = self.get(self.http.get(url).query(&query)).await?;
        Ok(body.and_then(|b| b["orders"].as_array().and_then(|orders| orders.first().cloned())))
    }

    pub async fn order(&self, id: i64) -> Result<Option<Value>, ShopifyError> {
        let body = self.get(self.http.get(format!("{}/orders/{id}.json", self.base))).await?;
        Ok(body.map(|mut b| b["order"].take()).filter(|o| !o.is_null()))
    }

    /// `None` on 404.
    async fn get(&self, request: reqwest::RequestBuilder) -> Result<Option<Value>, ShopifyError> {
        let response = request
            .header("X-Shopify-Access-Token", self.token.expose())
            .header("Accept", "application/json")
            .send()
            .await
            .map_err(|e| ShopifyError::Unreachable(e.without_url().to_string()))?;
        let status = response.status();
        if status == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        let text = response.text().await.map_err(|e| ShopifyError::Unreachable(e.without_url().to_string()))?;
        if !status.is_success() {
            let message: String = text.chars().take(300).collect();
            return Err(ShopifyError::Status { status: status.as_u16(), message });
        }
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| ShopifyError::Payload(format!("the Admin API answered with invalid JSON: {e}")))
    }
}
