//! [`MarketplaceStore`]: Shopify deliveries applied once and in order, privacy requests,
//! eBay poll cursors and conversation marks.

use super::{at, inbound};
use dragoman_core::*;
use dragoman_store::marketplace::*;
use dragoman_store::*;
use std::sync::Arc;

const SHOP: &str = "lumenhaus.myshopify.com";

fn delivery(id: &str, topic: &str) -> WebhookDelivery {
    WebhookDelivery { webhook_id: id.into(), shop: SHOP.into(), topic: topic.into(), triggered_at: Some(at(0)) }
}

fn snapshot(updated_at: i64, status: &str, tracking: Option<&str>) -> ShopOrder {
    ShopOrder {
        shop: SHOP.into(),
        shopify_id: 5_873_194_025_217,
        updated_at: at(updated_at),
        customer: Some(ShopCustomer {
            shopify_id: Some(7_401_923_856_641),
            email: Some("Jonas.Mueller@posteo.de".into()),
            name: Some("Jonas Müller".into()),
            country: Some("DE".into()),
        }),
        order: NewOrder {
            marketplace: Marketplace::parse("shopify").unwrap(),
            order_number: "#LH-10517".into(),
            customer_id: None,
            status: status.into(),
            currency: Some("EUR".into()),
            total: Some("174.80".into()),
            items: vec![OrderItem {
                sku: Some("LH-ARC-165-BR".into()),
                title: "Stehleuchte Arco".into(),
                quantity: 1,
                unit_price: Some("149.00".into()),
            }],
            shipments: tracking
                .map(|t| Shipment {
                    carrier: Some("DHL Express".into()),
                    tracking_number: Some(t.into()),
                    tracking_url: None,
                    status: Some("success".into()),
                    shipped_at: Some(at(updated_at)),
                })
                .into_iter()
                .collect(),
            shipping_country: Some("DE".into()),
            ordered_at: Some(at(0)),
        },
    }
}

fn applied(outcome: ShopOrderOutcome) -> Order {
    match outcome {
        ShopOrderOutcome::Applied(order) => order,
        other => panic!("expected Applied, got {other:?}"),
    }
}

async fn shop_orders_apply_once_and_never_go_back_in_time(store: Arc<dyn Store>) {
    // A buyer wrote about the order before Shopify told us about it.
    let mut early = inbound(Channel::Email, "<q1@posteo.de>", "jonas.mueller@posteo.de", "Wo ist #LH-10517?");
    early.order_numbers = vec!["#LH-10517".into()];
    let asked = store.ingest(&early, &IngestLimits::default(), at(0)).await.unwrap();

    let created = applied(
        store
            .apply_shop_order(&snapshot(10, "paid", None), Some(&delivery("w1", "orders/create")), at(20))
            .await
            .unwrap(),
    );
    assert_eq!(created.order_number, "#LH-10517");
    assert_eq!(created.status, "paid");
    // The order joins the buyer who wrote by email, and the waiting conversation.
    let conversation = store.get_conversation(asked.conversation_id).await.unwrap();
    assert_eq!(conversation.order_id, Some(created.id));
    assert_eq!(created.customer_id, conversation.customer_id);

    // The same delivery again changes nothing.
    let again = store
        .apply_shop_order(&snapshot(99, "cancelled", None), Some(&delivery("w1", "orders/create")), at(21))
        .await
        .unwrap();
    assert_eq!(again, ShopOrderOutcome::Duplicate);
    assert_eq!(store.get_order(created.id).await.unwrap().status, "paid");

    let shipped = applied(
        store
            .apply_shop_order(
                &snapshot(30, "shipped", Some("4917382654")),
                Some(&delivery("w2", "orders/fulfilled")),
                at(22),
            )
            .await
            .unwrap(),
    );
    assert_eq!(shipped.id, created.id);
    assert_eq!(shipped.shipments[0].tracking_number.as_deref(), Some("4917382654"));

    // An update made before the fulfilment, delivered after it: stale, the newer data stays.
    match store
        .apply_shop_order(&snapshot(20, "paid", None), Some(&delivery("w3", "orders/updated")), at(23))
        .await
        .unwrap()
    {
        ShopOrderOutcome::Stale(order) => assert_eq!(order.status, "shipped"),
        other => panic!("expected Stale, got {other:?}"),
    }
    let stored = store.get_order(created.id).await.unwrap();
    assert_eq!((stored.status.as_str(), stored.shipments.len()), ("shipped", 1));
    // A stale delivery is still a delivery seen.
    assert_eq!(
        store.record_webhook(&delivery("w3", "orders/updated"), "stale", at(24)).await.unwrap(),
        DeliveryOutcome::Duplicate
    );

    // The Admin API's snapshot (no delivery) of the same moment applies again, harmlessly.
    applied(store.apply_shop_order(&snapshot(30, "shipped", Some("4917382654")), None, at(25)).await.unwrap());
    assert_eq!(store.shop_order(SHOP, 5_873_194_025_217).await.unwrap().map(|o| o.id), Some(created.id));
    assert_eq!(store.shop_order("other.myshopify.com", 5_873_194_025_217).await.unwrap(), None);
    assert_eq!(store.find_order_by_tracking("4917382654").await.unwrap().map(|o| o.id), Some(created.id));
}

