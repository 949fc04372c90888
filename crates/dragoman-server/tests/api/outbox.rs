//! Replies leaving by email through a real SMTP relay (aiosmtpd in a subprocess): headers,
//! Amazon's relay and rules, a relay that is down or refuses, delivery state in the API.

use crate::helpers::{TestApp, app_token, error_code, spawn_app, spawn_app_configured, status_json};
use dragoman_channels::smtp_out::{SmtpOutConfig, TlsMode};
use dragoman_core::Role;
use dragoman_server::Settings;
use serde_json::{Value, json};
use std::time::Duration;

#[path = "../support/smtp_relay.rs"]
mod smtp_relay;
use smtp_relay::Relay;

const FROM: &str = "support@lumenhaus.example";
const AMAZON_FROM: &str = "amazon-replies@lumenhaus.example";

async fn app_sending_through(relay: &Relay) -> TestApp {
    let config = SmtpOutConfig {
        host: "127.0.0.1".into(),
        port: Some(relay.port),
        tls: TlsMode::None,
        from: format!("Lumenhaus Kundenservice <{FROM}>"),
        amazon_from: Some(AMAZON_FROM.into()),
        timeout_secs: 10,
        ..SmtpOutConfig::default()
    };
    spawn_app_configured(Settings::default(), |state| {
        dragoman_server::outbox::register_smtp(state, &config).expect("smtp_out config");
    })
    .await
}

