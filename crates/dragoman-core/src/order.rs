//! Orders as the store knows them, with their items and shipments.

use crate::{CustomerId, Marketplace, OrderId, Timestamp};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderItem {
    pub sku: Option<String>,
    pub title: String,
    pub quantity: i64,
    /// Decimal string in the order's currency, e.g. `"34.95"`.
    pub unit_price: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Shipment {
    pub carrier: Option<String>,
    pub tracking_number: Option<String>,
    pub tracking_url: Option<String>,
    pub status: Option<String>,
    pub shipped_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Order {
    pub id: OrderId,
    pub marketplace: Marketplace,
    /// The marketplace's order number as buyers write it (`302-5518290-6612047`, `#LH-10517`).
    pub order_number: String,
    pub customer_id: Option<CustomerId>,
    /// `pending`, `paid`, `shipped`, `delivered`, `cancelled`, `refunded`, … as the marketplace says.
    pub status: String,
    pub currency: Option<String>,
    /// Decimal string in `currency`.
    pub total: Option<String>,
    pub items: Vec<OrderItem>,
    pub shipments: Vec<Shipment>,
    /// ISO 3166-1 alpha-2.
    pub shipping_country: Option<String>,
    pub ordered_at: Option<Timestamp>,
    pub updated_at: Timestamp,
}
