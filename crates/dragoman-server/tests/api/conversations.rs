use crate::helpers::*;
use dragoman_core::Role;
use serde_json::json;
use std::collections::HashSet;

#[tokio::test]
async fn inbox_lists_filters_and_pages() {
    let app = spawn_app().await;
    for i in 0..7 {
        let (status, _) = app
            .post_json(
                "/api/v1/inbound",
                &chat_message(&format!("l-{i}"), &format!("Message number {i} about my lamp")),
            )
            .await;
        assert_eq!(status, 201);
    }
    let email = json!({"channel": "email", "external_id": "e-1", "sender": "kunde@example.de", "subject": "Rücksendung",
        "text": "Ich möchte die Stehleuchte zurückschicken."});
    let (_, email_outcome) = app.post_json("/api/v1/inbound", &email).await;
    // Enrichment refines each SLA due time, the inbox's default order: page once it settled.
    let (_, all) = app.get("/api/v1/conversations?limit=100").await;
    for c in all["items"].as_array().unwrap() {
        app.wait_for(&format!("/api/v1/conversations/{}", c["id"]), |d| d["messages"][0]["enrichment"] == "done").await;
    }

    let mut seen = HashSet::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/conversations?limit=3&cursor={c}"),
            None => "/api/v1/conversations?limit=3".to_owned(),
        };
        let (status, page) = app.get(&path).await;
        assert_eq!(status, 200, "{page}");
        for c in page["items"].as_array().unwrap() {
            assert!(seen.insert(c["id"].as_i64().unwrap()), "no conversation twice");
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 8);

    let (_, emails) = app.get("/api/v1/conversations?channel=email").await;
    assert_eq!(emails["items"].as_array().unwrap().len(), 1);
    let (_, found) = app.get("/api/v1/conversations?q=stehleuchte").await;
    assert_eq!(found["items"][0]["id"], email_outcome["conversation_id"], "{found}");
    let (_, by_activity) = app.get("/api/v1/conversations?sort=last_activity&limit=1").await;
    assert_eq!(by_activity["items"][0]["id"], email_outcome["conversation_id"], "newest first");

    let (status, err) = app.get("/api/v1/conversations?status=sleeping").await;
    assert_eq!((status, error_code(&err)), (422, "unprocessable"));
    let (status, err) = app.get("/api/v1/conversations?cursor=garbage").await;
    assert_eq!(status / 100, 4, "{err}");
    let (status, err) = app.get("/api/v1/conversations?colour=red").await;
    assert_eq!((status, error_code(&err)), (400, "bad_request"));
}

