//! The demo store behind `dragoman serve --demo`: Lumenhaus, a fictitious lighting shop
//! selling on Amazon, eBay and its own Shopify store, with four agents who speak different
//! languages and about forty buyer conversations in eleven languages.
//!
//! The messages are the project's sample data (raw emails and buyer messages), embedded in
//! the binary so the demo needs no files beside it. They go through the real ingest path.

use dragoman_channels::email::parse_email;
use dragoman_core::*;
use dragoman_store::{IngestLimits, NewAgent, NewCustomer, NewOrder, Store, StoreError};
use serde::Deserialize;

pub const DEMO_PASSWORD: &str = "lumenhaus-demo";
/// How the demo shop signs its replies.
pub const STORE_NAME: &str = "Lumenhaus";

/// Agents of the demo store: (name, email, role, languages, time zone).
const AGENTS: [(&str, &str, Role, &[&str], &str); 4] = [
    ("Alex Morgan", "alex@lumenhaus.example", Role::Admin, &["en", "de"], "America/New_York"),
    ("Li Na", "li.na@lumenhaus.example", Role::Agent, &["zh", "en"], "Asia/Shanghai"),
    ("Kim Min-jun", "minjun@lumenhaus.example", Role::Agent, &["ko", "en"], "Asia/Seoul"),
    ("Jonas Weber", "jonas@lumenhaus.example", Role::Agent, &["de", "en", "fr"], "Europe/Berlin"),
];

macro_rules! demo_emails {
    ($($name:literal),* $(,)?) => { [$(($name, include_bytes!(concat!("../demo/emails/", $name)).as_slice())),*] };
}

const EMAILS: [(&str, &[u8]); 12] = demo_emails!(
    "01_amazon_de_qp.eml",
    "02_amazon_jp_iso2022jp.eml",
    "03_amazon_com_photo.eml",
    "04_ebay_member_message.eml",
    "05_shopify_contact_form.eml",
    "06_gmail_reply_on_wrote.eml",
    "07_webde_am_schrieb_signature.eml",
    "08_outlook_original_message.eml",
    "09_html_only_script.eml",
    "10_windows1252.eml",
    "11_korean_encoded_subject.eml",
    "12_gmail_ptbr_reply_shopify_confirmation.eml",
);

const MESSAGES: &str = include_str!("../demo/messages.jsonl");

#[derive(Deserialize)]
struct SampleMessage {
    id: String,
    text: String,
}

#[derive(Debug)]
pub struct DemoSummary {
    pub admin_email: &'static str,
    pub password: &'static str,
    pub conversations: usize,
    /// False when the database already had agents and was left untouched.
    pub seeded: bool,
}

/// Seeds the demo store unless the database already has agents. `hash` turns the demo
/// password into a stored hash (the caller owns the hashing policy).
pub async fn seed(store: &dyn Store, hash: impl Fn(&str) -> String, now: Timestamp) -> Result<DemoSummary, StoreError> {
    let mut summary =
        DemoSummary { admin_email: AGENTS[0].1, password: DEMO_PASSWORD, conversations: 0, seeded: false };
    if !store.list_agents().await?.is_empty() {
        return Ok(summary);
    }
    let team = store.create_team("Lumenhaus support", &LanguageTag::parse("en").expect("valid")).await?;
    let password_hash = hash(DEMO_PASSWORD);
    for (name, email, role, languages, time_zone) in AGENTS {
        let languages = languages.iter().map(|l| LanguageTag::parse(l).expect("valid")).collect();
        store
            .create_agent(
                &NewAgent {
                    name: name.into(),
                    email: email.into(),
                    role,
                    languages,
                    time_zone: time_zone.into(),
                    team_id: Some(team.id),
                    password_hash: Some(password_hash.clone()),
                },
                now,
            )
            .await?;
    }

    let limits = IngestLimits::default();
    // Spread arrivals over the last day and a half so the inbox shows every SLA state:
    // overdue, due soon, comfortably ahead.
    let minutes_ago = |i: usize| now.plus_millis(-((i as i64 * 47 + 5) * 60_000));
    let mut arrival = 0;
    for (name, raw) in EMAILS {
        let parsed = parse_email(raw).map_err(|e| StoreError::Invalid(format!("demo email {name}: {e}")))?;
        seed_order(store, &parsed.order_numbers, parsed.marketplace.as_ref(), now).await?;
        store.ingest(&parsed.into_inbound(raw.to_vec()), &limits, minutes_ago(arrival)).await?;
        arrival += 1;
    }
    for line in MESSAGES.lines().filter(|l| !l.trim().is_empty()) {
        let sample: SampleMessage =
            serde_json::from_str(line).map_err(|e| StoreError::Corrupt(format!("demo message: {e}")))?;
        let message = sample_inbound(&sample);
        seed_order(store, &message.order_numbers, message.marketplace.as_ref(), now).await?;
        store.ingest(&message, &limits, minutes_ago(arrival)).await?;
        arrival += 1;
    }
    store
        .create_customer(
            &NewCustomer {
                name: Some("Lena Schäfer".into()),
                aliases: vec![],
                country: Some("DE".into()),
                tags: vec!["vip".into()],
                notes: Some("Ordered four lamps for her shop; prefers email.".into()),
            },
            now,
        )
        .await?;
    summary.conversations = arrival;
    summary.seeded = true;
    Ok(summary)
}

