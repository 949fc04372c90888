//! What a Shopify webhook request says about itself, and whether Shopify really sent it.

use super::ShopifyError;
use base64::Engine;
use dragoman_core::Timestamp;
use dragoman_store::marketplace::{PrivacyTopic, WebhookDelivery};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// `X-Shopify-Hmac-Sha256` is `base64(HMAC-SHA256(secret, raw body))`. Compared in constant
/// time (`verify_slice`), so the answer's timing says nothing about how close a forgery came.
pub fn verify_signature(secret: &[u8], body: &[u8], header: &str) -> bool {
    let Ok(expected) = base64::engine::general_purpose::STANDARD.decode(header.trim()) else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(body);
    mac.verify_slice(&expected).is_ok()
}

/// The topics Dragoman acts on; anything else is recorded and ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    /// `orders/create`, `orders/updated`, `orders/fulfilled`, `orders/cancelled` (and any other
    /// `orders/*` topic): the body is the whole order.
    Order,
    /// `refunds/create`: the body is the refund; the order is fetched again.
    Refund,
    Privacy(PrivacyTopic),
    Other,
}

impl Topic {
    pub fn parse(topic: &str) -> Self {
        match topic {
            "orders/create"
            | "orders/updated"
            | "orders/fulfilled"
            | "orders/partially_fulfilled"
            | "orders/cancelled"
            | "orders/paid"
            | "orders/edited" => Topic::Order,
            "refunds/create" => Topic::Refund,
            other => PrivacyTopic::parse(other).map(Topic::Privacy).unwrap_or(Topic::Other),
        }
    }
}

/// The headers of one delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub topic: String,
    /// Lower-cased.
    pub shop: String,
    pub webhook_id: String,
    pub triggered_at: Option<Timestamp>,
}

impl Delivery {
    /// Reads the delivery headers through `header` (a case-insensitive lookup).
    pub fn from_headers<'a>(header: impl Fn(&str) -> Option<&'a str>) -> Result<Self, ShopifyError> {
        let required = |name: &str| {
            header(name)
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
                .ok_or_else(|| ShopifyError::Payload(format!("the {name} header is missing")))
        };
        Ok(Delivery {
            topic: required("X-Shopify-Topic")?,
            shop: required("X-Shopify-Shop-Domain")?.to_ascii_lowercase(),
            webhook_id: required("X-Shopify-Webhook-Id")?,
            triggered_at: header("X-Shopify-Triggered-At").and_then(parse_time),
        })
    }

    pub fn to_store(&self) -> WebhookDelivery {
        WebhookDelivery {
            webhook_id: self.webhook_id.clone(),
            shop: self.shop.clone(),
            topic: self.topic.clone(),
            triggered_at: self.triggered_at,
        }
    }
}

/// An RFC 3339 time as Shopify writes it (`2024-06-07T15:42:31+02:00`, nanoseconds allowed).
pub(crate) fn parse_time(s: &str) -> Option<Timestamp> {
    chrono::DateTime::parse_from_rfc3339(s.trim()).ok().map(|t| Timestamp::from_datetime(t.to_utc()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_is_over_the_exact_bytes() {
        let body = br#"{"id":1}"#;
        let mut mac = Hmac::<Sha256>::new_from_slice(b"s3cret").unwrap();
        mac.update(body);
        let header = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
        assert!(verify_signature(b"s3cret", body, &header));
        assert!(!verify_signature(b"s3cret", br#"{"id":2}"#, &header));
        assert!(!verify_signature(b"other", body, &header));
        assert!(!verify_signature(b"s3cret", body, "not base64!"));
        assert!(!verify_signature(b"s3cret", body, ""));
    }

    #[test]
    fn topics_and_headers() {
        assert_eq!(Topic::parse("orders/fulfilled"), Topic::Order);
        assert_eq!(Topic::parse("customers/redact"), Topic::Privacy(PrivacyTopic::CustomerRedact));
        assert_eq!(Topic::parse("products/update"), Topic::Other);
        let headers = [
            ("x-shopify-topic", "orders/create"),
            ("x-shopify-shop-domain", "Lumenhaus.myshopify.com"),
            ("x-shopify-webhook-id", "b7e3"),
            ("x-shopify-triggered-at", "2024-06-06T19:14:11.482930917Z"),
        ];
        let lookup = |name: &str| headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| *v);
        let d = Delivery::from_headers(lookup).unwrap();
        assert_eq!(d.shop, "lumenhaus.myshopify.com");
        assert_eq!(d.triggered_at, parse_time("2024-06-06T19:14:11.482Z"));
        let err = Delivery::from_headers(|_| None).unwrap_err();
        assert!(err.to_string().contains("X-Shopify-Topic"), "{err}");
    }
}