#[tokio::test]
async fn status_assignment_and_notes() {
    let app = spawn_app().await;
    let agent = app.create_agent("jonas@example.com", Role::Agent, "another long password").await;
    let (_, outcome) =
        app.post_json("/api/v1/inbound", &chat_message("w-1", "Can I change the delivery address?")).await;
    let id = outcome["conversation_id"].as_i64().unwrap();

    let (status, c) =
        app.post_json(&format!("/api/v1/conversations/{id}/assignee"), &json!({"agent_id": agent.id.0})).await;
    assert_eq!((status, &c["assignee_id"]), (200, &json!(agent.id.0)));
    let (_, mine) = app.get(&format!("/api/v1/conversations?assignee={}", agent.id.0)).await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    let (_, unassigned) = app.get("/api/v1/conversations?assignee=unassigned").await;
    assert_eq!(unassigned["items"].as_array().unwrap().len(), 0);
    let (status, err) = app.post_json(&format!("/api/v1/conversations/{id}/assignee"), &json!({"agent_id": 999})).await;
    assert_eq!((status, error_code(&err)), (422, "unprocessable"));

    let (status, c) =
        app.post_json(&format!("/api/v1/conversations/{id}/status"), &json!({"status": "resolved"})).await;
    assert_eq!((status, &c["status"]), (200, &json!("resolved")));
    let (status, c) = app.post_json(&format!("/api/v1/conversations/{id}/status"), &json!({"status": "closed"})).await;
    assert_eq!((status, &c["status"]), (200, &json!("closed")));
    let (status, err) = app.post_json(&format!("/api/v1/conversations/{id}/status"), &json!({"status": "open"})).await;
    assert_eq!((status, error_code(&err)), (422, "unprocessable"), "closed is final");

    // A buyer writing again after close starts a new conversation.
    let (_, next) = app
        .post_json(
            "/api/v1/inbound",
            &json!({"channel": "chat", "external_id": "w-2", "sender": "visitor-w-1",
        "thread_key": "session-w-1", "text": "Hello again, one more question"}),
        )
        .await;
    assert_ne!(next["conversation_id"], outcome["conversation_id"]);

    // Tags, priority, tier and a corrected language; a partner then sees the conversation.
    let update =
        json!({"tags": ["VIP", " "], "priority": "urgent", "tier": "partner", "buyer_language": "de", "intent": null});
    let (status, c) = app.patch_json(&format!("/api/v1/conversations/{id}"), &update).await;
    assert_eq!(status, 200, "{c}");
    assert_eq!((&c["tags"], &c["priority"], &c["buyer_language"]), (&json!(["vip"]), &json!("urgent"), &json!("de")));
    let (_, tagged) = app.get("/api/v1/conversations?tag=vip").await;
    assert_eq!(tagged["items"][0]["id"], json!(id));
    let partner = app_token(&app.store, Role::Partner).await;
    let r = app.client.get(app.url(&format!("/api/v1/conversations/{id}"))).bearer_auth(&partner).send().await.unwrap();
    assert_eq!(r.status(), 200, "escalated to the partner tier");
    let (status, _) = app.patch_json(&format!("/api/v1/conversations/{id}"), &json!({"priority": "whenever"})).await;
    assert_eq!(status, 422);

    let (status, err) = app.get("/api/v1/conversations/123456").await;
    assert_eq!((status, error_code(&err)), (404, "not_found"));
    // Notes are written by people; an API token has no author.
    let (status, _) = app.post_json(&format!("/api/v1/conversations/{id}/notes"), &json!({"body": "x"})).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn customers_and_orders() {
    let app = spawn_app().await;
    let order = json!({"marketplace": "amazon.de", "order_number": "302-5518290-6612047", "status": "shipped",
        "currency": "eur", "total": "89.90", "shipping_country": "de",
        "items": [{"sku": "LH-FL-200", "title": "Stehleuchte Nordlicht", "quantity": 1, "unit_price": "89.90"}],
        "shipments": [{"carrier": "DHL", "tracking_number": "00340434298817559013", "tracking_url": null, "status": "in_transit", "shipped_at": null}]});
    let (status, saved) = app.put_json("/api/v1/orders", &order).await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["currency"], "EUR");
    let (_, got) = app.get(&format!("/api/v1/orders/{}", saved["id"])).await;
    assert_eq!(got["items"][0]["sku"], "LH-FL-200");
    assert_eq!(got["shipments"][0]["tracking_number"], "00340434298817559013");

    // A buyer message quoting the order links to it.
    let (_, outcome) = app.post_json("/api/v1/inbound", &json!({"channel": "amazon", "external_id": "a-1",
        "sender": "3kq9wz7v1mxt4bd@marketplace.amazon.de", "marketplace": "amazon.de",
        "thread_key": "3kq9wz7v1mxt4bd|302-5518290-6612047", "text": "Bestellung 302-5518290-6612047: der Fuß hat einen Riss."})).await;
    let (_, detail) = app.get(&format!("/api/v1/conversations/{}", outcome["conversation_id"])).await;
    assert_eq!(detail["conversation"]["order_id"], saved["id"]);
    let customer_id = detail["conversation"]["customer_id"].clone();
    let (status, customer) = app.get(&format!("/api/v1/customers/{customer_id}")).await;
    assert_eq!(status, 200);
    assert_eq!(customer["aliases"][0]["address"], "3kq9wz7v1mxt4bd@marketplace.amazon.de");

    let (status, created) =
        app.post_json("/api/v1/customers", &json!({"name": "Lena", "country": "de", "tags": ["vip"]})).await;
    assert_eq!((status, &created["country"]), (201, &json!("DE")));
    let (_, page) = app.get("/api/v1/customers?limit=1").await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert!(page["next_cursor"].is_string());
}
