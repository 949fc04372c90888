//! Shopify's REST Order resource (the body of `orders/*` webhooks and of the Admin API's
//! answers), refunds and privacy requests, mapped to the store's types.

use super::ShopifyError;
use super::webhook::parse_time;
use dragoman_core::{Marketplace, OrderItem, Shipment, Timestamp};
use dragoman_store::NewOrder;
use dragoman_store::marketplace::{PrivacyRequest, PrivacyTopic, ShopCustomer, ShopOrder};
use serde_json::Value;

/// Maps an Order resource. `fallback_time` (the delivery's trigger time) dates a snapshot whose
/// body has no `updated_at`.
pub fn shop_order(shop: &str, order: &Value, fallback_time: Option<Timestamp>) -> Result<ShopOrder, ShopifyError> {
    let shopify_id = order["id"].as_i64().ok_or_else(|| missing("id"))?;
    let name = text(order, "name").ok_or_else(|| missing("name"))?;
    let updated_at = time(order, "updated_at").or(fallback_time).ok_or_else(|| missing("updated_at"))?;
    let shipping = &order["shipping_address"];
    Ok(ShopOrder {
        shop: shop.to_owned(),
        shopify_id,
        updated_at,
        customer: buyer(order),
        order: NewOrder {
            marketplace: Marketplace::parse("shopify").expect("a valid marketplace name"),
            order_number: name,
            customer_id: None,
            status: status(order),
            currency: text(order, "currency"),
            total: text(order, "total_price"),
            items: order["line_items"]
                .as_array()
                .map(|items| items.iter().filter_map(item).collect())
                .unwrap_or_default(),
            shipments: order["fulfillments"]
                .as_array()
                .map(|f| f.iter().filter(|f| f["status"] != "cancelled").flat_map(shipments).collect())
                .unwrap_or_default(),
            shipping_country: text(shipping, "country_code").map(|c| c.to_ascii_uppercase()),
            ordered_at: time(order, "processed_at").or_else(|| time(order, "created_at")),
        },
    })
}

/// The Shopify order id a `refunds/create` body is about.
pub fn refund_order_id(refund: &Value) -> Result<i64, ShopifyError> {
    refund["order_id"].as_i64().ok_or_else(|| missing("order_id"))
}

/// A `customers/data_request`, `customers/redact` or `shop/redact` body.
pub fn privacy_request(topic: PrivacyTopic, body: &Value) -> PrivacyRequest {
    let customer = &body["customer"];
    let ids = |key: &str| body[key].as_array().map(|a| a.iter().filter_map(Value::as_i64).collect::<Vec<_>>());
    PrivacyRequest {
        topic,
        shopify_customer_id: customer["id"].as_i64(),
        email: text(customer, "email"),
        shopify_order_ids: ids("orders_to_redact").or_else(|| ids("orders_requested")).unwrap_or_default(),
    }
}

/// One word for where the order stands, most decisive first: cancelled and refunded orders
/// stay so whatever their fulfilment says; a delivered parcel says more than "shipped".
fn status(order: &Value) -> String {
    if !order["cancelled_at"].is_null() {
        return "cancelled".into();
    }
    let financial = order["financial_status"].as_str().unwrap_or_default();
    if matches!(financial, "refunded" | "partially_refunded" | "voided") {
        return financial.into();
    }
    let fulfilments: Vec<&Value> = order["fulfillments"]
        .as_array()
        .map(|f| f.iter().filter(|f| f["status"] != "cancelled").collect())
        .unwrap_or_default();
    if !fulfilments.is_empty() && fulfilments.iter().all(|f| f["shipment_status"] == "delivered") {
        return "delivered".into();
    }
    match order["fulfillment_status"].as_str() {
        Some("fulfilled") => "shipped".into(),
        Some("partial") => "partially_shipped".into(),
        _ if financial.is_empty() => "pending".into(),
        _ => financial.into(),
    }
}

fn item(line: &Value) -> Option<OrderItem> {
    Some(OrderItem {
        sku: text(line, "sku"),
        title: text(line, "name").or_else(|| text(line, "title"))?,
        quantity: line["quantity"].as_i64().unwrap_or(1),
        unit_price: text(line, "price"),
    })
}

