//! What a reply template can say: the buyer, the agent, the store, and the facts of the
//! linked order, flattened from [`dragoman_core::Order`] into the words a reply uses.

use dragoman_core::Order;
use serde::{Deserialize, Serialize};

/// Where an order is in its life, as far as a reply cares: it decides which variant of a
/// template fits ("it has not shipped yet, so we can still change it" vs "it has shipped").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderState {
    /// No order is linked to the conversation.
    #[default]
    Unknown,
    /// Placed, paid or being prepared.
    NotShipped,
    /// Handed to the carrier, in transit.
    Shipped,
    Delivered,
    Cancelled,
    Refunded,
}

impl OrderState {
    /// Reads the marketplace's status word, falling back on the shipments: marketplaces
    /// disagree on the words (`fulfilled`, `Shipped`, `in_transit`, `unfulfilled`, …).
    pub fn of(order: &Order) -> Self {
        let status = order.status.to_ascii_lowercase();
        let has = |words: &[&str]| words.iter().any(|w| status.contains(w));
        if has(&["cancel"]) {
            return OrderState::Cancelled;
        }
        if has(&["refund"]) {
            return OrderState::Refunded;
        }
        let shipment_says = |word: &str| {
            order.shipments.iter().any(|s| s.status.as_deref().is_some_and(|st| st.to_ascii_lowercase().contains(word)))
        };
        if has(&["delivered"]) || shipment_says("delivered") {
            return OrderState::Delivered;
        }
        if has(&["unfulfilled", "unshipped", "not_shipped", "not shipped"]) && order.shipments.is_empty() {
            return OrderState::NotShipped;
        }
        let shipped_word = has(&["shipped", "fulfilled", "transit", "out_for_delivery", "dispatched", "sent"]);
        let shipment_left = order
            .shipments
            .iter()
            .any(|s| s.shipped_at.is_some() || s.tracking_number.is_some() || s.carrier.is_some());
        if shipped_word || shipment_left { OrderState::Shipped } else { OrderState::NotShipped }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            OrderState::Unknown => "unknown",
            OrderState::NotShipped => "not_shipped",
            OrderState::Shipped => "shipped",
            OrderState::Delivered => "delivered",
            OrderState::Cancelled => "cancelled",
            OrderState::Refunded => "refunded",
        }
    }
}

/// Everything a template may use. Missing facts are absent from the template context (not
/// empty strings), so a template that prints one fails instead of saying "tracking: ".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReplyContext {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub buyer_name: Option<String>,
    pub agent_name: String,
    pub store_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order: Option<OrderFacts>,
}

impl ReplyContext {
    pub fn new(agent_name: impl Into<String>, store_name: impl Into<String>) -> Self {
        Self { buyer_name: None, agent_name: agent_name.into(), store_name: store_name.into(), order: None }
    }

    pub fn with_buyer(mut self, name: impl Into<String>) -> Self {
        self.buyer_name = Some(name.into());
        self
    }

    pub fn with_order(mut self, order: OrderFacts) -> Self {
        self.order = Some(order);
        self
    }

    pub fn order_state(&self) -> OrderState {
        self.order.as_ref().map_or(OrderState::Unknown, |o| o.state)
    }

    /// A context with every variable filled, for previews and for checking templates.
    pub fn sample() -> Self {
        ReplyContext {
            buyer_name: Some("Alex".into()),
            agent_name: "Sam".into(),
            store_name: "Lumenhaus".into(),
            order: Some(OrderFacts {
                order_id: "302-5518290-6612047".into(),
                items: vec![
                    ItemFacts { title: "Desk lamp Aurora, brass".into(), sku: Some("LH-AUR-BR".into()), qty: 1 },
                    ItemFacts { title: "LED bulb E27 2700K".into(), sku: Some("LH-E27-27".into()), qty: 2 },
                ],
                item_summary: "Desk lamp Aurora, brass, LED bulb E27 2700K ×2".into(),
                status: "shipped".into(),
                state: OrderState::Shipped,
                carrier: Some("DHL".into()),
                tracking_number: Some("00340434161234567890".into()),
                tracking_url: Some("https://www.dhl.de/en/privatkunden.html?piececode=00340434161234567890".into()),
                expected_delivery: Some("2025-03-14".into()),
                return_window_days: Some(30),
                refund_amount: Some("49.99 EUR".into()),
                total: Some("49.99 EUR".into()),
            }),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemFacts {
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
    pub qty: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderFacts {
    /// The order number as the buyer knows it (`302-5518290-6612047`, `#LH-10517`).
    pub order_id: String,
    pub items: Vec<ItemFacts>,
    /// "Desk lamp Aurora, LED bulb ×2": the items in one line, for templates that do not loop.
    pub item_summary: String,
    /// The marketplace's own status word.
    pub status: String,
    pub state: OrderState,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub carrier: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tracking_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tracking_url: Option<String>,
    /// A date as the store wants it shown (`2025-03-14`, `14.03.2025`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_delivery: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_window_days: Option<u32>,
    /// With its currency, as it should be written (`49,99 €`, `USD 34.95`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refund_amount: Option<String>,
    /// The order total with its currency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<String>,
}

impl OrderFacts {
    /// The facts the order itself holds; tracking comes from the latest shipment that has
    /// some. A refunded order's refund amount defaults to its total. The store's return
    /// window is passed in because it is a store policy, not an order field.
    pub fn from_order(order: &Order, return_window_days: Option<u32>) -> Self {
        let state = OrderState::of(order);
        let shipment = order
            .shipments
            .iter()
            .rev()
            .find(|s| s.tracking_number.is_some())
            .or_else(|| order.shipments.iter().rev().find(|s| s.carrier.is_some()));
        let nonempty = |s: &Option<String>| s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
        let total = nonempty(&order.total).map(|amount| match nonempty(&order.currency) {
            Some(currency) => format!("{amount} {currency}"),
            None => amount,
        });
        let items: Vec<ItemFacts> = order
            .items
            .iter()
            .map(|i| ItemFacts { title: i.title.clone(), sku: nonempty(&i.sku), qty: i.quantity })
            .collect();
        let item_summary = items
            .iter()
            .map(|i| if i.qty > 1 { format!("{} ×{}", i.title, i.qty) } else { i.title.clone() })
            .collect::<Vec<_>>()
            .join(", ");
        OrderFacts {
            order_id: order.order_number.clone(),
            items,
            item_summary,
            status: order.status.clone(),
            state,
            carrier: shipment.and_then(|s| nonempty(&s.carrier)),
            tracking_number: shipment.and_then(|s| nonempty(&s.tracking_number)),
            tracking_url: shipment.and_then(|s| nonempty(&s.tracking_url)),
            expected_delivery: None,
            return_window_days,
            refund_amount: if state == OrderState::Refunded { total.clone() } else { None },
            total,
        }
    }

    pub fn with_expected_delivery(mut self, date: impl Into<String>) -> Self {
        self.expected_delivery = Some(date.into());
        self
    }

    pub fn with_refund_amount(mut self, amount: impl Into<String>) -> Self {
        self.refund_amount = Some(amount.into());
        self
    }
}
