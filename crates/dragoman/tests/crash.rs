//! Crash safety of ingest, with the real binary: a burst of 1,000 concurrent inbound posts,
//! the server killed with SIGKILL in the middle, restarted. Every post that got a 2xx must be
//! stored, none twice, and re-posting the same external ids must create nothing new.

mod support;

use std::collections::HashSet;
use std::process::{Child, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use support::{dragoman, free_port, wait_ready};

const BURST: usize = 1000;
/// Kill once this many posts were acknowledged, so the kill lands mid-burst.
const KILL_AFTER_ACKS: usize = 250;

fn start(db: &str, port: u16) -> Child {
    dragoman()
        .args(["serve", "--db", db, "--listen", &format!("127.0.0.1:{port}")])
        .env("DRAGOMAN_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start dragoman serve")
}

fn body(i: usize) -> serde_json::Value {
    serde_json::json!({"channel": "chat", "external_id": format!("burst-{i}"), "sender": format!("visitor-{i}"),
        "thread_key": format!("burst-session-{i}"), "text": format!("Message {i}: where is my parcel?")})
}

async fn crash_during_burst(db: &str) {
    let out = dragoman().args(["token", "create", "--db", db, "--name", "burst", "--role", "agent"]).output().unwrap();
    assert!(out.status.success(), "token create: {}", String::from_utf8_lossy(&out.stderr));
    let token = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap();

    let mut server = start(db, port);
    wait_ready(&client, &base).await;
    let acked = Arc::new(std::sync::Mutex::new(HashSet::new()));
    let ack_count = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for i in 0..BURST {
        let (client, base, token, acked, ack_count) =
            (client.clone(), base.clone(), token.clone(), acked.clone(), ack_count.clone());
        tasks.push(tokio::spawn(async move {
            let r = client.post(format!("{base}/api/v1/inbound")).bearer_auth(&token).json(&body(i)).send().await;
            if let Ok(r) = r
                && r.status().is_success()
            {
                acked.lock().unwrap().insert(i);
                ack_count.fetch_add(1, Ordering::SeqCst);
            }
        }));
    }
    while ack_count.load(Ordering::SeqCst) < KILL_AFTER_ACKS {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    server.kill().expect("SIGKILL the server");
    server.wait().unwrap();
    for t in tasks {
        t.await.unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(acked.len() >= KILL_AFTER_ACKS && acked.len() < BURST, "the kill landed mid-burst: {} acked", acked.len());

    let mut server = start(db, port);
    wait_ready(&client, &base).await;
    for i in 0..BURST {
        let r = client.post(format!("{base}/api/v1/inbound")).bearer_auth(&token).json(&body(i)).send().await.unwrap();
        let status = r.status().as_u16();
        let outcome: serde_json::Value = r.json().await.unwrap();
        if acked.contains(&i) {
            assert_eq!((status, outcome["duplicate"].as_bool()), (200, Some(true)), "acknowledged post {i} was lost");
        } else {
            assert!(status == 200 || status == 201, "re-post {i}: {status} {outcome}");
        }
    }
    // Every conversation exactly once: 1,000 distinct ids across all pages.
    let mut ids = HashSet::new();
    let mut cursor = String::new();
    loop {
        let page: serde_json::Value = client
            .get(format!("{base}/api/v1/conversations?limit=200&sort=last_activity{cursor}"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        for c in page["items"].as_array().unwrap() {
            assert!(ids.insert(c["id"].as_i64().unwrap()));
            assert_eq!(c["message_count"], 1, "no message stored twice: {c}");
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = format!("&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(ids.len(), BURST);
    server.kill().unwrap();
    server.wait().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_survives_sigkill_mid_burst() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("crash.db").display());
    crash_during_burst(&db).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_survives_sigkill_mid_burst() {
    let admin_url =
        std::env::var("DRAGOMAN_TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let admin = match sqlx::PgPool::connect(&admin_url).await {
        Ok(pool) => pool,
        Err(e) if std::env::var("CI").is_err() => {
            eprintln!("SKIPPED: PostgreSQL at {admin_url} is unreachable ({e}); set CI=true to make this a failure");
            return;
        }
        Err(e) => panic!("PostgreSQL at {admin_url} is unreachable: {e}"),
    };
    let name = format!("dragoman_crash_{}", std::process::id());
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&admin).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&admin).await.unwrap();
    let (base, _) = admin_url.rsplit_once('/').unwrap();
    crash_during_burst(&format!("{base}/{name}")).await;
    sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)")).execute(&admin).await.unwrap();
}
