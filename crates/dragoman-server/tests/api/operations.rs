use crate::helpers::*;
use dragoman_store::NewJob;
use serde_json::json;

#[tokio::test]
async fn health_readiness_metrics_openapi() {
    let app = spawn_app().await;
    assert_eq!(reqwest::get(app.url("/healthz")).await.unwrap().status(), 200);
    assert_eq!(reqwest::get(app.url("/readyz")).await.unwrap().status(), 200);
    app.post_json("/api/v1/inbound", &chat_message("m-1", "hello, any news on my order?")).await;
    let metrics = reqwest::get(app.url("/metrics")).await.unwrap().text().await.unwrap();
    assert!(metrics.contains("dragoman_ingested_messages_total{channel=\"chat\",outcome=\"stored\"} 1"), "{metrics}");
    assert!(
        metrics.contains("dragoman_jobs{state=\"queued\"}") || metrics.contains("dragoman_jobs{state=\"done\"}"),
        "{metrics}"
    );

    let doc: serde_json::Value = reqwest::get(app.url("/api/v1/openapi.json")).await.unwrap().json().await.unwrap();
    for path in
        ["/api/v1/conversations", "/api/v1/inbound", "/api/v1/inbound/email", "/api/v1/jobs", "/api/v1/auth/login"]
    {
        assert!(doc["paths"][path].is_object(), "openapi documents {path}");
    }
    let (status, err) = app.get("/api/v1/nope").await;
    assert_eq!((status, error_code(&err)), (404, "not_found"));
    let (status, err) = app.delete("/api/v1/inbound").await;
    assert_eq!((status, error_code(&err)), (405, "method_not_allowed"));
}

#[tokio::test]
async fn dead_jobs_are_visible_and_can_be_retried() {
    let app = spawn_app().await;
    let job = NewJob { kind: "enrich".into(), payload: json!({"message_id": 424242}), max_attempts: 1 };
    let id = app.store.enqueue(&job, now()).await.unwrap();
    let mut dead = json!([]);
    for _ in 0..200 {
        let (status, body) = app.get("/api/v1/jobs?state=dead").await;
        assert_eq!(status, 200);
        if !body.as_array().unwrap().is_empty() {
            dead = body;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(dead[0]["id"], json!(id.0), "{dead}");
    assert!(dead[0]["last_error"].as_str().unwrap().contains("424242"), "{dead}");
    let r =
        app.client.post(app.url(&format!("/api/v1/jobs/{}/retry", id.0))).bearer_auth(&app.token).send().await.unwrap();
    assert_eq!(r.status(), 204);
    let (status, err) = app.get("/api/v1/jobs?state=zombie").await;
    assert_eq!((status, error_code(&err)), (400, "bad_request"));
}

/// Email's settings are listed for an admin with how far each mailbox has been read, and no
/// secret appears, whether given in the file or by environment variable name.
#[tokio::test]
async fn channels_list_email_settings_without_secrets() {
    use dragoman_channels::imap::ImapMailboxConfig;
    use dragoman_channels::secret::Secret;
    use dragoman_channels::smtp_out::SmtpOutConfig;
    use dragoman_server::state::EmailSettings;
    use dragoman_store::MailboxCursor;

    const IMAP_PASSWORD: &str = "imap-hunter2";
    let email = EmailSettings {
        smtp_in: dragoman_channels::smtp_in::SmtpInConfig {
            listen: Some("127.0.0.1:2525".parse().unwrap()),
            domains: vec!["lumenhaus-store.com".into()],
            ..Default::default()
        },
        imap: vec![ImapMailboxConfig {
            name: Some("support".into()),
            host: "imap.example.com".into(),
            user: "support@lumenhaus-store.com".into(),
            password: Some(Secret::new(IMAP_PASSWORD)),
            ..Default::default()
        }],
        smtp_out: Some(SmtpOutConfig {
            host: "smtp.example.com".into(),
            from: "support@lumenhaus-store.com".into(),
            password_env: "DRAGOMAN_TEST_UNSET_SMTP_PASSWORD".into(),
            ..Default::default()
        }),
    };
    let app = spawn_app_built(Default::default(), |state| state.with_email(email)).await;
    let cursor = MailboxCursor { uid_validity: 7, last_uid: 42 };
    app.state.store.advance_mailbox("support", cursor, now()).await.unwrap();

    let (status, channels) = app.get("/api/v1/channels").await;
    assert_eq!(status, 200, "{channels}");
    let find = |name: &str| channels.as_array().unwrap().iter().find(|c| c["channel"] == name).cloned().unwrap();
    assert_eq!(find("email_smtp_in")["settings"]["domains"], json!(["lumenhaus-store.com"]));
    let imap = find("email_imap")["settings"].clone();
    assert_eq!((&imap["password"], &imap["last_uid"], &imap["uid_validity"]), (&json!("***"), &json!(42), &json!(7)));
    assert_eq!(imap["tls"], "tls", "named as in the configuration");
    let smtp_out = find("email_smtp_out")["settings"].clone();
    assert_eq!(
        (&smtp_out["password"], &smtp_out["tls"]),
        (&json!(null), &json!("starttls")),
        "the variable is not set"
    );
    assert_eq!(find("chat")["settings"]["widget"], "/chat/widget.js");
    assert!(!channels.to_string().contains(IMAP_PASSWORD), "{channels}");
}
