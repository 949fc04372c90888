use crate::helpers::*;
use dragoman_core::Role;
use serde_json::json;

#[tokio::test]
async fn json_message_is_stored_once_and_enriched() {
    let app = spawn_app().await;
    let body = chat_message("c-1", "Hallo, wo bleibt meine Bestellung #LH-10517? Sie sollte schon da sein.");
    let (status, first) = app.post_json("/api/v1/inbound", &body).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(first["duplicate"], false);
    let (status, again) = app.post_json("/api/v1/inbound", &body).await;
    assert_eq!(status, 200);
    assert_eq!(again["duplicate"], true);
    assert_eq!(again["message_id"], first["message_id"]);

    let path = format!("/api/v1/conversations/{}", first["conversation_id"]);
    let detail = app.wait_for(&path, |c| c["messages"][0]["enrichment"] == "done").await;
    assert_eq!(detail["messages"].as_array().unwrap().len(), 1);
    assert_eq!(detail["messages"][0]["language"], "de");
    assert_eq!(detail["conversation"]["buyer_language"], "de");
    assert_eq!(detail["conversation"]["order_number"], "#LH-10517");
    assert_eq!(detail["conversation"]["channel"], "chat");
}

#[tokio::test]
async fn all_sample_emails_are_accepted_and_sanitised() {
    let app = spawn_app().await;
    for (name, raw) in fixture_emails() {
        let (status, outcome) = app.post_email(&raw).await;
        assert_eq!(status, 201, "{name}: {outcome}");
        let (status, again) = app.post_email(&raw).await;
        assert_eq!((status, &again["duplicate"]), (200, &json!(true)), "{name}");
        let (_, detail) = app.get(&format!("/api/v1/conversations/{}", outcome["conversation_id"])).await;
        let html = detail["messages"][0]["body_html"].as_str().unwrap_or_default().to_ascii_lowercase();
        for hostile in ["<script", "onload", "onerror", "javascript:", "<img", "<iframe"] {
            assert!(!html.contains(hostile), "{name} kept {hostile}: {html}");
        }
        let (raw_status, _) = app.get(&format!("/api/v1/messages/{}/raw", outcome["message_id"])).await;
        assert_eq!(raw_status, 200, "{name}: raw bytes are kept");
    }
}

#[tokio::test]
async fn bad_input_gets_a_clear_4xx() {
    let settings = dragoman_server::Settings { max_body_bytes: 64 * 1024, ..Default::default() };
    let app = spawn_app_with(settings).await;
    let post = |body: Vec<u8>, content_type: &'static str| {
        app.client
            .post(app.url("/api/v1/inbound"))
            .bearer_auth(&app.token)
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let (status, body) = status_json(post(b"{\"channel\": ".to_vec(), "application/json").await.unwrap()).await;
    assert_eq!((status, error_code(&body)), (400, "invalid_json"));
    let (status, body) =
        status_json(post(b"channel=chat".to_vec(), "application/x-www-form-urlencoded").await.unwrap()).await;
    assert_eq!((status, error_code(&body)), (415, "unsupported_media_type"));
    let wrong_type = json!({"channel": "chat", "external_id": 7, "sender": "v", "text": "hi"});
    let (status, body) = app.post_json("/api/v1/inbound", &wrong_type).await;
    assert_eq!((status, error_code(&body)), (422, "unprocessable"));
    let unknown_channel = json!({"channel": "fax", "external_id": "1", "sender": "v", "text": "hi"});
    let (status, body) = app.post_json("/api/v1/inbound", &unknown_channel).await;
    assert_eq!(status, 422);
    assert!(body["error"]["message"].as_str().unwrap().contains("fax"), "{body}");
    let huge = chat_message("big", &"x".repeat(100 * 1024));
    let (status, body) = app.post_json("/api/v1/inbound", &huge).await;
    assert_eq!((status, error_code(&body)), (413, "payload_too_large"));
    let (status, body) = status_json(
        app.client
            .post(app.url("/api/v1/inbound/email"))
            .bearer_auth(&app.token)
            .header("content-type", "text/html")
            .body("<p>hi</p>")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, error_code(&body)), (415, "unsupported_media_type"));

    // Nothing of the refused requests was stored.
    let (_, list) = app.get("/api/v1/conversations").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 0, "{list}");
}