fn buyer_email(message_id: &str, in_reply_to: Option<&str>, body: &str) -> Vec<u8> {
    let threading = in_reply_to.map(|p| format!("In-Reply-To: <{p}>\r\nReferences: <{p}>\r\n")).unwrap_or_default();
    format!(
        "From: Lena Example <lena@example.de>\r\nTo: {FROM}\r\nSubject: Frage zur Bestellung LH-10042\r\n\
         Message-ID: <{message_id}>\r\n{threading}Date: Tue, 4 Jun 2024 08:12:15 +0000\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

async fn conversation_of(app: &TestApp, raw: &[u8]) -> i64 {
    let (status, outcome) = app.post_email(raw).await;
    assert_eq!(status, 201, "{outcome}");
    outcome["conversation_id"].as_i64().unwrap()
}

async fn reply(app: &TestApp, conversation: i64, body: Value) -> Value {
    let (status, message) = app.post_json(&format!("/api/v1/conversations/{conversation}/replies"), &body).await;
    assert_eq!(status, 201, "{message}");
    assert_eq!(message["direction"], "outbound");
    message
}

/// The reply as the conversation lists it, once `done` accepts its delivery. Polls: the send
/// workers run in the background, and a retry after a failure comes due only after its backoff.
async fn wait_for_delivery(app: &TestApp, conversation: i64, reply: &Value, done: impl Fn(&Value) -> bool) -> Value {
    let path = format!("/api/v1/conversations/{conversation}");
    for _ in 0..1200 {
        let (_, detail) = app.get(&path).await;
        let found = detail["messages"].as_array().unwrap().iter().find(|m| m["id"] == reply["id"]).cloned();
        if let Some(message) = found.filter(|m| done(&m["delivery"])) {
            return message;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("reply {} never reached the expected delivery state", reply["id"]);
}

fn state_is(state: &'static str) -> impl Fn(&Value) -> bool {
    move |delivery| delivery["state"] == state
}

#[tokio::test]
async fn email_reply_arrives_threaded_in_the_buyers_language() {
    let Some(mut relay) = Relay::new() else { return };
    relay.start();
    let app = app_sending_through(&relay).await;
    let conversation = conversation_of(&app, &buyer_email("b1@buyer.example", None, "Wo ist mein Paket?")).await;
    let again = buyer_email("b2@buyer.example", Some("b1@buyer.example"), "Hallo? Noch keine Antwort.");
    assert_eq!(conversation_of(&app, &again).await, conversation);

    let body = "Grüße aus Köln – Ihr Paket ist unterwegs und kommt morgen an. 🚚";
    let queued = reply(
        &app,
        conversation,
        json!({"body": body, "language": "de", "original_text": "Your parcel arrives tomorrow.", "original_language": "en"}),
    )
    .await;
    assert_eq!(queued["delivery"]["state"], "queued", "{queued}");
    let sent = wait_for_delivery(&app, conversation, &queued, state_is("sent")).await;
    assert_eq!(sent["body_text"], body);
    assert_eq!(sent["original"], json!({"language": "en", "text": "Your parcel arrives tomorrow."}));
    assert_eq!(sent["delivery"]["attempts"], 1);
    assert!(sent["delivery"]["sent_at"].is_string(), "{sent}");

    let received = relay.received();
    assert_eq!(received.len(), 1);
    let mail = &received[0];
    assert_eq!((mail.mail_from.as_str(), mail.rcpt_tos.as_slice()), (FROM, ["lena@example.de".to_owned()].as_slice()));
    let message_id = format!("<{}>", sent["external_id"].as_str().unwrap());
    assert!(message_id.ends_with("@lumenhaus.example>"), "{message_id}");
    assert_eq!(mail.header("Message-ID"), Some(message_id.clone()));
    assert_eq!(mail.header("In-Reply-To").as_deref(), Some("<b2@buyer.example>"));
    assert_eq!(mail.header("References").as_deref(), Some("<b1@buyer.example> <b2@buyer.example>"));
    assert_eq!(mail.header("Content-Language").as_deref(), Some("de"));
    assert_eq!(mail.header("Subject").as_deref(), Some("Re: Frage zur Bestellung LH-10042"));
    assert!(mail.header("From").unwrap().contains(FROM));
    assert!(mail.header("Content-Type").unwrap().to_lowercase().contains("charset=utf-8"));
    let parsed = dragoman_channels::email::parse_email(&mail.raw).unwrap();
    assert_eq!(parsed.text.trim_end(), body, "the body arrives byte for byte");

    // The buyer's answer to the reply threads into the same conversation.
    let answer = buyer_email("b3@buyer.example", Some(message_id.trim_matches(['<', '>'])), "Danke!");
    let (_, outcome) = app.post_email(&answer).await;
    assert_eq!(outcome["conversation_id"], conversation);
}

#[tokio::test]
async fn amazon_reply_goes_to_the_alias_from_the_approved_address() {
    let Some(mut relay) = Relay::new() else { return };
    relay.start();
    let app = app_sending_through(&relay).await;
    let raw = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/demo/emails/01_amazon_de_qp.eml")).unwrap();
    let conversation = conversation_of(&app, &raw).await;
    let (_, detail) = app.get(&format!("/api/v1/conversations/{conversation}")).await;
    assert_eq!(
        (&detail["conversation"]["channel"], &detail["conversation"]["marketplace"]),
        (&json!("amazon"), &json!("amazon.de"))
    );

    let path = format!("/api/v1/conversations/{conversation}/replies");
    let (status, refused) = app
        .post_json(
            &path,
            &json!({"body": "Fotos bitte an service@lumenhaus.example oder über https://lumenhaus.example/rma"}),
        )
        .await;
    assert_eq!((status, error_code(&refused)), (422, "unprocessable"), "{refused}");
    let message = refused["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("service@lumenhaus.example") && message.contains("https://lumenhaus.example/rma"),
        "{message}"
    );
    let (_, detail) = app.get(&format!("/api/v1/conversations/{conversation}")).await;
    assert_eq!(detail["messages"].as_array().unwrap().len(), 1, "nothing was queued");

    let queued = reply(
        &app,
        conversation,
        json!({"body": "Ersatz ist unterwegs; Details: https://www.amazon.de/gp/css/order-history"}),
    )
    .await;
    assert_eq!(queued["language"], Value::Null, "the buyer language is not detected yet in this test");
    wait_for_delivery(&app, conversation, &queued, state_is("sent")).await;
    let received = relay.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].mail_from, AMAZON_FROM);
    assert_eq!(received[0].rcpt_tos, ["3kq9wz7v1mxt4bd@marketplace.amazon.de"]);
    assert!(received[0].header("From").unwrap().contains(AMAZON_FROM));

    let (status, resolved) =
        app.post_json(&format!("/api/v1/conversations/{conversation}/no-response-needed"), &json!({})).await;
    assert_eq!(status, 200, "{resolved}");
    assert_eq!(
        (&resolved["status"], &resolved["tags"], &resolved["sla_due_at"]),
        (&json!("resolved"), &json!(["no-response-needed"]), &Value::Null)
    );
    let email = conversation_of(&app, &buyer_email("plain@buyer.example", None, "Hallo")).await;
    let (status, body) = app.post_json(&format!("/api/v1/conversations/{email}/no-response-needed"), &json!({})).await;
    assert_eq!((status, error_code(&body)), (422, "unprocessable"));
}

#[tokio::test]
async fn replies_wait_for_a_relay_that_is_down_and_leave_once_in_order() {
    let Some(mut relay) = Relay::new() else { return };
    let app = app_sending_through(&relay).await;
    let conversation = conversation_of(&app, &buyer_email("down@buyer.example", None, "Wo bleibt es?")).await;
    let first = reply(&app, conversation, json!({"body": "Erste Antwort"})).await;
    let second = reply(&app, conversation, json!({"body": "Zweite Antwort"})).await;

    let waiting = wait_for_delivery(&app, conversation, &first, |d| d["reason"].is_string()).await;
    assert_eq!(waiting["delivery"]["state"], "queued", "{waiting}");
    assert!(waiting["delivery"]["next_attempt_at"].is_string(), "{waiting}");
    let (_, detail) = app.get(&format!("/api/v1/conversations/{conversation}")).await;
    let held = detail["messages"].as_array().unwrap().iter().find(|m| m["id"] == second["id"]).unwrap().clone();
    assert_eq!(
        (&held["delivery"]["state"], &held["delivery"]["attempts"]),
        (&json!("queued"), &json!(0)),
        "held back: {held}"
    );

    relay.start();
    wait_for_delivery(&app, conversation, &second, state_is("sent")).await;
    let first = wait_for_delivery(&app, conversation, &first, state_is("sent")).await;
    assert_eq!(first["delivery"]["attempts"], 2, "{first}");
    let bodies: Vec<String> = relay
        .received()
        .iter()
        .map(|m| dragoman_channels::email::parse_email(&m.raw).unwrap().text.trim_end().to_owned())
        .collect();
    assert_eq!(bodies, ["Erste Antwort", "Zweite Antwort"], "once each, in the order written");
}

#[tokio::test]
async fn a_4xx_is_retried_and_a_5xx_fails_with_its_reason() {
    let Some(mut relay) = Relay::new() else { return };
    relay.start();
    let app = app_sending_through(&relay).await;
    let conversation = conversation_of(&app, &buyer_email("codes@buyer.example", None, "Hallo")).await;

    relay.respond_with(Some("451 4.3.0 greylisted, try again later"));
    let greylisted = reply(&app, conversation, json!({"body": "Antwort eins"})).await;
    let waiting = wait_for_delivery(&app, conversation, &greylisted, |d| d["reason"].is_string()).await;
    assert!(waiting["delivery"]["reason"].as_str().unwrap().contains("451"), "{waiting}");
    assert_eq!(waiting["delivery"]["state"], "queued");
    relay.respond_with(None);
    wait_for_delivery(&app, conversation, &greylisted, state_is("sent")).await;
    assert_eq!(relay.received().len(), 1);

    relay.respond_with(Some("550 5.1.1 mailbox unavailable"));
    let refused = reply(&app, conversation, json!({"body": "Antwort zwei", "resolve": true})).await;
    let (_, detail) = app.get(&format!("/api/v1/conversations/{conversation}")).await;
    assert_eq!(detail["conversation"]["status"], "resolved", "send-and-resolve");
    let failed = wait_for_delivery(&app, conversation, &refused, state_is("failed")).await;
    let reason = failed["delivery"]["reason"].as_str().unwrap();
    assert!(reason.contains("550") && reason.contains("5.1.1 mailbox unavailable"), "{failed}");
    assert_eq!(failed["delivery"]["attempts"], 1, "a refusal is not retried");
    let (_, detail) = app.get(&format!("/api/v1/conversations/{conversation}")).await;
    assert_eq!(detail["conversation"]["status"], "open", "a failed reply reopens the conversation");
    let (_, dead) = app.get("/api/v1/jobs?state=dead").await;
    assert!(dead.as_array().unwrap().iter().any(|j| j["kind"] == "send_reply"), "{dead}");
    assert_eq!(relay.received().len(), 1);
}

#[tokio::test]
async fn replies_are_refused_when_they_cannot_be_sent() {
    let app = spawn_app().await;
    let conversation = conversation_of(&app, &buyer_email("nosender@buyer.example", None, "Hallo")).await;
    let path = format!("/api/v1/conversations/{conversation}/replies");
    let (status, body) = app.post_json(&path, &json!({"body": "Hallo"})).await;
    assert_eq!((status, error_code(&body)), (422, "unprocessable"));
    assert!(body["error"]["message"].as_str().unwrap().contains("[smtp_out]"), "{body}");

    let (status, _) = app.post_json("/api/v1/conversations/999999/replies", &json!({"body": "x"})).await;
    assert_eq!(status, 404);
    let partner = app_token(&app.store, Role::Partner).await;
    let r = app.client.post(app.url(&path)).bearer_auth(partner).json(&json!({"body": "x"})).send().await.unwrap();
    assert_eq!(status_json(r).await.0, 403);
}

#[tokio::test]
async fn reply_requests_are_checked() {
    let Some(relay) = Relay::new() else { return };
    let app = app_sending_through(&relay).await;
    let conversation = conversation_of(&app, &buyer_email("checks@buyer.example", None, "Hallo")).await;
    let path = format!("/api/v1/conversations/{conversation}/replies");
    for body in [
        json!({"body": "  "}),
        json!({"body": "Hallo", "original_text": "Hello"}),
        json!({"body": "Hallo", "language": "deutsch"}),
        json!({"body": "Hallo", "cc": "boss@shop.example"}),
    ] {
        let (status, answer) = app.post_json(&path, &body).await;
        assert_eq!(status, 422, "{body}: {answer}");
    }
    let (status, _) =
        app.post_json(&format!("/api/v1/conversations/{conversation}/status"), &json!({"status": "closed"})).await;
    assert_eq!(status, 200);
    let (status, answer) = app.post_json(&path, &json!({"body": "Hallo"})).await;
    assert_eq!(status, 422, "{answer}");
    assert!(answer["error"]["message"].as_str().unwrap().contains("closed"), "{answer}");
}
