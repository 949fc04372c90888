use crate::helpers::*;
use dragoman_core::Role;
use serde_json::json;

#[tokio::test]
async fn session_login_with_csrf_protection() {
    let app = spawn_app().await;
    let agent = app.create_agent("li.na@example.com", Role::Agent, "a long password").await;
    let (status, body, _) = app.login("li.na@example.com", "wrong password").await;
    assert_eq!((status, error_code(&body)), (401, "unauthorized"));
    let (status, _, _) = app.login("nobody@example.com", "a long password").await;
    assert_eq!(status, 401);

    let (status, body, cookie) = app.login("li.na@example.com", "a long password").await;
    assert_eq!(status, 200, "{body}");
    let cookie = cookie.expect("session cookie set");
    let csrf = body["csrf_token"].as_str().unwrap().to_owned();

    let r = app.client.get(app.url("/api/v1/me")).header("cookie", &cookie).send().await.unwrap();
    let (status, me) = status_json(r).await;
    assert_eq!(status, 200);
    assert_eq!(me["agent"]["id"], json!(agent.id.0));
    assert_eq!(me["role"], "agent");

    let (_, outcome) = app.post_json("/api/v1/inbound", &chat_message("s-1", "where is my order please")).await;
    let notes = app.url(&format!("/api/v1/conversations/{}/notes", outcome["conversation_id"]));
    let r = app.client.post(&notes).header("cookie", &cookie).json(&json!({"body": "checking"})).send().await.unwrap();
    let (status, err) = status_json(r).await;
    assert_eq!((status, error_code(&err)), (403, "forbidden"), "no CSRF token");
    let r = app
        .client
        .post(&notes)
        .header("cookie", &cookie)
        .header("x-csrf-token", "guess")
        .json(&json!({"body": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "wrong CSRF token");
    let r = app
        .client
        .post(&notes)
        .header("cookie", &cookie)
        .header("x-csrf-token", &csrf)
        .json(&json!({"body": "checking with DHL"}))
        .send()
        .await
        .unwrap();
    let (status, note) = status_json(r).await;
    assert_eq!(status, 201, "{note}");
    assert_eq!(note["direction"], "note");
    assert_eq!(note["author_id"], json!(agent.id.0));

    // An agent may not read the job queue (admin only).
    let r = app.client.get(app.url("/api/v1/jobs")).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(r.status(), 403);

    let r = app
        .client
        .post(app.url("/api/v1/auth/logout"))
        .header("cookie", &cookie)
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let r = app.client.get(app.url("/api/v1/me")).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(r.status(), 401, "the session is gone after logout");
}

#[tokio::test]
async fn partners_see_only_what_is_escalated_to_them() {
    let app = spawn_app().await;
    let (_, outcome) = app.post_json("/api/v1/inbound", &chat_message("p-1", "Where is my parcel? It is late.")).await;
    let partner = app_token(&app.store, Role::Partner).await;
    let r = app.client.get(app.url("/api/v1/conversations")).bearer_auth(&partner).send().await.unwrap();
    let (status, list) = status_json(r).await;
    assert_eq!(status, 200);
    assert_eq!(list["items"].as_array().unwrap().len(), 0);
    let r = app
        .client
        .get(app.url(&format!("/api/v1/conversations/{}", outcome["conversation_id"])))
        .bearer_auth(&partner)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = app.client.get(app.url("/api/v1/customers")).bearer_auth(&partner).send().await.unwrap();
    assert_eq!(r.status(), 403);
}
