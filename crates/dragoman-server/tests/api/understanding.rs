use crate::helpers::*;
use serde_json::json;

#[tokio::test]
async fn analyze_reports_language_escalation_and_entities() {
    let app = spawn_app().await;
    let text = "Ich schreibe Ihnen jetzt zum dritten Mal! Bestellung 302-5518290-6612047 ist immer noch nicht da, \
                Sendungsnummer 00340434298817559013. Wenn ich bis Freitag nichts höre, melde ich es Amazon (A-bis-z-Garantie).";
    let (status, a) = app.post_json("/api/v1/analyze", &json!({"text": text})).await;
    assert_eq!(status, 200, "{a}");
    assert_eq!(a["lang"], "de");
    assert_eq!(a["escalate"], true);
    let reasons: Vec<&str> =
        a["escalation"]["reasons"].as_array().unwrap().iter().map(|r| r["kind"].as_str().unwrap()).collect();
    assert!(reasons.contains(&"repeated_contact"), "{reasons:?}");
    assert_eq!(a["entities"]["order_ids"], json!(["302-5518290-6612047"]));
    assert_eq!(a["entities"]["tracking_numbers"][0]["number"], "00340434298817559013");
    if has_models() {
        assert_eq!(a["intent"], "order_status", "{a}");
    }
    let (status, err) = app.post_json("/api/v1/analyze", &json!({"text": "  "})).await;
    assert_eq!((status, error_code(&err)), (422, "unprocessable"));
}

#[tokio::test]
async fn enrichment_understands_and_links_the_order_by_tracking_number() {
    let app = spawn_app().await;
    let order = json!({"marketplace": "shopify", "order_number": "#LH-10517", "status": "shipped",
        "shipments": [{"carrier": "DHL", "tracking_number": "00340434298817559013", "tracking_url": null, "status": null, "shipped_at": null}]});
    let (_, saved) = app.put_json("/api/v1/orders", &order).await;
    let angry = "THIRD time I'm writing!!! Parcel 00340434298817559013 has not moved for two weeks. \
                 If it is not here by Friday I will file a chargeback with PayPal.";
    let (_, outcome) = app.post_json("/api/v1/inbound", &chat_message("x-1", angry)).await;
    let path = format!("/api/v1/conversations/{}", outcome["conversation_id"]);
    let detail = app.wait_for(&path, |c| c["messages"][0]["enrichment"] == "done").await;
    let conversation = &detail["conversation"];
    assert_eq!(conversation["escalated"], true, "{conversation}");
    assert_eq!(conversation["priority"], "high");
    assert_eq!(conversation["order_id"], saved["id"], "linked by tracking number");
    assert_eq!(conversation["buyer_language"], "en");
    let analysis = &detail["messages"][0]["analysis"];
    assert!(analysis["escalation"]["score"].as_f64().unwrap() >= 0.5, "{analysis}");
    let (_, escalated) = app.get("/api/v1/conversations?escalated=true").await;
    assert_eq!(escalated["items"][0]["id"], outcome["conversation_id"]);
    if !has_models() {
        return;
    }
    assert!(conversation["intent"].is_string(), "classified: {conversation}");

    // An agent corrects the intent: the message becomes a store example, the conversation follows.
    let message_id = detail["messages"][0]["id"].as_i64().unwrap();
    let (status, example) =
        app.post_json(&format!("/api/v1/messages/{message_id}/intent"), &json!({"intent": "refund"})).await;
    assert_eq!(status, 201, "{example}");
    assert_eq!(example["intent"], "refund");
    let (_, after) = app.get(&path).await;
    assert_eq!(after["conversation"]["intent"], "refund");
    assert_eq!(after["messages"][0]["analysis"]["intent"], "refund");
    let (status, err) =
        app.post_json(&format!("/api/v1/messages/{message_id}/intent"), &json!({"intent": "gossip"})).await;
    assert_eq!((status, error_code(&err)), (422, "unprocessable"));
}

#[tokio::test]
async fn templates_can_be_edited_and_suggestions_use_the_order() {
    let app = spawn_app().await;
    let (status, all) = app.get("/api/v1/templates").await;
    assert_eq!(status, 200);
    let all = all.as_array().unwrap();
    assert!(
        all.iter().any(|t| t["key"] == "order_status.shipped" && t["language"] == "ja" && t["source"] == "default")
    );

    let template = "/api/v1/templates/order_status.shipped/en";
    let typo = json!({"intent": "order_status", "title": "Shipped", "body": "{{ order.traking_number }}", "condition": "shipped"});
    let (status, err) = app.put_json(template, &typo).await;
    assert_eq!(status, 422, "a typo in a variable is refused: {err}");
    assert!(err["error"]["message"].as_str().unwrap().contains("traking_number"), "{err}");
    let body = "Hi {{ buyer_name | default('there') }}, order {{ order.order_id }} is with {{ order.carrier }}: {{ order.tracking_url }}";
    let ours = json!({"intent": "order_status", "title": "Shipped (ours)", "body": body, "condition": "shipped"});
    let (status, _) = app.put_json(template, &ours).await;
    assert_eq!(status, 200);

    let order = json!({"marketplace": "shopify", "order_number": "#LH-10517", "status": "shipped",
        "shipments": [{"carrier": "DHL", "tracking_number": "00340434298817559013",
                       "tracking_url": "https://www.dhl.de/de/privatkunden/pakete-empfangen/verfolgen.html?piececode=00340434298817559013",
                       "status": null, "shipped_at": null}]});
    app.put_json("/api/v1/orders", &order).await;
    let (_, outcome) = app
        .post_json("/api/v1/inbound", &chat_message("s-1", "Where is my order #LH-10517? It should be here by now."))
        .await;
    let id = outcome["conversation_id"].as_i64().unwrap();
    let (status, _) = app.patch_json(&format!("/api/v1/conversations/{id}"), &json!({"intent": "order_status"})).await;
    assert_eq!(status, 200);
    app.wait_for(&format!("/api/v1/conversations/{id}"), |c| c["conversation"]["order_id"].is_number()).await;

    let (status, s) = app.get(&format!("/api/v1/conversations/{id}/suggestions?language=en")).await;
    assert_eq!(status, 200, "{s}");
    let first = &s["suggestions"][0];
    assert_eq!(first["key"], "order_status.shipped", "{s}");
    assert_eq!(first["title"], "Shipped (ours)");
    assert!(first["text"].as_str().unwrap().contains("#LH-10517 is with DHL: https://www.dhl.de/"), "{first}");
    let (_, german) = app.get(&format!("/api/v1/conversations/{id}/suggestions?language=de")).await;
    assert_eq!(german["suggestions"][0]["language"], "de", "{german}");
    assert!(german["suggestions"][0]["text"].as_str().unwrap().contains("00340434298817559013"), "{german}");

    assert_eq!(app.delete(template).await.0, 204);
    assert_eq!(app.delete(template).await.0, 404, "only the store's version can be removed");
}