/// A fulfilment with several tracking numbers is several parcels.
fn shipments(fulfilment: &Value) -> Vec<Shipment> {
    let strings = |key: &str| -> Vec<String> {
        fulfilment[key]
            .as_array()
            .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
            .unwrap_or_default()
    };
    let mut numbers = strings("tracking_numbers");
    let mut urls = strings("tracking_urls");
    if numbers.is_empty() {
        numbers.extend(text(fulfilment, "tracking_number"));
        urls = text(fulfilment, "tracking_url").into_iter().collect();
    }
    let parcel = |number: Option<String>, url: Option<String>| Shipment {
        carrier: text(fulfilment, "tracking_company"),
        tracking_number: number,
        tracking_url: url,
        status: text(fulfilment, "shipment_status").or_else(|| text(fulfilment, "status")),
        shipped_at: time(fulfilment, "created_at"),
    };
    if numbers.is_empty() {
        return vec![parcel(None, None)];
    }
    numbers.into_iter().enumerate().map(|(i, n)| parcel(Some(n), urls.get(i).cloned())).collect()
}

fn buyer(order: &Value) -> Option<ShopCustomer> {
    let customer = &order["customer"];
    let shipping = &order["shipping_address"];
    let email = text(order, "email").or_else(|| text(order, "contact_email")).or_else(|| text(customer, "email"));
    let name = match (text(customer, "first_name"), text(customer, "last_name")) {
        (Some(first), Some(last)) => Some(format!("{first} {last}")),
        (first, last) => first.or(last).or_else(|| text(shipping, "name")),
    };
    let buyer = ShopCustomer {
        shopify_id: customer["id"].as_i64(),
        email,
        name,
        country: text(shipping, "country_code").map(|c| c.to_ascii_uppercase()),
    };
    (buyer != ShopCustomer::default()).then_some(buyer)
}

/// A non-empty string field.
fn text(value: &Value, key: &str) -> Option<String> {
    value[key].as_str().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
}

fn time(value: &Value, key: &str) -> Option<Timestamp> {
    value[key].as_str().and_then(parse_time)
}

fn missing(field: &str) -> ShopifyError {
    ShopifyError::Payload(format!("the order has no {field:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn statuses_follow_what_matters_most() {
        let base = json!({"financial_status": "paid", "fulfillment_status": null, "cancelled_at": null});
        assert_eq!(status(&base), "paid");
        let mut shipped = base.clone();
        shipped["fulfillment_status"] = json!("fulfilled");
        shipped["fulfillments"] = json!([{"status": "success", "shipment_status": "in_transit"}]);
        assert_eq!(status(&shipped), "shipped");
        shipped["fulfillments"][0]["shipment_status"] = json!("delivered");
        assert_eq!(status(&shipped), "delivered");
        shipped["financial_status"] = json!("partially_refunded");
        assert_eq!(status(&shipped), "partially_refunded");
        shipped["cancelled_at"] = json!("2024-06-08T10:00:00+02:00");
        assert_eq!(status(&shipped), "cancelled");
    }

    #[test]
    fn several_tracking_numbers_are_several_parcels() {
        let f = json!({"status": "success", "tracking_company": "DHL", "created_at": "2024-06-07T15:42:29+02:00",
            "tracking_numbers": ["A1", "B2"], "tracking_urls": ["https://t/A1"]});
        let parcels = shipments(&f);
        assert_eq!(parcels.len(), 2);
        assert_eq!(parcels[0].tracking_url.as_deref(), Some("https://t/A1"));
        assert_eq!((parcels[1].tracking_number.as_deref(), parcels[1].tracking_url.as_deref()), (Some("B2"), None));
        assert_eq!(shipments(&json!({"status": "success"}))[0].tracking_number, None);
    }

    #[test]
    fn privacy_bodies() {
        let redact = json!({"shop_id": 1, "shop_domain": "s.myshopify.com", "customer": {"id": 7, "email": "a@b.c", "phone": null},
            "orders_to_redact": [11, 12]});
        let r = privacy_request(PrivacyTopic::CustomerRedact, &redact);
        assert_eq!(
            (r.shopify_customer_id, r.email.as_deref(), r.shopify_order_ids),
            (Some(7), Some("a@b.c"), vec![11, 12])
        );
        let shop = privacy_request(PrivacyTopic::ShopRedact, &json!({"shop_id": 1, "shop_domain": "s.myshopify.com"}));
        assert_eq!((shop.shopify_customer_id, shop.shopify_order_ids.len()), (None, 0));
    }
}
