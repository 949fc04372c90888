use super::*;
use dragoman_core::{Marketplace, Order, OrderId, OrderItem, Shipment, Timestamp};

fn lang(code: &str) -> LanguageTag {
    LanguageTag::parse(code).unwrap()
}

fn template(key: &str, intent: Intent, code: &str, when: Condition, body: &str) -> ReplyTemplate {
    ReplyTemplate { key: key.into(), intent, language: lang(code), title: key.into(), body: body.into(), when }
}

fn order(status: &str, shipments: Vec<Shipment>) -> Order {
    Order {
        id: OrderId(1),
        marketplace: Marketplace::parse("amazon.de").unwrap(),
        order_number: "302-5518290-6612047".into(),
        customer_id: None,
        status: status.into(),
        currency: Some("EUR".into()),
        total: Some("49.99".into()),
        items: vec![
            OrderItem { sku: Some("LH-AUR".into()), title: "Desk lamp Aurora".into(), quantity: 1, unit_price: None },
            OrderItem { sku: None, title: "LED bulb".into(), quantity: 2, unit_price: None },
        ],
        shipments,
        shipping_country: Some("DE".into()),
        ordered_at: None,
        updated_at: Timestamp(0),
    }
}

fn dhl() -> Shipment {
    Shipment {
        carrier: Some("DHL".into()),
        tracking_number: Some("00340434161234567890".into()),
        tracking_url: None,
        status: Some("in_transit".into()),
        shipped_at: Some(Timestamp(1)),
    }
}

fn ctx_with(order: &Order) -> ReplyContext {
    ReplyContext::new("Sam", "Lumenhaus").with_buyer("Jonas").with_order(OrderFacts::from_order(order, Some(30)))
}

#[test]
fn every_default_template_renders_with_a_full_context_and_validates() {
    let ctx = ReplyContext::sample();
    let templates = default_templates();
    assert!(templates.len() >= DEFAULT_LANGUAGES.len() * Intent::ALL.len());
    for t in &templates {
        let text = render(t, &ctx).unwrap_or_else(|e| panic!("{} ({}): {e}", t.key, t.language));
        assert!(!text.contains("{{") && !text.contains("{%"), "{} ({}) left template syntax", t.key, t.language);
        assert!(text.contains("Sam"), "{} ({}) is not signed by the agent", t.key, t.language);
        validate(&t.body).unwrap_or_else(|e| panic!("{} ({}): {e}", t.key, t.language));
        assert!(t.key.starts_with(&format!("{}.", t.intent)), "{} is not under its intent {}", t.key, t.intent);
    }
}

#[test]
fn every_intent_has_a_template_in_every_default_language() {
    let templates = default_templates();
    for code in DEFAULT_LANGUAGES {
        for intent in Intent::ALL {
            assert!(
                templates.iter().any(|t| t.language.as_str() == *code && t.intent == *intent),
                "no {intent} template in {code}"
            );
        }
    }
}

#[test]
fn translations_cover_the_same_keys_and_conditions_as_english() {
    let templates = default_templates();
    let english: Vec<(&str, Condition)> =
        templates.iter().filter(|t| t.language.as_str() == "en").map(|t| (t.key.as_str(), t.when)).collect();
    for code in DEFAULT_LANGUAGES {
        let mut keys: Vec<(&str, Condition)> =
            templates.iter().filter(|t| t.language.as_str() == *code).map(|t| (t.key.as_str(), t.when)).collect();
        keys.sort_by_key(|k| k.0);
        let mut want = english.clone();
        want.sort_by_key(|k| k.0);
        assert_eq!(keys, want, "{code} does not match the English set");
    }
}

#[test]
fn every_template_renders_without_order_or_buyer_or_says_which_fact_is_missing() {
    let bare = ReplyContext::new("Sam", "Lumenhaus");
    for t in default_templates() {
        match render(&t, &bare) {
            Ok(text) => assert!(!text.is_empty()),
            Err(ReplyError::MissingVariable { name, .. }) => assert!(name.starts_with("order"), "{}: {name}", t.key),
            Err(e) => panic!("{} ({}): {e}", t.key, t.language),
        }
    }
}

#[test]
fn culture_specific_register() {
    let ctx = ReplyContext::sample();
    let get = |key: &str, code: &str| {
        let t = default_templates().into_iter().find(|t| t.key == key && t.language.as_str() == code).unwrap();
        render(&t, &ctx).unwrap()
    };
    let ja = get("order_status.escalated", "ja");
    assert!(ja.contains("Alex 様") && ja.contains("お詫び申し上げます"), "{ja}");
    let de = get("order_status.shipped", "de");
    assert!(de.contains("Ihre Bestellung") && !de.contains(" du "), "{de}");
    let pt = get("order_status.shipped", "pt");
    assert!(pt.starts_with("Oi, Alex") && pt.contains("você"), "{pt}");
    let ko = get("order_status.shipped", "ko");
    assert!(ko.contains("습니다"), "{ko}");
    let zh = get("order_status.shipped", "zh");
    assert!(zh.contains("您"), "{zh}");
}