#[tokio::test]
async fn inbound_needs_a_valid_token_of_the_right_role() {
    let app = spawn_app().await;
    let body = chat_message("t-1", "hello there, where is my parcel?");
    let r = app.client.post(app.url("/api/v1/inbound")).json(&body).send().await.unwrap();
    let (status, err) = status_json(r).await;
    assert_eq!((status, error_code(&err)), (401, "unauthorized"));
    let r = app.client.post(app.url("/api/v1/inbound")).bearer_auth("dgm_forged").json(&body).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let partner = app_token(&app.store, Role::Partner).await;
    let r = app.client.post(app.url("/api/v1/inbound")).bearer_auth(&partner).json(&body).send().await.unwrap();
    let (status, err) = status_json(r).await;
    assert_eq!((status, error_code(&err)), (403, "forbidden"));
}

#[tokio::test]
async fn damaged_email_is_kept_with_a_warning() {
    let app = spawn_app().await;
    let truncated = b"From: buyer@example.com\r\nTo: support@lumenhaus-store.com\r\nSubject: broken\r\nMessage-ID: <trunc-1@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nMy lamp arrived broken, order #LH-10999.\r\n--b1\r\nContent-Type: image/jpeg; name=\"photo.jpg\"\r\nContent-Transfer-Encoding: base64\r\n\r\n/9j/4AAQSkZJRgABAQ";
    let (status, outcome) = app.post_email(truncated).await;
    assert_eq!(status, 201, "{outcome}");
    let (_, detail) = app.get(&format!("/api/v1/conversations/{}", outcome["conversation_id"])).await;
    let message = &detail["messages"][0];
    assert!(message["body_text"].as_str().unwrap().contains("arrived broken"), "{message}");
    assert_eq!(detail["conversation"]["order_number"], "#LH-10999");
    assert!(!message["warnings"].as_array().unwrap().is_empty(), "a truncated multipart is flagged: {message}");
}

#[tokio::test]
async fn hostile_html_never_reaches_the_agent() {
    let app = spawn_app().await;
    let hostile = r#"<p>Hello</p><script>steal()</script><img src="https://tracker.example/p.gif" width=1>
        <a href="javascript:alert(1)">click</a><a href="data:text/html;base64,PHNjcmlwdD4=">data</a>
        <iframe src="https://evil.example"></iframe><svg onload="alert(1)"></svg><div onclick="x()" style="background:url(https://t.example)">styled</div>
        <a href="https://lumenhaus.example/track">track</a>"#;
    let body = json!({"channel": "email", "external_id": "h-1", "sender": "a@b.example", "html": hostile});
    let (status, outcome) = app.post_json("/api/v1/inbound", &body).await;
    assert_eq!(status, 201, "{outcome}");
    let (_, detail) = app.get(&format!("/api/v1/conversations/{}", outcome["conversation_id"])).await;
    let html = detail["messages"][0]["body_html"].as_str().unwrap().to_ascii_lowercase();
    for banned in [
        "<script",
        "steal",
        "<img",
        "tracker",
        "javascript:",
        "data:",
        "<iframe",
        "<svg",
        "onload",
        "onclick",
        "style=",
    ] {
        assert!(!html.contains(banned), "{banned} reached the agent: {html}");
    }
    assert!(html.contains("href=\"https://lumenhaus.example/track\""), "{html}");
    assert!(html.contains("noopener"), "{html}");
    let text = detail["messages"][0]["body_text"].as_str().unwrap();
    assert!(!text.contains("steal"), "script content is not text: {text}");
}