/// The channel a sample message most likely came through, from the shape of its order number.
fn sample_inbound(sample: &SampleMessage) -> InboundMessage {
    let orders = OrderNumber::find_all(&sample.text);
    let (channel, marketplace) = match orders.first().map(|o| o.kind) {
        Some(OrderNumberKind::Amazon) => (Channel::Amazon, Some("amazon.com")),
        Some(OrderNumberKind::Ebay) => (Channel::Ebay, Some("ebay")),
        Some(OrderNumberKind::Shopify) => (Channel::Shopify, Some("shopify")),
        None => (Channel::Email, None),
    };
    InboundMessage {
        channel,
        marketplace: marketplace.map(|m| Marketplace::parse(m).expect("valid")),
        external_id: format!("demo-{}", sample.id),
        thread: ThreadHints { thread_key: Some(format!("demo-{}", sample.id)), ..ThreadHints::default() },
        sender: format!("buyer-{}@buyers.example", sample.id),
        sender_name: None,
        subject: None,
        body_text: sample.text.clone(),
        quoted_text: None,
        body_html: None,
        language_hint: None,
        order_numbers: orders.into_iter().map(|o| o.text).collect(),
        attachments: vec![],
        warnings: vec![],
        sent_at: None,
        raw: None,
    }
}

/// One plausible order per order number, so conversations link to something real.
async fn seed_order(
    store: &dyn Store,
    numbers: &[String],
    marketplace: Option<&Marketplace>,
    now: Timestamp,
) -> Result<(), StoreError> {
    for (i, number) in numbers.iter().enumerate() {
        let shipped = number.bytes().map(u64::from).sum::<u64>() % 2 == 0;
        let marketplace = marketplace.cloned().unwrap_or_else(|| Marketplace::parse("shopify").expect("valid"));
        store
            .upsert_order(
                &NewOrder {
                    marketplace,
                    order_number: number.clone(),
                    customer_id: None,
                    status: if shipped { "shipped" } else { "paid" }.into(),
                    currency: Some("EUR".into()),
                    total: Some(format!("{}.90", 39 + 10 * i)),
                    items: vec![OrderItem {
                        sku: Some(format!("LH-LAMP-{:03}", 100 + i)),
                        title: "Nordlicht table lamp, brass".into(),
                        quantity: 1,
                        unit_price: Some(format!("{}.90", 39 + 10 * i)),
                    }],
                    shipments: if shipped {
                        vec![Shipment {
                            carrier: Some("DHL".into()),
                            tracking_number: Some("00340434298817559013".into()),
                            tracking_url: Some("https://www.dhl.de/de/privatkunden/pakete-empfangen/verfolgen.html?piececode=00340434298817559013".into()),
                            status: Some("in_transit".into()),
                            shipped_at: Some(now.plus_millis(-2 * 86_400_000)),
                        }]
                    } else {
                        vec![]
                    },
                    shipping_country: Some("DE".into()),
                    ordered_at: Some(now.plus_millis(-5 * 86_400_000)),
                },
                now,
            )
            .await?;
    }
    Ok(())
}
