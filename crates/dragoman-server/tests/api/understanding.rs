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
    let r = app.client.put(app.url("/api/v1/orders")).bearer_auth(&app.token).json(&order).send().await.unwrap();
    let (_, saved) = status_json(r).await;
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