#[test]
fn render_is_plain_text_and_strict() {
    let t = template("other.x", Intent::Other, "en", Condition::Any, "Hi {{ buyer_name }} & {{ store_name }} <3");
    let ctx = ReplyContext::new("Sam", "A&B <Shop>").with_buyer("O'Brien");
    assert_eq!(render(&t, &ctx).unwrap(), "Hi O'Brien & A&B <Shop> <3");

    let t = template(
        "order_status.x",
        Intent::OrderStatus,
        "en",
        Condition::Any,
        "Line one\nTracking: {{ order.tracking_number }}",
    );
    let no_tracking = ctx_with(&order("paid", vec![]));
    assert_eq!(
        render(&t, &no_tracking).unwrap_err(),
        ReplyError::MissingVariable { name: "order.tracking_number".into(), line: Some(2) }
    );
    let no_order = ReplyContext::new("Sam", "Lumenhaus");
    match render(&t, &no_order).unwrap_err() {
        ReplyError::MissingVariable { name, .. } => assert_eq!(name, "order"),
        e => panic!("{e}"),
    }
}

#[test]
fn optional_facts_are_guarded_and_blank_lines_collapse() {
    let body = "Hi {{ buyer_name | default(\"there\") }},\n\n{% if order is defined and order.tracking_url is defined %}\nTrack: {{ order.tracking_url }}\n{% endif %}\n\nBye";
    let t = template("order_status.x", Intent::OrderStatus, "en", Condition::Any, body);
    assert_eq!(render(&t, &ReplyContext::new("Sam", "S")).unwrap(), "Hi there,\n\nBye");
}

