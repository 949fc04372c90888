//! Shopify webhooks with the shared fixture deliveries (their real headers and signatures),
//! forged, repeated and stale deliveries, privacy topics, and an order fetched from a local
//! server speaking the Admin API.

use crate::helpers::{TestApp, error_code, spawn_app_built, status_json};
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::routing::get;
use base64::Engine;
use dragoman_channels::secret::Secret;
use dragoman_channels::shopify::ShopifyConfig;
use dragoman_server::Settings;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

const SECRET: &str = "dev-shopify-secret";
const SHOP: &str = "lumenhaus.myshopify.com";
const ADMIN_TOKEN: &str = "shpat_test_token";

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/webhooks")
}

/// A fixture delivery: the exact body bytes and its headers as Shopify sent them.
fn fixture(name: &str) -> (Vec<u8>, Vec<(String, String)>) {
    let body = std::fs::read(fixtures().join(format!("{name}.json"))).expect("the shared webhook fixtures");
    let headers = std::fs::read_to_string(fixtures().join(format!("{name}.headers")))
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        // The client computes the length of what it sends.
        .filter(|(n, _)| !n.eq_ignore_ascii_case("content-length"))
        .collect();
    (body, headers)
}

fn sign(body: &[u8]) -> String {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(body);
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Headers of a delivery this test makes up, signed with the shop's secret.
fn delivery(topic: &str, webhook_id: &str, body: &[u8]) -> Vec<(String, String)> {
    [
        ("Content-Type", "application/json".to_owned()),
        ("X-Shopify-Topic", topic.to_owned()),
        ("X-Shopify-Hmac-Sha256", sign(body)),
        ("X-Shopify-Shop-Domain", SHOP.to_owned()),
        ("X-Shopify-Webhook-Id", webhook_id.to_owned()),
        ("X-Shopify-Triggered-At", "2024-06-08T09:00:00.000Z".to_owned()),
    ]
    .into_iter()
    .map(|(n, v)| (n.to_owned(), v))
    .collect()
}

fn with_header(mut headers: Vec<(String, String)>, name: &str, value: &str) -> Vec<(String, String)> {
    headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    headers.push((name.to_owned(), value.to_owned()));
    headers
}

async fn post(app: &TestApp, body: &[u8], headers: &[(String, String)]) -> (u16, Value) {
    let mut request = app.client.post(app.url("/api/v1/shopify/webhooks")).body(body.to_vec());
    for (name, value) in headers {
        request = request.header(name, value);
    }
    status_json(request.send().await.unwrap()).await
}

async fn shopify_app(admin_url: Option<String>) -> TestApp {
    let mut config = ShopifyConfig::new(SHOP);
    config.webhook_secret = Some(Secret::new(SECRET));
    config.admin_token = admin_url.as_ref().map(|_| Secret::new(ADMIN_TOKEN));
    config.admin_url = admin_url;
    config.max_webhook_bytes = 64 * 1024;
    spawn_app_built(Settings::default(), |state| state.with_marketplaces(Some(&config), None, |_| None).unwrap()).await
}

#[tokio::test]
async fn fixture_deliveries_verify_import_and_apply_once() {
    let app = shopify_app(None).await;
    let (created_body, created_headers) = fixture("orders_create");
    let (status, created) = post(&app, &created_body, &created_headers).await;
    assert_eq!((status, created["outcome"].as_str()), (200, Some("applied")), "{created}");
    let order_id = created["order_id"].as_i64().unwrap();
    let (_, order) = app.get(&format!("/api/v1/orders/{order_id}")).await;
    assert_eq!(order["order_number"], "#LH-10517");
    assert_eq!((order["marketplace"].as_str(), order["total"].as_str()), (Some("shopify"), Some("174.80")));
    assert_eq!(order["shipping_country"], "DE");
    assert!(order["shipments"].as_array().unwrap().is_empty());

    let (fulfilled_body, fulfilled_headers) = fixture("orders_fulfilled");
    let (status, fulfilled) = post(&app, &fulfilled_body, &fulfilled_headers).await;
    assert_eq!((status, fulfilled["outcome"].as_str()), (200, Some("applied")), "{fulfilled}");
    assert_eq!(fulfilled["order_id"].as_i64(), Some(order_id), "the same order, updated");
    let (_, order) = app.get(&format!("/api/v1/orders/{order_id}")).await;
    assert_eq!(order["status"], "shipped");
    let shipment = &order["shipments"][0];
    assert_eq!(
        (shipment["carrier"].as_str(), shipment["tracking_number"].as_str()),
        (Some("DHL Express"), Some("4917382654"))
    );
    assert!(shipment["tracking_url"].as_str().unwrap().contains("AWB=4917382654"));
    let items: Vec<_> =
        order["items"].as_array().unwrap().iter().map(|i| (i["sku"].clone(), i["quantity"].clone())).collect();
    assert_eq!(items, [(json!("LH-ARC-165-BR"), json!(1)), (json!("LH-E27-27K-3"), json!(2))]);

    // Shopify retries with the same webhook id: no second effect (the older create does not
    // undo the fulfilment).
    let (status, again) = post(&app, &created_body, &created_headers).await;
    assert_eq!((status, again["outcome"].as_str()), (200, Some("duplicate")), "{again}");
    let (_, order) = app.get(&format!("/api/v1/orders/{order_id}")).await;
    assert_eq!(order["status"], "shipped");

    // An update from before the fulfilment, delivered late under a new id: recognised as stale.
    let (status, stale) = post(&app, &created_body, &delivery("orders/updated", "late-1", &created_body)).await;
    assert_eq!((status, stale["outcome"].as_str()), (200, Some("stale")), "{stale}");
    let (_, order) = app.get(&format!("/api/v1/orders/{order_id}")).await;
    assert_eq!((order["status"].as_str(), order["shipments"].as_array().unwrap().len()), (Some("shipped"), 1));

    // A cancellation after it applies.
    let mut cancelled: Value = serde_json::from_slice(&fulfilled_body).unwrap();
    cancelled["cancelled_at"] = json!("2024-06-08T10:00:00+02:00");
    cancelled["updated_at"] = json!("2024-06-08T10:00:01+02:00");
    let body = serde_json::to_vec(&cancelled).unwrap();
    let (_, outcome) = post(&app, &body, &delivery("orders/cancelled", "cancel-1", &body)).await;
    assert_eq!(outcome["outcome"], "applied", "{outcome}");
    let (_, order) = app.get(&format!("/api/v1/orders/{order_id}")).await;
    assert_eq!(order["status"], "cancelled");
}

#[tokio::test]
async fn forged_and_broken_deliveries_are_refused_clearly() {
    let app = shopify_app(None).await;
    let (body, headers) = fixture("orders_create");

    let mut tampered = body.clone();
    let at = tampered.iter().position(|b| *b == b'7').unwrap();
    tampered[at] = b'8';
    let (status, answer) = post(&app, &tampered, &headers).await;
    assert_eq!((status, error_code(&answer)), (401, "unauthorized"), "{answer}");
    let unsigned: Vec<_> = headers.iter().filter(|(n, _)| n != "X-Shopify-Hmac-Sha256").cloned().collect();
    assert_eq!(post(&app, &body, &unsigned).await.0, 401);
    assert_eq!(post(&app, &body, &with_header(headers.clone(), "X-Shopify-Hmac-Sha256", "AAAA")).await.0, 401);
    // A valid signature for another shop's domain is still not ours.
    let (status, answer) =
        post(&app, &body, &with_header(headers.clone(), "X-Shopify-Shop-Domain", "evil.myshopify.com")).await;
    assert_eq!(status, 401, "{answer}");
    // The secret is never echoed.
    assert!(!answer.to_string().contains(SECRET));
    let (_, orders) = app.get("/api/v1/orders").await;
    assert_eq!(orders["items"].as_array().map(Vec::len), Some(0), "nothing was imported: {orders}");

    let not_json = b"{\"id\": 1,";
    let (status, answer) = post(&app, not_json, &delivery("orders/create", "bad-1", not_json)).await;
    assert_eq!((status, error_code(&answer)), (400, "invalid_json"), "{answer}");
    let nameless = br#"{"id": 1}"#;
    let (status, answer) = post(&app, nameless, &delivery("orders/create", "bad-2", nameless)).await;
    assert_eq!((status, error_code(&answer)), (422, "unprocessable"), "{answer}");
    let no_id: Vec<_> =
        delivery("orders/create", "x", &body).into_iter().filter(|(n, _)| n != "X-Shopify-Webhook-Id").collect();
    assert_eq!(post(&app, &body, &no_id).await.0, 400);
    let big = vec![b' '; 65 * 1024];
    assert_eq!(post(&app, &big, &delivery("orders/create", "big-1", &big)).await.0, 413);

    // A topic Dragoman does not use: acknowledged (so Shopify stops retrying), recorded once.
    let product = br#"{"id": 42, "title": "Lamp"}"#;
    let (status, answer) = post(&app, product, &delivery("products/update", "p-1", product)).await;
    assert_eq!((status, answer["outcome"].as_str()), (200, Some("ignored")), "{answer}");
    let (_, answer) = post(&app, product, &delivery("products/update", "p-1", product)).await;
    assert_eq!(answer["outcome"], "duplicate");
}

#[tokio::test]
async fn privacy_topics_are_recorded_and_redaction_erases() {
    let app = shopify_app(None).await;
    let (body, headers) = fixture("orders_create");
    assert_eq!(post(&app, &body, &headers).await.0, 200);
    let inbound = json!({"channel": "email", "external_id": "<q@posteo.de>", "sender": "jonas.mueller@posteo.de",
        "sender_name": "Jonas Müller", "subject": "#LH-10517", "text": "Bitte in die Packstation 112, Schönhauser Allee."});
    let (status, stored) = app.post_json("/api/v1/inbound", &inbound).await;
    assert_eq!(status, 201, "{stored}");

    let request = json!({"shop_id": 68311220481_i64, "shop_domain": SHOP, "orders_requested": [5873194025217_i64],
        "customer": {"id": 7401923856641_i64, "email": "jonas.mueller@posteo.de", "phone": "+49 151 23847719"},
        "data_request": {"id": 9999}});
    let body = serde_json::to_vec(&request).unwrap();
    let (status, answer) = post(&app, &body, &delivery("customers/data_request", "gdpr-1", &body)).await;
    assert_eq!((status, answer["outcome"].as_str()), (200, Some("recorded")), "{answer}");

    let redact = json!({"shop_id": 68311220481_i64, "shop_domain": SHOP, "orders_to_redact": [5873194025217_i64],
        "customer": {"id": 7401923856641_i64, "email": "jonas.mueller@posteo.de", "phone": "+49 151 23847719"}});
    let body = serde_json::to_vec(&redact).unwrap();
    assert_eq!(post(&app, &body, &delivery("customers/redact", "gdpr-2", &body)).await.1["outcome"], "recorded");
    assert_eq!(post(&app, &body, &delivery("customers/redact", "gdpr-2", &body)).await.1["outcome"], "duplicate");
    let shop = json!({"shop_id": 68311220481_i64, "shop_domain": SHOP});
    let body = serde_json::to_vec(&shop).unwrap();
    assert_eq!(post(&app, &body, &delivery("shop/redact", "gdpr-3", &body)).await.0, 200);

    let conversation = stored["conversation_id"].as_i64().unwrap();
    let (_, detail) = app.get(&format!("/api/v1/conversations/{conversation}")).await;
    let text = detail.to_string();
    assert!(!text.contains("Schönhauser") && !text.contains("jonas.mueller"), "{text}");

    let (status, requests) = app.get("/api/v1/shopify/privacy-requests").await;
    assert_eq!(status, 200, "{requests}");
    let topics: Vec<_> =
        requests.as_array().unwrap().iter().map(|r| (r["topic"].clone(), r["state"].clone())).collect();
    assert_eq!(
        topics,
        [
            (json!("shop/redact"), json!("open")),
            (json!("customers/redact"), json!("done")),
            (json!("customers/data_request"), json!("open"))
        ]
    );
    let (_, open) = app.get("/api/v1/shopify/privacy-requests?open=true").await;
    assert_eq!(open.as_array().unwrap().len(), 2);

    let (status, channels) = app.get("/api/v1/channels").await;
    assert_eq!(status, 200);
    assert_eq!(channels[0]["channel"], "shopify");
    assert_eq!(channels[0]["settings"]["webhook_secret"], "***");
    assert!(!channels.to_string().contains(SECRET), "{channels}");
}

/// A local Admin API: `GET /orders.json?name=…&status=any` from the fixture order, counting
/// calls and checking the access token.
async fn admin_api() -> (String, Arc<AtomicUsize>) {
    let (body, _) = fixture("orders_fulfilled");
    let order: Value = serde_json::from_slice(&body).unwrap();
    let calls = Arc::new(AtomicUsize::new(0));
    async fn orders(
        State((order, calls)): State<(Value, Arc<AtomicUsize>)>,
        headers: HeaderMap,
        Query(query): Query<HashMap<String, String>>,
    ) -> (axum::http::StatusCode, axum::Json<Value>) {
        calls.fetch_add(1, Ordering::SeqCst);
        if headers.get("x-shopify-access-token").and_then(|v| v.to_str().ok()) != Some(ADMIN_TOKEN) {
            return (axum::http::StatusCode::UNAUTHORIZED, axum::Json(json!({"errors": "[API] Invalid API key"})));
        }
        let found = query.get("name") == order["name"].as_str().map(str::to_owned).as_ref()
            && query.get("status").map(String::as_str) == Some("any");
        let orders = if found { vec![order.clone()] } else { Vec::new() };
        (axum::http::StatusCode::OK, axum::Json(json!({ "orders": orders })))
    }
    let router =
        axum::Router::new().route("/admin/api/2024-04/orders.json", get(orders)).with_state((order, calls.clone()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/admin/api/2024-04", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (url, calls)
}

#[tokio::test]
async fn an_order_a_buyer_names_first_is_fetched_from_the_admin_api() {
    let (admin_url, calls) = admin_api().await;
    let app = shopify_app(Some(admin_url)).await;
    let message = json!({"channel": "shopify", "external_id": "contact-1", "sender": "jonas.mueller@posteo.de",
        "text": "Hallo, wo bleibt meine Bestellung #LH-10517? Viele Grüße, Jonas"});
    let (status, stored) = app.post_json("/api/v1/inbound", &message).await;
    assert_eq!(status, 201, "{stored}");
    let conversation = stored["conversation_id"].as_i64().unwrap();
    let detail = app
        .wait_for(&format!("/api/v1/conversations/{conversation}"), |c| c["conversation"]["order_id"].is_i64())
        .await;
    let order_id = detail["conversation"]["order_id"].as_i64().unwrap();
    let (_, order) = app.get(&format!("/api/v1/orders/{order_id}")).await;
    assert_eq!((order["order_number"].as_str(), order["status"].as_str()), (Some("#LH-10517"), Some("shipped")));
    assert_eq!(order["shipments"][0]["tracking_number"], "4917382654");
    assert_eq!(calls.load(Ordering::SeqCst), 1, "one look-up");

    // A later webhook for the same order updates the same record.
    let (body, headers) = fixture("orders_fulfilled");
    let (_, outcome) = post(&app, &body, &headers).await;
    assert_eq!(outcome["order_id"].as_i64(), Some(order_id), "{outcome}");
}