async fn unknown_deliveries_are_recorded_once(store: Arc<dyn Store>) {
    let d = delivery("w9", "products/update");
    assert_eq!(store.record_webhook(&d, "ignored", at(0)).await.unwrap(), DeliveryOutcome::Recorded);
    assert_eq!(store.record_webhook(&d, "ignored", at(1)).await.unwrap(), DeliveryOutcome::Duplicate);
}

async fn customer_redact_erases_and_requests_are_listed(store: Arc<dyn Store>) {
    let mut asked =
        inbound(Channel::Email, "<q2@posteo.de>", "jonas.mueller@posteo.de", "Meine Adresse: Schönhauser Allee 112");
    asked.raw = Some(RawInput { media_type: "message/rfc822".into(), bytes: b"From: jonas".to_vec() });
    let outcome = store.ingest(&asked, &IngestLimits::default(), at(0)).await.unwrap();
    let order = applied(
        store
            .apply_shop_order(&snapshot(10, "paid", None), Some(&delivery("w1", "orders/create")), at(1))
            .await
            .unwrap(),
    );
    // Someone else's conversation stays untouched.
    let other = store
        .ingest(&inbound(Channel::Email, "<o@x>", "ana@example.pt", "Olá"), &IngestLimits::default(), at(2))
        .await
        .unwrap();

    let data_request = PrivacyRequest {
        topic: PrivacyTopic::DataRequest,
        shopify_customer_id: Some(7_401_923_856_641),
        email: Some("jonas.mueller@posteo.de".into()),
        shopify_order_ids: vec![5_873_194_025_217],
    };
    let recorded = store
        .record_privacy_request(&delivery("p1", "customers/data_request"), &data_request, at(3))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((recorded.topic, recorded.state.as_str()), (PrivacyTopic::DataRequest, "open"));
    assert_eq!(recorded.shopify_order_ids, [5_873_194_025_217]);
    assert_eq!(
        store.record_privacy_request(&delivery("p1", "customers/data_request"), &data_request, at(4)).await.unwrap(),
        None
    );
    // A data request erases nothing.
    assert!(store.get_message(outcome.message_id).await.unwrap().body_text.contains("Schönhauser"));

    let redact = PrivacyRequest { topic: PrivacyTopic::CustomerRedact, ..data_request };
    let done =
        store.record_privacy_request(&delivery("p2", "customers/redact"), &redact, at(5)).await.unwrap().unwrap();
    assert_eq!(done.state, "done");
    assert!(done.summary.contains("1 customer record"), "{}", done.summary);

    let message = store.get_message(outcome.message_id).await.unwrap();
    assert!(!message.body_text.contains("Schönhauser"), "{}", message.body_text);
    assert_eq!((message.sender.as_deref(), message.subject.as_deref(), message.raw_id), (None, None, None));
    let customer = store.get_customer(order.customer_id.unwrap()).await.unwrap();
    assert_eq!((customer.name.as_deref(), customer.aliases.len()), (None, 0));
    let order = store.get_order(order.id).await.unwrap();
    assert_eq!((order.customer_id, order.shipping_country.as_deref()), (None, None));
    assert_eq!(store.get_message(other.message_id).await.unwrap().body_text, "Olá");

    let all = store.list_privacy_requests(false).await.unwrap();
    assert_eq!(
        all.iter().map(|r| r.topic).collect::<Vec<_>>(),
        [PrivacyTopic::CustomerRedact, PrivacyTopic::DataRequest]
    );
    let open = store.list_privacy_requests(true).await.unwrap();
    assert_eq!(open.iter().map(|r| r.id).collect::<Vec<_>>(), [recorded.id]);
}

async fn poll_cursors_and_conversation_marks_persist(store: Arc<dyn Store>) {
    assert_eq!(store.poll_cursor("ebay:seller:FROM_MEMBERS").await.unwrap(), None);
    store.set_poll_cursor("ebay:seller:FROM_MEMBERS", "1717600000000", at(0)).await.unwrap();
    store.set_poll_cursor("ebay:seller:FROM_MEMBERS", "1717600005000", at(1)).await.unwrap();
    assert_eq!(store.poll_cursor("ebay:seller:FROM_MEMBERS").await.unwrap().as_deref(), Some("1717600005000"));
    assert_eq!(store.poll_cursor("ebay:other:FROM_MEMBERS").await.unwrap(), None);

    assert_eq!(store.ebay_conversation_mark("seller", "c-1").await.unwrap(), None);
    let mark = EbayConversationMark {
        conversation_id: "c-1".into(),
        conversation_type: "FROM_MEMBERS".into(),
        last_message_id: "m-1".into(),
        last_message_at: at(10),
    };
    store.set_ebay_conversation_mark("seller", &mark, at(11)).await.unwrap();
    let newer = EbayConversationMark { last_message_id: "m-2".into(), last_message_at: at(20), ..mark };
    store.set_ebay_conversation_mark("seller", &newer, at(21)).await.unwrap();
    assert_eq!(store.ebay_conversation_mark("seller", "c-1").await.unwrap(), Some(newer));
    assert_eq!(store.ebay_conversation_mark("other", "c-1").await.unwrap(), None);
}

conformance!(
    shop_orders_apply_once_and_never_go_back_in_time,
    unknown_deliveries_are_recorded_once,
    customer_redact_erases_and_requests_are_listed,
    poll_cursors_and_conversation_marks_persist,
);