#[test]
fn validate_reports_syntax_with_line_unknown_variables_and_filters() {
    assert_eq!(validate("Hello {{ buyer_name | default(\"x\") }}"), Ok(()));
    match validate("Hello\n\n{% if order is defined %}\nno end") {
        Err(ReplyError::Syntax { line, .. }) => assert!(line >= 3, "line {line}"),
        other => panic!("{other:?}"),
    }
    match validate("Hello\n{{ order.traking_number }}") {
        Err(ReplyError::UnknownVariable { name, line }) => {
            assert_eq!(name, "order.traking_number");
            assert_eq!(line, Some(2));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(validate("{{ store_name | shout }}"), Err(ReplyError::Render { .. })));
    assert_eq!(validate("{% for i in order.items %}{{ i.qty }} × {{ i.title }}\n{% endfor %}"), Ok(()));
    let err = validate("{{ agent }}").unwrap_err().to_string();
    assert!(err.contains("`agent`") && err.contains("agent_name"), "{err}");
}

#[test]
fn order_facts_and_state_from_the_order() {
    let facts = OrderFacts::from_order(&order("shipped", vec![dhl()]), Some(14));
    assert_eq!(facts.order_id, "302-5518290-6612047");
    assert_eq!(facts.state, OrderState::Shipped);
    assert_eq!(facts.carrier.as_deref(), Some("DHL"));
    assert_eq!(facts.tracking_number.as_deref(), Some("00340434161234567890"));
    assert_eq!(facts.total.as_deref(), Some("49.99 EUR"));
    assert_eq!(facts.refund_amount, None);
    assert_eq!(facts.item_summary, "Desk lamp Aurora, LED bulb ×2");
    assert_eq!(facts.items[1].sku, None);

    assert_eq!(OrderState::of(&order("paid", vec![])), OrderState::NotShipped);
    assert_eq!(OrderState::of(&order("unfulfilled", vec![])), OrderState::NotShipped);
    assert_eq!(OrderState::of(&order("pending", vec![dhl()])), OrderState::Shipped);
    assert_eq!(OrderState::of(&order("fulfilled", vec![])), OrderState::Shipped);
    assert_eq!(OrderState::of(&order("Delivered", vec![])), OrderState::Delivered);
    assert_eq!(OrderState::of(&order("cancelled", vec![])), OrderState::Cancelled);
    let refunded = OrderFacts::from_order(&order("refunded", vec![]), None);
    assert_eq!((refunded.state, refunded.refund_amount.as_deref()), (OrderState::Refunded, Some("49.99 EUR")));
    let mut delivered = dhl();
    delivered.status = Some("DELIVERED".into());
    assert_eq!(OrderState::of(&order("shipped", vec![delivered])), OrderState::Delivered);
}

#[test]
fn suggest_picks_the_variant_for_the_order_state() {
    let templates = default_templates();
    let shipped = ctx_with(&order("shipped", vec![dhl()]));
    let s = suggest(&templates, Intent::OrderStatus, false, OrderState::Shipped, &lang("de"), &shipped, 3).suggestions;
    assert_eq!(s[0].key, "order_status.shipped");
    assert_eq!(s[0].language.as_str(), "de");
    assert!(s[0].text.contains("00340434161234567890") && s[0].text.contains("Jonas"), "{}", s[0].text);
    assert!(s.iter().all(|x| x.key != "order_status.not_shipped"), "{s:?}");

    let paid = ctx_with(&order("paid", vec![]));
    let s = suggest(&templates, Intent::CancelOrder, false, OrderState::NotShipped, &lang("fr"), &paid, 3).suggestions;
    assert_eq!(s[0].key, "cancel_order.not_shipped");
    assert!(s.iter().all(|x| x.key != "cancel_order.shipped"));
}

#[test]
fn suggest_puts_apologies_first_when_escalated() {
    let templates = default_templates();
    let shipped = ctx_with(&order("shipped", vec![dhl()]));
    let calm =
        suggest(&templates, Intent::OrderStatus, false, OrderState::Shipped, &lang("ja"), &shipped, 5).suggestions;
    assert!(calm.iter().all(|s| s.key != "order_status.escalated"));
    let angry =
        suggest(&templates, Intent::OrderStatus, true, OrderState::Shipped, &lang("ja"), &shipped, 5).suggestions;
    assert_eq!(angry[0].key, "order_status.escalated");
    assert!(angry[0].text.contains("申し訳"), "{}", angry[0].text);
    assert_eq!(angry[1].key, "order_status.shipped");
    assert!(angry[0].score > angry[1].score);
}

#[test]
fn suggest_skips_what_the_context_cannot_fill_and_says_which() {
    // The order is marked shipped but the marketplace gave no tracking yet.
    let mut no_tracking = order("shipped", vec![]);
    no_tracking.shipments.push(Shipment {
        carrier: Some("GLS".into()),
        tracking_number: None,
        tracking_url: None,
        status: None,
        shipped_at: Some(Timestamp(1)),
    });
    let ctx = ctx_with(&no_tracking);
    let templates = default_templates();
    let out = suggest(&templates, Intent::OrderStatus, false, OrderState::Shipped, &lang("en"), &ctx, 5);
    assert!(out.suggestions.iter().all(|s| s.key != "order_status.shipped"), "{out:?}");
    let skipped = out.skipped.iter().find(|s| s.key == "order_status.shipped").expect("reported");
    assert_eq!(skipped.missing.as_deref(), Some("order.tracking_number"));
    assert!(skipped.reason.contains("order.tracking_number"), "{}", skipped.reason);
}

#[test]
fn suggest_falls_back_to_english_per_template() {
    let templates = vec![
        template(
            "refund.pending",
            Intent::Refund,
            "en",
            Condition::RefundPending,
            "Refund for {{ order.order_id }} soon.",
        ),
        template(
            "refund.pending",
            Intent::Refund,
            "sv",
            Condition::RefundPending,
            "Återbetalning för {{ order.order_id }}.",
        ),
        template("refund.extra", Intent::Refund, "en", Condition::Any, "We are on it."),
        template("refund.only_de", Intent::Refund, "de", Condition::Any, "Nur Deutsch."),
    ];
    let ctx = ctx_with(&order("delivered", vec![]));
    let s = suggest(&templates, Intent::Refund, false, OrderState::Delivered, &lang("sv"), &ctx, 10).suggestions;
    let keys: Vec<(&str, &str)> = s.iter().map(|s| (s.key.as_str(), s.language.as_str())).collect();
    assert_eq!(keys, [("refund.pending", "sv"), ("refund.extra", "en")]);
    assert!(s[0].score > s[1].score);
    let s = suggest(&templates, Intent::Refund, false, OrderState::Delivered, &lang("sv"), &ctx, 1).suggestions;
    assert_eq!(s.len(), 1);
}

#[test]
fn parse_templates_rejects_bad_files() {
    assert!(matches!(parse_templates("language = \"en\"\n[[templates]]\nkey = 1"), Err(ReplyError::File(_))));
    let ok = parse_templates(
        "language = \"pt-BR\"\n[[templates]]\nkey = \"other.hi\"\nintent = \"other\"\ntitle = \"Oi\"\nbody = \"Oi!\"\n",
    )
    .unwrap();
    assert_eq!((ok[0].language.as_str(), ok[0].when), ("pt", Condition::Any));
}

#[test]
fn conditions_round_trip_through_their_wire_names() {
    for c in Condition::ALL {
        assert_eq!(c.as_str().parse::<Condition>().unwrap(), *c);
        assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
    }
    let err = "shipping".parse::<Condition>().unwrap_err().to_string();
    assert!(err.contains("not_shipped"), "{err}");
}
