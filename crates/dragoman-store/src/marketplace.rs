//! Marketplace and shop integrations: what must survive a restart so that a delivery is applied
//! once and a poll neither fetches again nor skips.
//!
//! - Shopify: webhook deliveries seen (by `X-Shopify-Webhook-Id`), the newest order snapshot
//!   applied per Shopify order (so an out-of-order delivery cannot overwrite newer data), and
//!   the privacy requests Shopify sends. [`MarketplaceStore::apply_shop_order`] does the
//!   dedupe, the staleness check and the order upsert in one transaction.
//! - eBay: the poll cursor of each polled source and, per eBay conversation, the newest message
//!   imported.

use crate::{NewOrder, Result};
use async_trait::async_trait;
use dragoman_core::{Order, Timestamp};
use serde::Serialize;

/// One webhook delivery, as its headers name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookDelivery {
    /// `X-Shopify-Webhook-Id`: the same across Shopify's retries of one delivery.
    pub webhook_id: String,
    /// `X-Shopify-Shop-Domain`, e.g. `lumenhaus.myshopify.com`.
    pub shop: String,
    /// `X-Shopify-Topic`, e.g. `orders/updated`.
    pub topic: String,
    /// `X-Shopify-Triggered-At`.
    pub triggered_at: Option<Timestamp>,
}

/// One Shopify order as a webhook body or the Admin API shows it, mapped to the store's order.
#[derive(Debug, Clone)]
pub struct ShopOrder {
    pub shop: String,
    /// Shopify's numeric order id (not the order name buyers see).
    pub shopify_id: i64,
    /// The order's `updated_at` at Shopify: what decides whether this snapshot is newer than the
    /// one applied.
    pub updated_at: Timestamp,
    /// The buyer, to link the order to (or create) the store's customer with this email.
    pub customer: Option<ShopCustomer>,
    /// The order itself; `customer_id` is filled in by the store from `customer`.
    pub order: NewOrder,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ShopCustomer {
    pub shopify_id: Option<i64>,
    pub email: Option<String>,
    pub name: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub country: Option<String>,
}

/// What applying an order snapshot did.
#[derive(Debug, Clone, PartialEq)]
pub enum ShopOrderOutcome {
    /// The order as stored now.
    Applied(Order),
    /// The stored snapshot is newer (by Shopify's `updated_at`); nothing changed. The order as
    /// stored.
    Stale(Order),
    /// This webhook delivery was handled before; nothing changed.
    Duplicate,
}

/// What a webhook delivery that carries no order did, for the log and the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryOutcome {
    Recorded,
    Duplicate,
}

/// A privacy (GDPR) webhook: `customers/data_request`, `customers/redact` or `shop/redact`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrivacyRequest {
    pub topic: PrivacyTopic,
    pub shopify_customer_id: Option<i64>,
    pub email: Option<String>,
    /// The orders the request names (`orders_requested`, `orders_to_redact`).
    pub shopify_order_ids: Vec<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PrivacyTopic {
    /// The shop owner must send the customer what the store holds about them: recorded, open for
    /// an admin.
    #[serde(rename = "customers/data_request")]
    DataRequest,
    /// The customer's personal data must be erased: done at once, recorded as done.
    #[serde(rename = "customers/redact")]
    CustomerRedact,
    /// The shop uninstalled the app 48 hours ago: recorded, open for an admin (erasing a whole
    /// shop's helpdesk is not something to do unattended).
    #[serde(rename = "shop/redact")]
    ShopRedact,
}

impl PrivacyTopic {
    pub fn as_str(self) -> &'static str {
        match self {
            PrivacyTopic::DataRequest => "customers/data_request",
            PrivacyTopic::CustomerRedact => "customers/redact",
            PrivacyTopic::ShopRedact => "shop/redact",
        }
    }

    pub fn parse(topic: &str) -> Option<Self> {
        [PrivacyTopic::DataRequest, PrivacyTopic::CustomerRedact, PrivacyTopic::ShopRedact]
            .into_iter()
            .find(|t| t.as_str() == topic)
    }
}

/// A stored privacy request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PrivacyRecord {
    pub id: i64,
    pub shop: String,
    pub topic: PrivacyTopic,
    pub shopify_customer_id: Option<i64>,
    pub email: Option<String>,
    pub shopify_order_ids: Vec<i64>,
    /// `open` (an admin must act) or `done`.
    pub state: String,
    /// What Dragoman did, or what is left to do.
    pub summary: String,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub received_at: Timestamp,
}

/// Where polling of one eBay conversation got to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EbayConversationMark {
    pub conversation_id: String,
    /// `FROM_MEMBERS` or `FROM_EBAY`: getConversation needs it.
    pub conversation_type: String,
    /// The newest message imported (eBay's message id) and when eBay says it was written.
    pub last_message_id: String,
    pub last_message_at: Timestamp,
}

/// Marketplace and shop integrations: webhook deliveries seen, order snapshots, privacy
/// requests, poll cursors. Implemented for both backends in `sql/marketplace.rs`.
#[async_trait]
pub trait MarketplaceStore: Send + Sync {
    /// In one transaction: records `delivery` (when given; one handled before changes nothing
    /// and yields `Duplicate`), and upserts the order (with items and shipments, linking the
    /// conversations waiting for its number) unless the stored snapshot of this Shopify order
    /// is newer (`Stale`). The customer is found by email among the store's customer
    /// addresses, or created.
    async fn apply_shop_order(
        &self,
        snapshot: &ShopOrder,
        delivery: Option<&WebhookDelivery>,
        now: Timestamp,
    ) -> Result<ShopOrderOutcome>;

    /// Records a delivery whose effect is elsewhere or none (an unknown topic, a refund
    /// answered by fetching the order): `Duplicate` when handled before.
    async fn record_webhook(
        &self,
        delivery: &WebhookDelivery,
        outcome: &str,
        now: Timestamp,
    ) -> Result<DeliveryOutcome>;

    /// Records a privacy request with its delivery, once. `customers/redact` is carried out in
    /// the same transaction: the orders of that Shopify customer (and those named) lose their
    /// customer link and shipping country; the store's customers with that email lose name,
    /// country, notes, tags and addresses; their messages lose sender, text, HTML, subject,
    /// translations, attachments and raw bytes. `None` when the delivery was handled before.
    async fn record_privacy_request(
        &self,
        delivery: &WebhookDelivery,
        request: &PrivacyRequest,
        now: Timestamp,
    ) -> Result<Option<PrivacyRecord>>;

    /// Newest first.
    async fn list_privacy_requests(&self, open_only: bool) -> Result<Vec<PrivacyRecord>>;

    /// The store's order for a Shopify order id, when it has been applied.
    async fn shop_order(&self, shop: &str, shopify_id: i64) -> Result<Option<Order>>;

    /// A polled source's cursor, as the poller last saved it.
    async fn poll_cursor(&self, source: &str) -> Result<Option<String>>;
    async fn set_poll_cursor(&self, source: &str, position: &str, now: Timestamp) -> Result<()>;

    async fn ebay_conversation_mark(
        &self,
        account: &str,
        conversation_id: &str,
    ) -> Result<Option<EbayConversationMark>>;
    async fn set_ebay_conversation_mark(
        &self,
        account: &str,
        mark: &EbayConversationMark,
        now: Timestamp,
    ) -> Result<()>;
}
