//! A reply is never sent twice, with the real binary and a real SMTP relay: the process dies
//! (failpoint `DRAGOMAN_FAILPOINT=after_send_before_record`, an abort right after the relay
//! accepted the reply and before that was recorded) and is started again. The reply must then
//! be `uncertain` for an agent to check, the relay must have it once, and later replies of the
//! conversation must still go out.

// Shared with the API tests, which also make the relay refuse (`respond_with`).
#[allow(dead_code)]
#[path = "../../dragoman-server/tests/support/smtp_relay.rs"]
mod smtp_relay;

mod support;

use serde_json::{Value, json};
use smtp_relay::Relay;
use std::process::{Child, Stdio};
use std::time::Duration;
use support::{dragoman, free_port, wait_ready};

fn start(config: &std::path::Path, db: &str, port: u16, failpoint: bool) -> Child {
    let mut command = dragoman();
    command
        .args(["serve", "--config"])
        .arg(config)
        .args(["--db", db, "--listen", &format!("127.0.0.1:{port}")])
        .env("DRAGOMAN_LOG", "warn")
        // A reply left `sending` by the dead process is reconciled once this lease runs out.
        .env("DRAGOMAN_SEND_LEASE_SECS", "1")
        .env_remove("DRAGOMAN_FAILPOINT")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    if failpoint {
        command.env("DRAGOMAN_FAILPOINT", "after_send_before_record");
    }
    command.spawn().expect("start dragoman serve")
}

/// The reply as the conversation lists it, once its delivery is in `state`.
async fn wait_for_state(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    conversation: i64,
    reply: i64,
    state: &str,
) -> Value {
    for _ in 0..1200 {
        let detail: Value = client
            .get(format!("{base}/api/v1/conversations/{conversation}"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let message = detail["messages"].as_array().unwrap().iter().find(|m| m["id"] == reply).cloned().unwrap();
        if message["delivery"]["state"] == state {
            return message;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("reply {reply} never became {state}");
}

async fn post_reply(client: &reqwest::Client, base: &str, token: &str, conversation: i64, body: &str) -> i64 {
    let r = client
        .post(format!("{base}/api/v1/conversations/{conversation}/replies"))
        .bearer_auth(token)
        .json(&json!({"body": body, "language": "de"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_accepted_before_a_crash_is_not_sent_again() {
    let Some(mut relay) = Relay::new() else { return };
    relay.start();
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("outbox.db").display());
    let config = dir.path().join("dragoman.toml");
    std::fs::write(
        &config,
        format!(
            "[smtp_out]\nhost = \"127.0.0.1\"\nport = {}\ntls = \"none\"\nfrom = \"Lumenhaus <support@lumenhaus.example>\"\n",
            relay.port
        ),
    )
    .unwrap();
    let out = dragoman().args(["token", "create", "--db", &db, "--name", "crash", "--role", "admin"]).output().unwrap();
    assert!(out.status.success(), "token create: {}", String::from_utf8_lossy(&out.stderr));
    let token = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap();

    let mut server = start(&config, &db, port, true);
    wait_ready(&client, &base).await;
    let email = "From: Lena <lena@example.de>\r\nTo: support@lumenhaus.example\r\nSubject: Paket\r\n\
                 Message-ID: <crash-1@buyer.example>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nWo ist mein Paket?\r\n";
    let r = client
        .post(format!("{base}/api/v1/inbound/email"))
        .bearer_auth(&token)
        .header("content-type", "message/rfc822")
        .body(email)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let conversation = r.json::<Value>().await.unwrap()["conversation_id"].as_i64().unwrap();
    let first = post_reply(&client, &base, &token, conversation, "Es ist unterwegs.").await;
    let status = server.wait().unwrap();
    assert!(!status.success(), "the failpoint stopped the server right after the relay took the reply");
    let received = relay.received();
    assert_eq!(received.len(), 1, "the relay has the reply");
    assert_eq!(
        (received[0].mail_from.as_str(), received[0].rcpt_tos.as_slice()),
        ("support@lumenhaus.example", ["lena@example.de".to_owned()].as_slice())
    );

    let mut server = start(&config, &db, port, false);
    wait_ready(&client, &base).await;
    let uncertain = wait_for_state(&client, &base, &token, conversation, first, "uncertain").await;
    assert!(uncertain["delivery"]["reason"].as_str().unwrap().contains("before sending it again"), "{uncertain}");
    let second = post_reply(&client, &base, &token, conversation, "Morgen kommt es an.").await;
    wait_for_state(&client, &base, &token, conversation, second, "sent").await;

    let received = relay.received();
    let message_ids: Vec<Option<String>> = received.iter().map(|m| m.header("Message-ID")).collect();
    assert_eq!(received.len(), 2, "the first reply once, then the second: {message_ids:?}");
    assert_eq!(message_ids[0], Some(format!("<{}>", uncertain["external_id"].as_str().unwrap())));
    server.kill().unwrap();
    server.wait().unwrap();
}
