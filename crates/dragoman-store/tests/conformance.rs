//! The behaviour every [`Store`] must have, written once and run against each backend.
//!
//! Each test is an `async fn(Arc<dyn Store>)`; `conformance!` at the bottom makes one
//! `#[tokio::test]` of it per backend, each on a database of its own: a temporary SQLite file,
//! or a PostgreSQL database created for the test and dropped after it (also when it fails).
//! PostgreSQL is reached at `DRAGOMAN_TEST_PG_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`); when it cannot be reached the PostgreSQL
//! tests are skipped with a message, unless `CI` is set, where they fail.

use dragoman_core::*;
// Named, since dragoman_store has an `sla` module too.
use dragoman_core::sla;
use dragoman_store::*;
use std::collections::HashSet;
use std::sync::Arc;

mod harness {
    use dragoman_store::Store;
    use sqlx::Connection;
    use std::future::Future;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Runs `test` on its own task so a failing assertion still lets the caller clean up;
    /// then re-raises the failure.
    async fn run<F, Fut>(store: Arc<dyn Store>, test: F) -> Result<(), Box<dyn std::any::Any + Send>>
    where
        F: FnOnce(Arc<dyn Store>) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        tokio::spawn(test(store)).await.map_err(|e| e.into_panic())
    }

    pub async fn on_sqlite<F, Fut>(test: F)
    where
        F: FnOnce(Arc<dyn Store>) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let url = format!("sqlite://{}", dir.path().join("dragoman.db").display());
        let store = dragoman_store::open(&url).await.expect("SQLite store opens");
        assert_eq!(store.backend(), dragoman_store::Backend::Sqlite);
        let outcome = run(store, test).await;
        drop(dir);
        if let Err(panic) = outcome {
            std::panic::resume_unwind(panic);
        }
    }

    pub async fn on_postgres<F, Fut>(test: F)
    where
        F: FnOnce(Arc<dyn Store>) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let admin_url = std::env::var("DRAGOMAN_TEST_PG_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
        let mut admin = match sqlx::PgConnection::connect(&admin_url).await {
            Ok(conn) => conn,
            Err(e) if std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0") => {
                panic!("PostgreSQL at {admin_url} is unreachable and CI is set, so this is a failure: {e}")
            }
            Err(e) => {
                eprintln!(
                    "SKIPPED: PostgreSQL at {admin_url} is unreachable ({e}); set DRAGOMAN_TEST_PG_URL \
                     to run the PostgreSQL conformance tests"
                );
                return;
            }
        };
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
        let name = format!("dragoman_test_{}_{}_{nanos}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed));
        sqlx::query(&format!("CREATE DATABASE \"{name}\"")).execute(&mut admin).await.expect("CREATE DATABASE");
        let outcome = match dragoman_store::open(&with_database(&admin_url, &name)).await {
            Ok(store) => {
                assert_eq!(store.backend(), dragoman_store::Backend::Postgres);
                run(store, test).await
            }
            Err(e) => Err(Box::new(format!("PostgreSQL store did not open: {e}")) as Box<dyn std::any::Any + Send>),
        };
        sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
            .execute(&mut admin)
            .await
            .expect("DROP DATABASE");
        if let Err(panic) = outcome {
            std::panic::resume_unwind(panic);
        }
    }

    /// `postgres://user@host:port/db?opts` with `db` replaced.
    fn with_database(url: &str, database: &str) -> String {
        let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
        let authority_start = base.find("://").map_or(0, |i| i + 3);
        let path_start = base[authority_start..].find('/').map_or(base.len(), |i| authority_start + i);
        let mut out = format!("{}/{database}", &base[..path_start]);
        if let Some(q) = query {
            out.push('?');
            out.push_str(q);
        }
        out
    }
}

// --- fixtures ----------------------------------------------------------------------------

const T0: i64 = 1_717_600_000_000;

fn at(ms: i64) -> Timestamp {
    Timestamp(T0 + ms)
}

fn inbound(channel: Channel, external_id: &str, sender: &str, body: &str) -> InboundMessage {
    InboundMessage {
        channel,
        marketplace: None,
        external_id: external_id.to_owned(),
        thread: ThreadHints::default(),
        sender: sender.to_owned(),
        sender_name: Some("Lena Example".to_owned()),
        subject: Some("Frage zur Bestellung".to_owned()),
        body_text: body.to_owned(),
        quoted_text: None,
        body_html: None,
        language_hint: None,
        order_numbers: Vec::new(),
        attachments: Vec::new(),
        warnings: Vec::new(),
        sent_at: None,
        raw: None,
    }
}

fn email(external_id: &str, body: &str) -> InboundMessage {
    let mut m = inbound(Channel::Email, external_id, "Lena@Example.de", body);
    m.thread.rfc_message_id = Some(external_id.to_owned());
    m
}

fn keyed(channel: Channel, external_id: &str, thread_key: &str) -> InboundMessage {
    let mut m = inbound(channel, external_id, "buyer-1", "Where is my order?");
    m.thread.thread_key = Some(thread_key.to_owned());
    m
}

async fn ingest(store: &Arc<dyn Store>, msg: &InboundMessage, now: Timestamp) -> IngestOutcome {
    store.ingest(msg, &IngestLimits::default(), now).await.expect("ingest")
}

fn lang(s: &str) -> LanguageTag {
    LanguageTag::parse(s).unwrap()
}

fn new_agent(email: &str) -> NewAgent {
    NewAgent {
        name: format!("Agent {email}"),
        email: email.to_owned(),
        role: Role::Agent,
        languages: vec![lang("de"), lang("en")],
        time_zone: "Europe/Berlin".to_owned(),
        team_id: None,
        password_hash: Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_owned()),
    }
}

async fn list(store: &Arc<dyn Store>, query: ConversationQuery) -> Vec<ConversationId> {
    let mut ids: Vec<_> = store.list_conversations(&query).await.expect("list").items.iter().map(|c| c.id).collect();
    ids.sort();
    ids
}

async fn patch(store: &Arc<dyn Store>, id: ConversationId, patch: ConversationPatch) -> Conversation {
    store.update_conversation(id, &patch, at(1)).await.expect("update_conversation")
}

#[track_caller]
fn assert_invalid<T: std::fmt::Debug>(r: Result<T>, contains: &str) {
    match r {
        Err(StoreError::Invalid(msg)) => assert!(msg.contains(contains), "{msg:?} should contain {contains:?}"),
        other => panic!("expected Invalid containing {contains:?}, got {other:?}"),
    }
}

#[track_caller]
fn assert_not_found<T: std::fmt::Debug>(r: Result<T>) {
    assert!(matches!(r, Err(StoreError::NotFound { .. })), "expected NotFound, got {r:?}");
}

#[track_caller]
fn assert_conflict<T: std::fmt::Debug>(r: Result<T>) {
    assert!(matches!(r, Err(StoreError::Conflict(_))), "expected Conflict, got {r:?}");
}

// --- ingest ------------------------------------------------------------------------------

async fn ingest_stores_and_dedupes(store: Arc<dyn Store>) {
    store.ping().await.unwrap();
    let mut msg = email("m1@example.de", "Hallo,\n\nwo ist mein Paket?");
    msg.marketplace = Some(Marketplace::parse("amazon.de").unwrap());
    msg.order_numbers = vec!["302-5518290-6612047".to_owned()];
    msg.warnings = vec!["broken charset".to_owned()];
    let now = at(0);
    let first = ingest(&store, &msg, now).await;
    assert!(!first.duplicate);

    let c = store.get_conversation(first.conversation_id).await.unwrap();
    assert_eq!(c.status, ConversationStatus::Open);
    assert_eq!(c.channel, Channel::Email);
    assert_eq!(c.marketplace.as_ref().map(Marketplace::as_str), Some("amazon.de"));
    assert_eq!(c.priority, Priority::Normal);
    assert_eq!(c.tier, Tier::Agent);
    assert_eq!(c.subject.as_deref(), Some("Frage zur Bestellung"));
    assert_eq!(c.order_number.as_deref(), Some("302-5518290-6612047"));
    assert_eq!(c.order_id, None, "the store has no such order yet");
    assert_eq!(c.sla_due_at, Some(sla::default_response_due(Channel::Email, now)));
    assert_eq!((c.last_message_at, c.created_at, c.updated_at), (now, now, now));
    assert_eq!(c.message_count, 1);
    assert_eq!(c.preview.as_deref(), Some("Hallo, wo ist mein Paket?"));
    assert!(!c.escalated && c.tags.is_empty() && c.assignee_id.is_none() && c.buyer_language.is_none());

    let customer = store.get_customer(c.customer_id.expect("a customer")).await.unwrap();
    assert_eq!(customer.name.as_deref(), Some("Lena Example"));
    assert_eq!(customer.aliases, [CustomerAlias { channel: Channel::Email, address: "lena@example.de".into() }]);

    let m = store.get_message(first.message_id).await.unwrap();
    assert_eq!(m.conversation_id, first.conversation_id);
    assert_eq!(m.direction, Direction::Inbound);
    assert_eq!(m.enrichment, "pending");
    assert_eq!(m.created_at, now);
    assert_eq!(m.external_id.as_deref(), Some("m1@example.de"));
    assert_eq!(m.sender.as_deref(), Some("Lena@Example.de"));
    assert_eq!(m.body_text, "Hallo,\n\nwo ist mein Paket?");
    assert_eq!(m.order_numbers, ["302-5518290-6612047"]);
    assert_eq!(m.warnings, ["broken charset"]);
    assert_eq!(m.raw_id, None);

    let jobs = store.list_jobs(Some(JobState::Queued), 0).await.unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].kind, "enrich");
    assert_eq!(jobs[0].payload, serde_json::json!({ "message_id": first.message_id.0 }));
    assert_eq!(jobs[0].max_attempts, 5);

    let again = ingest(&store, &msg, at(5_000)).await;
    assert!(again.duplicate);
    assert_eq!((again.conversation_id, again.message_id), (first.conversation_id, first.message_id));
    assert_eq!(store.list_messages(first.conversation_id).await.unwrap().len(), 1);
    assert_eq!(store.get_conversation(first.conversation_id).await.unwrap().message_count, 1);
    assert_eq!(store.list_jobs(None, 0).await.unwrap().len(), 1, "a duplicate enqueues nothing");

    // The same external id on another channel is another message.
    let mut chat = msg.clone();
    chat.channel = Channel::Chat;
    assert!(!ingest(&store, &chat, at(6_000)).await.duplicate);
}

async fn email_threads_by_references(store: Arc<dyn Store>) {
    let first = ingest(&store, &email("a@shop", "first"), at(0)).await;
    let mut reply = email("b@shop", "second");
    reply.thread.references = vec!["unknown@elsewhere".into(), "a@shop".into()];
    let second = ingest(&store, &reply, at(1_000)).await;
    assert_eq!(second.conversation_id, first.conversation_id);
    let mut deeper = email("c@shop", "third");
    deeper.thread.references = vec!["b@shop".into()];
    assert_eq!(ingest(&store, &deeper, at(2_000)).await.conversation_id, first.conversation_id);

    let c = store.get_conversation(first.conversation_id).await.unwrap();
    assert_eq!(c.message_count, 3);
    assert_eq!(c.last_message_at, at(2_000));
    assert_eq!(c.preview.as_deref(), Some("third"));
    let bodies: Vec<_> = store.list_messages(c.id).await.unwrap().into_iter().map(|m| m.body_text).collect();
    assert_eq!(bodies, ["first", "second", "third"], "oldest first");

    let mut stranger = email("d@shop", "new topic");
    stranger.thread.references = vec!["nobody@nowhere".into()];
    assert_ne!(ingest(&store, &stranger, at(3_000)).await.conversation_id, first.conversation_id);

    // Message ids thread within one channel only.
    let mut chat = inbound(Channel::Chat, "e", "visitor", "hi");
    chat.thread.references = vec!["a@shop".into()];
    assert_ne!(ingest(&store, &chat, at(4_000)).await.conversation_id, first.conversation_id);
}

async fn thread_key_threads(store: Arc<dyn Store>) {
    let a1 = ingest(&store, &keyed(Channel::Amazon, "x1", "alias-1+302-1"), at(0)).await;
    let a2 = ingest(&store, &keyed(Channel::Amazon, "x2", "alias-1+302-1"), at(1)).await;
    let b = ingest(&store, &keyed(Channel::Amazon, "x3", "alias-1+302-2"), at(2)).await;
    let other_channel = ingest(&store, &keyed(Channel::Ebay, "x4", "alias-1+302-1"), at(3)).await;
    assert_eq!(a1.conversation_id, a2.conversation_id);
    assert_ne!(a1.conversation_id, b.conversation_id);
    assert_ne!(a1.conversation_id, other_channel.conversation_id);
    assert_eq!(store.get_conversation(a1.conversation_id).await.unwrap().message_count, 2);
    // One buyer (channel + address) is one customer across conversations.
    let (c1, c2) = (
        store.get_conversation(a1.conversation_id).await.unwrap(),
        store.get_conversation(b.conversation_id).await.unwrap(),
    );
    assert_eq!(c1.customer_id, c2.customer_id);
}

async fn closed_conversation_starts_a_new_one(store: Arc<dyn Store>) {
    let first = ingest(&store, &keyed(Channel::Chat, "c1", "session-9"), at(0)).await;
    store.set_status(first.conversation_id, ConversationStatus::Closed, at(1)).await.unwrap();
    let second = ingest(&store, &keyed(Channel::Chat, "c2", "session-9"), at(2)).await;
    assert_ne!(second.conversation_id, first.conversation_id);
    let c = store.get_conversation(second.conversation_id).await.unwrap();
    assert_eq!((c.status, c.message_count), (ConversationStatus::Open, 1));
    assert_eq!(c.sla_due_at, Some(sla::default_response_due(Channel::Chat, at(2))));
    let third = ingest(&store, &keyed(Channel::Chat, "c3", "session-9"), at(3)).await;
    assert_eq!(third.conversation_id, second.conversation_id, "the new conversation carries the thread key");
    assert_eq!(store.get_conversation(first.conversation_id).await.unwrap().status, ConversationStatus::Closed);

    // The same through email references.
    let e1 = ingest(&store, &email("r1@shop", "one"), at(4)).await;
    store.set_status(e1.conversation_id, ConversationStatus::Closed, at(5)).await.unwrap();
    let mut reply = email("r2@shop", "two");
    reply.thread.references = vec!["r1@shop".into()];
    assert_ne!(ingest(&store, &reply, at(6)).await.conversation_id, e1.conversation_id);
}

async fn resolved_conversation_reopens(store: Arc<dyn Store>) {
    let first = ingest(&store, &keyed(Channel::Ebay, "e1", "conv-1"), at(0)).await;
    let due = store.get_conversation(first.conversation_id).await.unwrap().sla_due_at;
    store.set_status(first.conversation_id, ConversationStatus::Resolved, at(1)).await.unwrap();
    let second = ingest(&store, &keyed(Channel::Ebay, "e2", "conv-1"), at(2)).await;
    assert_eq!(second.conversation_id, first.conversation_id);
    let c = store.get_conversation(first.conversation_id).await.unwrap();
    assert_eq!(c.status, ConversationStatus::Open);
    assert_eq!(c.sla_due_at, due, "a due time already set is kept");

    // Once answered (no due time), the next buyer message sets a fresh one.
    patch(&store, c.id, ConversationPatch { sla_due_at: Some(None), ..Default::default() }).await;
    store.set_status(c.id, ConversationStatus::Pending, at(3)).await.unwrap();
    ingest(&store, &keyed(Channel::Ebay, "e3", "conv-1"), at(10_000)).await;
    let c = store.get_conversation(c.id).await.unwrap();
    assert_eq!(c.status, ConversationStatus::Open);
    assert_eq!(c.sla_due_at, Some(sla::default_response_due(Channel::Ebay, at(10_000))));
    assert_eq!(c.message_count, 3);
}

async fn oversized_attachment_is_not_kept(store: Arc<dyn Store>) {
    let mut msg = email("att@shop", "see photos");
    msg.attachments = vec![
        InboundAttachment {
            filename: "label.pdf".into(),
            content_type: "application/pdf".into(),
            data: b"%PDF-1".to_vec(),
        },
        InboundAttachment { filename: "x.jpg".into(), content_type: "image/jpeg".into(), data: vec![0xff; 64] },
    ];
    let limits = IngestLimits { max_attachment_bytes: 32 };
    let out = store.ingest(&msg, &limits, at(0)).await.unwrap();
    let m = store.get_message(out.message_id).await.unwrap();
    assert_eq!(m.warnings, ["attachment \"x.jpg\" (64 bytes) is over the 32-byte limit; its content was not kept"]);
    assert_eq!(m.attachments.len(), 2);
    let (small, big) = (&m.attachments[0], &m.attachments[1]);
    assert_eq!((small.filename.as_str(), small.size, small.stored), ("label.pdf", 6, true));
    assert_eq!(
        (big.filename.as_str(), big.content_type.as_str(), big.size, big.stored),
        ("x.jpg", "image/jpeg", 64, false)
    );
    assert_eq!(big.sha256.len(), 64, "the digest of content not kept is still recorded");
    let (meta, content) = store.attachment_content(small.id).await.unwrap();
    assert_eq!((&meta, content.as_slice()), (small, &b"%PDF-1"[..]));
    assert_not_found(store.attachment_content(big.id).await);
    assert_not_found(store.attachment_content(AttachmentId(999_999)).await);
}

async fn raw_bytes_are_kept(store: Arc<dyn Store>) {
    let bytes = b"Message-ID: <raw@shop>\r\nSubject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\n\r\n\xff\x00body".to_vec();
    let mut msg = email("raw@shop", "body");
    msg.raw = Some(RawInput { media_type: "message/rfc822".into(), bytes: bytes.clone() });
    let out = ingest(&store, &msg, at(42)).await;
    let raw_id = store.get_message(out.message_id).await.unwrap().raw_id.expect("raw id");
    let raw = store.raw_message(raw_id).await.unwrap();
    assert_eq!(raw.bytes, bytes);
    assert_eq!(raw.media_type, "message/rfc822");
    assert_eq!(raw.received_at, at(42));
    assert_eq!(raw.sha256.len(), 64);
    assert!(raw.sha256.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    assert_not_found(store.raw_message(RawMessageId(raw_id.0 + 1000)).await);
}

async fn concurrent_ingest_of_one_message_stores_it_once(store: Arc<dyn Store>) {
    let msg = keyed(Channel::Amazon, "same-id", "alias+1");
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let (store, msg) = (store.clone(), msg.clone());
            tokio::spawn(async move { store.ingest(&msg, &IngestLimits::default(), at(i)).await })
        })
        .collect();
    let mut outcomes = Vec::new();
    for t in tasks {
        outcomes.push(t.await.unwrap().expect("every concurrent ingest succeeds"));
    }
    assert_eq!(outcomes.iter().filter(|o| !o.duplicate).count(), 1);
    let first = outcomes.iter().find(|o| !o.duplicate).unwrap();
    assert!(outcomes.iter().all(|o| (o.conversation_id, o.message_id) == (first.conversation_id, first.message_id)));
    assert_eq!(store.list_messages(first.conversation_id).await.unwrap().len(), 1);
    assert_eq!(store.list_conversations(&ConversationQuery::default()).await.unwrap().items.len(), 1);
    assert_eq!(store.list_jobs(None, 0).await.unwrap().len(), 1);
    assert_eq!(store.list_customers(&PageRequest::default()).await.unwrap().items.len(), 1);
}

async fn concurrent_ingest_of_distinct_messages_keeps_all(store: Arc<dyn Store>) {
    let tasks: Vec<_> = (0..200)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut msg = keyed(Channel::Chat, &format!("msg-{i}"), &format!("session-{}", i % 20));
                // Distinct senders, so only the thread key ties racing messages together.
                msg.sender = format!("visitor-{i}");
                store.ingest(&msg, &IngestLimits::default(), at(i)).await
            })
        })
        .collect();
    for t in tasks {
        assert!(!t.await.unwrap().expect("ingest").duplicate);
    }
    let all = store
        .list_conversations(&ConversationQuery {
            page: PageRequest { limit: 200, ..Default::default() },
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(all.items.len(), 20, "one conversation per thread key, even when its first messages race");
    assert_eq!(all.items.iter().map(|c| c.message_count).sum::<i64>(), 200);
    for c in &all.items {
        assert_eq!(store.list_messages(c.id).await.unwrap().len() as i64, c.message_count);
    }
    let queued = store.job_counts().await.unwrap();
    assert!(queued.contains(&(JobState::Queued, 200)), "{queued:?}");
    let customers = store.list_customers(&PageRequest { limit: 200, ..Default::default() }).await.unwrap();
    assert_eq!(customers.items.len(), 200);
}

// --- conversation lists ------------------------------------------------------------------

async fn list_filters_each_field(store: Arc<dyn Store>) {
    let a = store.create_agent(&new_agent("a@shop.example"), at(0)).await.unwrap();
    let b = store.create_agent(&new_agent("b@shop.example"), at(0)).await.unwrap();
    let c1 = ingest(&store, &email("f1@shop", "eins"), at(0)).await.conversation_id;
    let c2 = ingest(&store, &keyed(Channel::Amazon, "f2", "k2"), at(1)).await.conversation_id;
    let c3 = ingest(&store, &keyed(Channel::Chat, "f3", "k3"), at(2)).await.conversation_id;

    store.assign(c1, Some(a.id), at(3)).await.unwrap();
    store.assign(c3, Some(b.id), at(3)).await.unwrap();
    store.set_status(c2, ConversationStatus::Pending, at(3)).await.unwrap();
    store.set_status(c3, ConversationStatus::Resolved, at(3)).await.unwrap();
    let de = Some(lang("de"));
    patch(
        &store,
        c1,
        ConversationPatch {
            buyer_language: de.clone(),
            intent: Some(Some("where_is_my_order".into())),
            escalated: Some(true),
            ..Default::default()
        },
    )
    .await;
    patch(
        &store,
        c2,
        ConversationPatch {
            buyer_language: Some(lang("ja")),
            intent: Some(Some("return".into())),
            ..Default::default()
        },
    )
    .await;
    patch(
        &store,
        c3,
        ConversationPatch { buyer_language: de.clone(), tier: Some(Tier::Partner), ..Default::default() },
    )
    .await;

    let q = ConversationQuery::default;
    assert_eq!(list(&store, q()).await, [c1, c2, c3]);
    assert_eq!(list(&store, ConversationQuery { status: Some(ConversationStatus::Open), ..q() }).await, [c1]);
    assert_eq!(list(&store, ConversationQuery { status: Some(ConversationStatus::Pending), ..q() }).await, [c2]);
    assert_eq!(list(&store, ConversationQuery { assignee: Some(AssigneeFilter::Agent(a.id)), ..q() }).await, [c1]);
    assert_eq!(list(&store, ConversationQuery { assignee: Some(AssigneeFilter::Unassigned), ..q() }).await, [c2]);
    assert_eq!(list(&store, ConversationQuery { channel: Some(Channel::Amazon), ..q() }).await, [c2]);
    assert_eq!(list(&store, ConversationQuery { channel: Some(Channel::Shopify), ..q() }).await, []);
    assert_eq!(list(&store, ConversationQuery { language: de.clone(), ..q() }).await, [c1, c3]);
    assert_eq!(list(&store, ConversationQuery { intent: Some("return".into()), ..q() }).await, [c2]);
    assert_eq!(list(&store, ConversationQuery { escalated: Some(true), ..q() }).await, [c1]);
    assert_eq!(list(&store, ConversationQuery { escalated: Some(false), ..q() }).await, [c2, c3]);
    assert_eq!(list(&store, ConversationQuery { tier: Some(Tier::Partner), ..q() }).await, [c3]);
    assert_eq!(
        list(&store, ConversationQuery { language: de, status: Some(ConversationStatus::Resolved), ..q() }).await,
        [c3],
        "filters combine with AND"
    );
    // Unassigning brings a conversation back to the unassigned list.
    store.assign(c1, None, at(4)).await.unwrap();
    assert_eq!(list(&store, ConversationQuery { assignee: Some(AssigneeFilter::Unassigned), ..q() }).await, [c1, c2]);
}

async fn tag_filter(store: Arc<dyn Store>) {
    let c1 = ingest(&store, &keyed(Channel::Chat, "t1", "k1"), at(0)).await.conversation_id;
    let c2 = ingest(&store, &keyed(Channel::Chat, "t2", "k2"), at(0)).await.conversation_id;
    let tagged = patch(
        &store,
        c1,
        ConversationPatch {
            tags: Some(vec!["VIP ".into(), "返品".into(), "vip".into(), "".into()]),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(tagged.tags, ["vip", "返品"]);
    patch(&store, c2, ConversationPatch { tags: Some(vec!["返品".into()]), ..Default::default() }).await;
    let q = |tag: &str| ConversationQuery { tag: Some(tag.into()), ..Default::default() };
    assert_eq!(list(&store, q("vip")).await, [c1]);
    assert_eq!(list(&store, q("VIP")).await, [c1]);
    assert_eq!(list(&store, q("返品")).await, [c1, c2]);
    assert_eq!(list(&store, q("nope")).await, []);
    let listed = store.list_conversations(&q("返品")).await.unwrap();
    let first = listed.items.iter().find(|c| c.id == c1).unwrap();
    assert_eq!(first.tags, ["vip", "返品"], "listed conversations carry all their tags");
    // Replacing the set removes what is not in it.
    patch(&store, c1, ConversationPatch { tags: Some(vec![]), ..Default::default() }).await;
    assert_eq!(list(&store, q("vip")).await, []);
    assert!(store.get_conversation(c1).await.unwrap().tags.is_empty());
}

async fn text_search(store: Arc<dyn Store>) {
    let ja =
        ingest(&store, &inbound(Channel::Amazon, "s1", "buyer-jp", "ご注文の商品はいつ発送されますか？"), at(0)).await;
    let de = ingest(&store, &email("s2@shop", "Hallo, wo ist mein PAKET? Lieferung nach MÜNCHEN."), at(1)).await;
    let pct = ingest(&store, &inbound(Channel::Chat, "s3", "visitor", "Is the 50% discount still valid?"), at(2)).await;
    ingest(&store, &inbound(Channel::Chat, "s4", "visitor-2", "Nothing to see here"), at(3)).await;
    let translation = Translation {
        language: lang("en"),
        text: "Hello, where is my parcel?".into(),
        engine: "test".into(),
        model: None,
        created_at: at(4),
    };
    store.add_translation(de.message_id, &translation).await.unwrap();

    let q = |text: &str| ConversationQuery { text: Some(text.into()), ..Default::default() };
    assert_eq!(list(&store, q("発送")).await, [ja.conversation_id], "two CJK characters");
    assert_eq!(list(&store, q("発送されます")).await, [ja.conversation_id], "a longer CJK phrase");
    assert_eq!(list(&store, q("paket")).await, [de.conversation_id], "case-insensitive");
    assert_eq!(list(&store, q("münchen")).await, [de.conversation_id], "case-insensitive beyond ASCII");
    assert_eq!(list(&store, q("PARCEL")).await, [de.conversation_id], "found through the translation");
    assert_eq!(list(&store, q("where is my")).await, [de.conversation_id], "a phrase with spaces");
    assert_eq!(list(&store, q("50%")).await, [pct.conversation_id]);
    assert_eq!(list(&store, q("%")).await, [pct.conversation_id], "% is matched literally");
    assert_eq!(list(&store, q("_")).await, [], "_ is matched literally");
    assert_eq!(list(&store, q("\"quoted\"")).await, []);
    assert_eq!(list(&store, q("zzz")).await, []);
    let closed_only = ConversationQuery { status: Some(ConversationStatus::Closed), ..q("paket") };
    assert_eq!(list(&store, closed_only).await, [], "text combines with the other filters");
    // A conversation matched by several messages, or by its text and a translation, appears once.
    let mut again = email("s5@shop", "Noch einmal: mein Paket!");
    again.thread.references = vec!["s2@shop".into()];
    ingest(&store, &again, at(5)).await;
    assert_eq!(list(&store, q("paket")).await, [de.conversation_id]);
    assert_eq!(list(&store, q("o, w")).await, [de.conversation_id], "\"Hallo, wo\" and \"Hello, where\"");
}

/// Text matches come from originals and translations; pages over them neither skip nor repeat.
async fn text_search_pages(store: Arc<dyn Store>) {
    let mut expected = Vec::new();
    for i in 0..12i64 {
        // i % 4: 0 matches in the original and its translation, 1 in the original only,
        // 2 in the translation only, 3 nowhere.
        let (body, translation) = match i % 4 {
            0 => ("Retoure bitte", "Retoure, please"),
            1 => ("Retoure bitte", "Return, please"),
            2 => ("Rücksendung bitte", "Retoure means return"),
            _ => ("Rücksendung bitte", "Return, please"),
        };
        let mut msg = keyed(Channel::Ebay, &format!("tp{i}"), &format!("k{i}"));
        msg.body_text = body.into();
        // Few distinct times, so the keyset ties on the sort key and is broken by id.
        let out = ingest(&store, &msg, at(i % 3)).await;
        let t = Translation {
            language: lang("en"),
            text: translation.into(),
            engine: "test".into(),
            model: None,
            created_at: at(9),
        };
        store.add_translation(out.message_id, &t).await.unwrap();
        if i % 4 != 3 {
            expected.push(store.get_conversation(out.conversation_id).await.unwrap());
        }
    }
    for sort in [ConversationSort::SlaDue, ConversationSort::LastActivity] {
        let mut want = expected.clone();
        match sort {
            ConversationSort::SlaDue => want.sort_by_key(|c| (c.sla_due_at.map_or(i64::MAX, |t| t.0), c.id)),
            ConversationSort::LastActivity => want.sort_by_key(|c| std::cmp::Reverse((c.last_message_at, c.id))),
        }
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let query = ConversationQuery {
                text: Some("RETOURE".into()),
                sort,
                page: PageRequest { cursor, limit: 2 },
                ..Default::default()
            };
            let page = store.list_conversations(&query).await.unwrap();
            seen.extend(page.items.iter().map(|c| c.id));
            cursor = page.next_cursor;
            if cursor.is_none() {
                break;
            }
        }
        assert_eq!(seen, want.iter().map(|c| c.id).collect::<Vec<_>>(), "{sort:?}");
    }
}

/// Conversations with ties in both sort keys, listed page by page.
async fn pagination_has_no_gaps_or_repeats(store: Arc<dyn Store>) {
    let mut all = Vec::new();
    for i in 0..25i64 {
        let id = ingest(&store, &keyed(Channel::Chat, &format!("p{i}"), &format!("k{i}")), at(i / 3 * 1_000))
            .await
            .conversation_id;
        let due = if i % 4 == 0 { None } else { Some(at(100_000 + (i % 5) * 1_000)) };
        all.push(patch(&store, id, ConversationPatch { sla_due_at: Some(due), ..Default::default() }).await);
    }
    let mut by_sla = all.clone();
    by_sla.sort_by_key(|c| (c.sla_due_at.map_or(i64::MAX, |t| t.0), c.id));
    let mut by_activity = all.clone();
    by_activity.sort_by_key(|c| std::cmp::Reverse((c.last_message_at, c.id)));

    for (sort, expected) in [(ConversationSort::SlaDue, by_sla), (ConversationSort::LastActivity, by_activity)] {
        let mut seen = Vec::new();
        let mut cursor = None;
        let mut pages = 0;
        loop {
            let query = ConversationQuery {
                sort,
                page: PageRequest { cursor: cursor.clone(), limit: 4 },
                ..Default::default()
            };
            let page = store.list_conversations(&query).await.unwrap();
            pages += 1;
            assert!(page.items.len() <= 4);
            seen.extend(page.items.into_iter().map(|c| c.id));
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        assert_eq!(seen, expected.iter().map(|c| c.id).collect::<Vec<_>>(), "{sort:?}");
        assert_eq!(pages, 7, "{sort:?}: 25 rows in pages of 4");
    }

    // A filtered list pages the same way.
    let open = ConversationQuery {
        status: Some(ConversationStatus::Open),
        page: PageRequest { cursor: None, limit: 25 },
        ..Default::default()
    };
    let page = store.list_conversations(&open).await.unwrap();
    assert_eq!(page.items.len(), 25);
    assert!(page.next_cursor.is_none(), "an exactly full last page has no next cursor");
}

async fn malformed_cursor_is_refused(store: Arc<dyn Store>) {
    for i in 0..3 {
        ingest(&store, &keyed(Channel::Chat, &format!("mc{i}"), &format!("k{i}")), at(i)).await;
    }
    let with = |sort, cursor: &str| ConversationQuery {
        sort,
        page: PageRequest { cursor: Some(cursor.into()), limit: 1 },
        ..Default::default()
    };
    assert_invalid(
        store.list_conversations(&with(ConversationSort::SlaDue, "garbage!")).await,
        "cursor is not one this server issued",
    );
    assert_invalid(store.list_conversations(&with(ConversationSort::SlaDue, "")).await, "cursor");
    let sla_cursor = store
        .list_conversations(&ConversationQuery { page: PageRequest { cursor: None, limit: 1 }, ..Default::default() })
        .await
        .unwrap()
        .next_cursor
        .expect("more pages");
    assert!(store.list_conversations(&with(ConversationSort::SlaDue, &sla_cursor)).await.is_ok());
    assert_invalid(store.list_conversations(&with(ConversationSort::LastActivity, &sla_cursor)).await, "cursor");
    assert_invalid(store.list_customers(&PageRequest { cursor: Some(sla_cursor.clone()), limit: 1 }).await, "cursor");
    assert_invalid(store.list_orders(&PageRequest { cursor: Some(sla_cursor), limit: 1 }).await, "cursor");
}

// --- conversation changes ----------------------------------------------------------------

async fn status_transitions(store: Arc<dyn Store>) {
    let id = ingest(&store, &keyed(Channel::Chat, "st", "k"), at(0)).await.conversation_id;
    for (status, when) in [
        (ConversationStatus::Pending, 1),
        (ConversationStatus::Snoozed, 2),
        (ConversationStatus::Resolved, 3),
        (ConversationStatus::Open, 4),
    ] {
        let c = store.set_status(id, status, at(when)).await.unwrap();
        assert_eq!((c.status, c.updated_at), (status, at(when)));
    }
    assert_invalid(
        store.set_status(id, ConversationStatus::Open, at(5)).await,
        &format!("cannot move conversation {id} from open to open"),
    );
    store.set_status(id, ConversationStatus::Closed, at(6)).await.unwrap();
    assert_invalid(
        store.set_status(id, ConversationStatus::Open, at(7)).await,
        &format!("cannot move conversation {id} from closed to open"),
    );
    let c = store.get_conversation(id).await.unwrap();
    assert_eq!((c.status, c.updated_at), (ConversationStatus::Closed, at(6)), "a refused move changes nothing");
    assert_not_found(store.set_status(ConversationId(999_999), ConversationStatus::Open, at(8)).await);
}

async fn assignment(store: Arc<dyn Store>) {
    let id = ingest(&store, &keyed(Channel::Chat, "as", "k"), at(0)).await.conversation_id;
    assert_invalid(store.assign(id, Some(AgentId(999)), at(1)).await, "agent 999 does not exist");
    let agent = store.create_agent(&new_agent("agent@shop.example"), at(0)).await.unwrap();
    let c = store.assign(id, Some(agent.id), at(2)).await.unwrap();
    assert_eq!((c.assignee_id, c.updated_at), (Some(agent.id), at(2)));
    let c = store.assign(id, None, at(3)).await.unwrap();
    assert_eq!(c.assignee_id, None);
    assert_not_found(store.assign(ConversationId(999_999), Some(agent.id), at(4)).await);
}

async fn notes(store: Arc<dyn Store>) {
    let out = ingest(&store, &keyed(Channel::Amazon, "n1", "k"), at(0)).await;
    let agent = store.create_agent(&new_agent("notes@shop.example"), at(0)).await.unwrap();
    let note = store.add_note(out.conversation_id, agent.id, "Called the carrier.", at(10)).await.unwrap();
    assert_eq!(note.direction, Direction::Note);
    assert_eq!(note.author_id, Some(agent.id));
    assert_eq!(note.body_text, "Called the carrier.");
    assert_eq!(note.conversation_id, out.conversation_id);
    assert_eq!(note.created_at, at(10));
    let c = store.get_conversation(out.conversation_id).await.unwrap();
    assert_eq!(c.message_count, 2);
    assert_eq!(c.updated_at, at(10));
    assert_eq!(c.last_message_at, at(0), "a note is not buyer activity");
    assert_eq!(c.preview.as_deref(), Some("Where is my order?"));
    let listed = store.list_messages(out.conversation_id).await.unwrap();
    assert_eq!(listed.iter().map(|m| m.direction).collect::<Vec<_>>(), [Direction::Inbound, Direction::Note]);
    assert_invalid(store.add_note(out.conversation_id, AgentId(999), "x", at(11)).await, "agent 999 does not exist");
    assert_not_found(store.add_note(ConversationId(999_999), agent.id, "x", at(11)).await);
    assert_not_found(store.list_messages(ConversationId(999_999)).await);
    assert_not_found(store.get_message(MessageId(999_999)).await);
}

async fn record_language_and_enrichment(store: Arc<dyn Store>) {
    let out = ingest(&store, &keyed(Channel::Amazon, "l1", "k"), at(0)).await;
    store.record_language(out.message_id, &lang("und"), 0.1).await.unwrap();
    assert_eq!(store.get_conversation(out.conversation_id).await.unwrap().buyer_language, None, "und says nothing");
    store.record_language(out.message_id, &lang("de"), 0.93).await.unwrap();
    let m = store.get_message(out.message_id).await.unwrap();
    assert_eq!((m.language, m.language_confidence), (Some(lang("de")), Some(0.93)));
    assert_eq!(store.get_conversation(out.conversation_id).await.unwrap().buyer_language, Some(lang("de")));

    let second = ingest(&store, &keyed(Channel::Amazon, "l2", "k"), at(1)).await;
    store.record_language(second.message_id, &lang("en"), 0.8).await.unwrap();
    assert_eq!(
        store.get_conversation(out.conversation_id).await.unwrap().buyer_language,
        Some(lang("de")),
        "set only when empty"
    );
    let c = patch(
        &store,
        out.conversation_id,
        ConversationPatch { buyer_language: Some(lang("fr")), ..Default::default() },
    )
    .await;
    assert_eq!(c.buyer_language, Some(lang("fr")), "an agent may correct it");

    store.set_enrichment_state(out.message_id, EnrichmentState::Done).await.unwrap();
    assert_eq!(store.get_message(out.message_id).await.unwrap().enrichment, "done");
    store.set_enrichment_state(second.message_id, EnrichmentState::Failed).await.unwrap();
    assert_eq!(store.get_message(second.message_id).await.unwrap().enrichment, "failed");
    assert_not_found(store.record_language(MessageId(999_999), &lang("de"), 1.0).await);
    assert_not_found(store.set_enrichment_state(MessageId(999_999), EnrichmentState::Done).await);
}

async fn translations(store: Arc<dyn Store>) {
    let out = ingest(&store, &email("tr@shop", "Wo ist mein Paket?"), at(0)).await;
    let en = |text: &str, engine: &str, when| Translation {
        language: lang("en"),
        text: text.into(),
        engine: engine.into(),
        model: Some("m1".into()),
        created_at: at(when),
    };
    store.add_translation(out.message_id, &en("Where is my package?", "apertium", 1)).await.unwrap();
    store.add_translation(out.message_id, &en("Where is my parcel?", "marian", 2)).await.unwrap();
    let zh = Translation {
        language: lang("zh"),
        text: "我的包裹在哪里？".into(),
        engine: "llm".into(),
        model: None,
        created_at: at(3),
    };
    store.add_translation(out.message_id, &zh).await.unwrap();
    let m = store.get_message(out.message_id).await.unwrap();
    assert_eq!(m.translations, [en("Where is my parcel?", "marian", 2), zh], "one per language, the newest wins");
    let listed = store.list_messages(out.conversation_id).await.unwrap();
    assert_eq!(listed[0].translations, m.translations);
    // The replaced text is no longer found, the new one is.
    let q = |text: &str| ConversationQuery { text: Some(text.into()), ..Default::default() };
    assert_eq!(list(&store, q("package")).await, []);
    assert_eq!(list(&store, q("parcel")).await, [out.conversation_id]);
    assert_eq!(list(&store, q("包裹在")).await, [out.conversation_id]);
    assert_not_found(store.add_translation(MessageId(999_999), &en("x", "y", 4)).await);
}

// --- customers and orders ----------------------------------------------------------------

async fn customers(store: Arc<dyn Store>) {
    let new = NewCustomer {
        name: Some("Lena Schmidt".into()),
        aliases: vec![
            CustomerAlias { channel: Channel::Email, address: "Lena@Example.DE".into() },
            CustomerAlias { channel: Channel::Amazon, address: "abc123@marketplace.amazon.de".into() },
        ],
        country: Some("DE".into()),
        tags: vec!["vip".into()],
        notes: Some("prefers email".into()),
    };
    let c = store.create_customer(&new, at(0)).await.unwrap();
    assert_eq!(c.name.as_deref(), Some("Lena Schmidt"));
    assert_eq!(c.aliases[0], CustomerAlias { channel: Channel::Email, address: "lena@example.de".into() });
    assert_eq!(c.aliases.len(), 2);
    assert_eq!(
        (c.country.as_deref(), c.tags.as_slice(), c.notes.as_deref(), c.created_at),
        (Some("DE"), &["vip".to_owned()][..], Some("prefers email"), at(0))
    );
    assert_eq!(store.get_customer(c.id).await.unwrap(), c);

    // A buyer writing from a known address is that customer.
    let out = ingest(&store, &email("cu@shop", "hi"), at(1)).await;
    assert_eq!(store.get_conversation(out.conversation_id).await.unwrap().customer_id, Some(c.id));

    let taken = NewCustomer {
        aliases: vec![CustomerAlias { channel: Channel::Email, address: "LENA@example.de".into() }],
        ..Default::default()
    };
    assert_conflict(store.create_customer(&taken, at(2)).await);

    for i in 0..4 {
        store.create_customer(&NewCustomer { name: Some(format!("c{i}")), ..Default::default() }, at(3)).await.unwrap();
    }
    let first = store.list_customers(&PageRequest { cursor: None, limit: 3 }).await.unwrap();
    let second = store.list_customers(&PageRequest { cursor: first.next_cursor.clone(), limit: 3 }).await.unwrap();
    let names: Vec<_> = first.items.iter().chain(&second.items).map(|c| c.name.clone().unwrap()).collect();
    assert_eq!(names, ["c3", "c2", "c1", "c0", "Lena Schmidt"], "newest first, nothing lost");
    assert!(second.next_cursor.is_none());
    assert_eq!(second.items[1].aliases.len(), 2, "listed customers carry their aliases");
    assert_not_found(store.get_customer(CustomerId(999_999)).await);
}

async fn orders(store: Arc<dyn Store>) {
    // A buyer writes before the order sync has run.
    let mut early = inbound(Channel::Amazon, "o1", "buyer", "Bestellung 302-5518290-6612047?");
    early.order_numbers = vec!["302-5518290-6612047".into()];
    let early = ingest(&store, &early, at(0)).await.conversation_id;
    assert_eq!(store.get_conversation(early).await.unwrap().order_id, None);

    let customer = store.create_customer(&NewCustomer::default(), at(0)).await.unwrap();
    let item = |sku: &str, qty| OrderItem {
        sku: Some(sku.into()),
        title: format!("Item {sku}"),
        quantity: qty,
        unit_price: Some("34.95".into()),
    };
    let shipment = |n: &str| Shipment {
        carrier: Some("DHL".into()),
        tracking_number: Some(n.into()),
        tracking_url: None,
        status: Some("in_transit".into()),
        shipped_at: Some(at(5)),
    };
    let mut new = NewOrder {
        marketplace: Marketplace::parse("amazon.de").unwrap(),
        order_number: "302-5518290-6612047".into(),
        customer_id: Some(customer.id),
        status: "shipped".into(),
        currency: Some("EUR".into()),
        total: Some("69.90".into()),
        items: vec![item("A-1", 1), item("B-2", 1)],
        shipments: vec![shipment("00340434298817559013")],
        shipping_country: Some("DE".into()),
        ordered_at: Some(at(-86_400_000)),
    };
    let first = store.upsert_order(&new, at(10)).await.unwrap();
    assert_eq!(first.items, new.items);
    assert_eq!(first.shipments, new.shipments);
    assert_eq!(
        (first.customer_id, first.updated_at, first.total.as_deref()),
        (Some(customer.id), at(10), Some("69.90"))
    );
    assert_eq!(
        store.get_conversation(early).await.unwrap().order_id,
        Some(first.id),
        "the waiting conversation is linked"
    );

    new.status = "delivered".into();
    new.items = vec![item("C-3", 2)];
    new.shipments = vec![shipment("JJD0001"), shipment("JJD0002")];
    let second = store.upsert_order(&new, at(20)).await.unwrap();
    assert_eq!(second.id, first.id, "same marketplace and number: replaced, not added");
    assert_eq!(second.status, "delivered");
    assert_eq!(second.items, new.items);
    assert_eq!(second.shipments, new.shipments);
    assert_eq!(store.get_order(first.id).await.unwrap().items.len(), 1);
    let found = store.find_order("302-5518290-6612047").await.unwrap().expect("found");
    assert_eq!(found.id, first.id);
    assert_eq!(found.shipments.len(), 2);
    assert!(store.find_order("999-0000000-0000000").await.unwrap().is_none());

    // A conversation that starts after the order exists is linked at once.
    let mut later = inbound(Channel::Amazon, "o2", "buyer-2", "Again about 302-5518290-6612047");
    later.order_numbers = vec!["302-5518290-6612047".into()];
    let later = ingest(&store, &later, at(30)).await.conversation_id;
    assert_eq!(store.get_conversation(later).await.unwrap().order_id, Some(first.id));

    // Another marketplace may use the same number: a different order.
    let other = store
        .upsert_order(&NewOrder { marketplace: Marketplace::parse("amazon.fr").unwrap(), ..new.clone() }, at(40))
        .await
        .unwrap();
    assert_ne!(other.id, first.id);
    assert_eq!(
        store.find_order("302-5518290-6612047").await.unwrap().unwrap().id,
        other.id,
        "the most recently updated"
    );

    let page = store.list_orders(&PageRequest { cursor: None, limit: 1 }).await.unwrap();
    assert_eq!(page.items[0].id, other.id);
    let rest = store.list_orders(&PageRequest { cursor: page.next_cursor, limit: 1 }).await.unwrap();
    assert_eq!(rest.items[0].id, first.id);
    assert_eq!(rest.items[0].items, new.items, "listed orders carry their items");
    assert!(rest.next_cursor.is_none());

    let bad = NewOrder { order_number: "1".into(), customer_id: Some(CustomerId(999_999)), ..new.clone() };
    assert_invalid(store.upsert_order(&bad, at(50)).await, "customer 999999 does not exist");
    assert_not_found(store.get_order(OrderId(999_999)).await);
}

// --- agents, sessions, tokens ------------------------------------------------------------

async fn agents_and_teams(store: Arc<dyn Store>) {
    let team = store.create_team("Support DACH", &lang("de")).await.unwrap();
    assert_eq!((team.name.as_str(), team.working_language.as_str()), ("Support DACH", "de"));
    assert_conflict(store.create_team("Support DACH", &lang("en")).await);
    let asia = store.create_team("Asia", &lang("zh")).await.unwrap();
    assert_eq!(store.list_teams().await.unwrap(), [asia, team.clone()]);

    let mut new = new_agent("Mei@Shop.Example");
    new.team_id = Some(team.id);
    new.time_zone = "Asia/Shanghai".into();
    let agent = store.create_agent(&new, at(0)).await.unwrap();
    assert_eq!(agent.email, "mei@shop.example");
    assert_eq!((agent.role, agent.team_id, agent.time_zone.as_str()), (Role::Agent, Some(team.id), "Asia/Shanghai"));
    assert_eq!(agent.languages, [lang("de"), lang("en")]);
    assert_eq!(store.get_agent(agent.id).await.unwrap(), agent);
    assert_conflict(store.create_agent(&new_agent("MEI@shop.example"), at(1)).await);

    let (found, hash) = store.agent_credentials("mei@SHOP.example").await.unwrap().expect("credentials");
    assert_eq!(found, agent);
    assert_eq!(Some(hash), new.password_hash);
    let mut api_only = new_agent("bot@shop.example");
    api_only.password_hash = None;
    api_only.role = Role::Partner;
    let bot = store.create_agent(&api_only, at(2)).await.unwrap();
    assert!(store.agent_credentials("bot@shop.example").await.unwrap().is_none(), "no password, no login");
    assert!(store.agent_credentials("nobody@shop.example").await.unwrap().is_none());
    assert_eq!(
        store.list_agents().await.unwrap().iter().map(|a| a.id).collect::<HashSet<_>>(),
        HashSet::from([agent.id, bot.id])
    );

    let mut lost = new_agent("lost@shop.example");
    lost.team_id = Some(TeamId(999));
    assert_invalid(store.create_agent(&lost, at(3)).await, "team 999 does not exist");
    assert_not_found(store.get_agent(AgentId(999_999)).await);

    let c = ingest(&store, &keyed(Channel::Chat, "tm", "k"), at(0)).await.conversation_id;
    let moved = patch(
        &store,
        c,
        ConversationPatch {
            team_id: Some(Some(team.id)),
            priority: Some(Priority::Urgent),
            tier: Some(Tier::Partner),
            ..Default::default()
        },
    )
    .await;
    assert_eq!((moved.team_id, moved.priority, moved.tier), (Some(team.id), Priority::Urgent, Tier::Partner));
    assert_invalid(
        store
            .update_conversation(
                c,
                &ConversationPatch { team_id: Some(Some(TeamId(999))), ..Default::default() },
                at(2),
            )
            .await,
        "team 999 does not exist",
    );
    let cleared =
        patch(&store, c, ConversationPatch { team_id: Some(None), intent: Some(None), ..Default::default() }).await;
    assert_eq!((cleared.team_id, cleared.priority), (None, Priority::Urgent), "untouched fields stay");
    assert_not_found(store.update_conversation(ConversationId(999_999), &ConversationPatch::default(), at(2)).await);
}

async fn sessions_expire(store: Arc<dyn Store>) {
    let agent = store.create_agent(&new_agent("s@shop.example"), at(0)).await.unwrap();
    let session = NewSession {
        token_sha256: "d1".repeat(32),
        agent_id: agent.id,
        csrf_token: "csrf".into(),
        created_at: at(0),
        expires_at: at(1_000),
    };
    store.create_session(&session).await.unwrap();
    let live = store.find_session(&session.token_sha256, at(999)).await.unwrap().expect("live session");
    assert_eq!((live.agent, live.csrf_token.as_str(), live.expires_at), (agent.clone(), "csrf", at(1_000)));
    assert!(store.find_session(&session.token_sha256, at(1_000)).await.unwrap().is_none(), "expired at expires_at");
    assert!(store.find_session("unknown", at(0)).await.unwrap().is_none());

    let other =
        NewSession { token_sha256: "e2".repeat(32), created_at: at(500), expires_at: at(5_000), ..session.clone() };
    store.create_session(&other).await.unwrap();
    store.delete_session(&other.token_sha256).await.unwrap();
    assert!(store.find_session(&other.token_sha256, at(600)).await.unwrap().is_none());
    store.delete_session(&other.token_sha256).await.unwrap();
    let orphan = NewSession { token_sha256: "f3".repeat(32), agent_id: AgentId(999), ..session };
    assert_invalid(store.create_session(&orphan).await, "agent 999 does not exist");
}

async fn api_tokens(store: Arc<dyn Store>) {
    let token = store.create_api_token("ci", Role::Admin, &"ab".repeat(32), at(7)).await.unwrap();
    assert_eq!((token.name.as_str(), token.role, token.created_at), ("ci", Role::Admin, at(7)));
    let found = store.find_api_token(&"ab".repeat(32)).await.unwrap().expect("found");
    assert_eq!((found.id, found.role), (token.id, Role::Admin));
    assert!(store.find_api_token(&"cd".repeat(32)).await.unwrap().is_none());
    assert_conflict(store.create_api_token("again", Role::Agent, &"ab".repeat(32), at(8)).await);
}

// --- jobs --------------------------------------------------------------------------------

fn job(kind: &str, n: i64, max_attempts: i64) -> NewJob {
    NewJob { kind: kind.into(), payload: serde_json::json!({ "n": n }), max_attempts }
}

async fn jobs_claim_and_complete(store: Arc<dyn Store>) {
    let a1 = store.enqueue(&job("send", 1, 3), at(0)).await.unwrap();
    let a2 = store.enqueue(&job("send", 2, 3), at(1)).await.unwrap();
    let b = store.enqueue(&job("other", 3, 3), at(2)).await.unwrap();
    assert!(store.claim_jobs(&["send"], 10, 60_000, at(-1)).await.unwrap().is_empty(), "not due yet");
    assert!(store.claim_jobs(&[], 10, 60_000, at(10)).await.unwrap().is_empty());

    let claimed = store.claim_jobs(&["send"], 10, 60_000, at(10)).await.unwrap();
    assert_eq!(claimed.iter().map(|j| j.id).collect::<Vec<_>>(), [a1, a2], "oldest first, only the kinds asked for");
    assert!(claimed.iter().all(|j| j.state == JobState::Running && j.attempts == 1 && j.updated_at == at(10)));
    assert_eq!(claimed[0].payload, serde_json::json!({ "n": 1 }));
    assert!(
        store.claim_jobs(&["send"], 10, 60_000, at(11)).await.unwrap().is_empty(),
        "leased jobs are not claimed again"
    );

    let limited = store.claim_jobs(&["send", "other"], 1, 60_000, at(12)).await.unwrap();
    assert_eq!(limited.iter().map(|j| j.id).collect::<Vec<_>>(), [b]);

    for id in [a1, a2, b] {
        store.complete_job(id, at(20)).await.unwrap();
    }
    let done = store.list_jobs(Some(JobState::Done), 0).await.unwrap();
    assert_eq!(done.iter().map(|j| j.id).collect::<Vec<_>>(), [b, a2, a1], "newest first");
    assert_eq!(
        store.job_counts().await.unwrap(),
        [(JobState::Queued, 0), (JobState::Running, 0), (JobState::Done, 3), (JobState::Dead, 0)]
    );
    assert!(store.claim_jobs(&["send", "other"], 10, 60_000, at(1_000_000)).await.unwrap().is_empty(), "done is done");
    assert_eq!(store.list_jobs(None, 2).await.unwrap().len(), 2);
    assert_not_found(store.complete_job(JobId(999_999), at(0)).await);
}

async fn jobs_back_off_then_die(store: Arc<dyn Store>) {
    let id = store.enqueue(&job("send", 1, 2), at(0)).await.unwrap();
    store.claim_jobs(&["send"], 1, 60_000, at(0)).await.unwrap();
    assert_eq!(store.fail_job(id, "smtp 451", at(100)).await.unwrap(), JobState::Queued);
    let queued = store.list_jobs(Some(JobState::Queued), 0).await.unwrap();
    assert_eq!(queued[0].run_at, at(100 + retry_delay_ms(1)));
    assert_eq!(queued[0].last_error.as_deref(), Some("smtp 451"));
    assert!(
        store.claim_jobs(&["send"], 1, 60_000, at(100 + retry_delay_ms(1) - 1)).await.unwrap().is_empty(),
        "backing off"
    );
    let again = store.claim_jobs(&["send"], 1, 60_000, at(100 + retry_delay_ms(1))).await.unwrap();
    assert_eq!(again[0].attempts, 2);
    assert_eq!(store.fail_job(id, "smtp 550", at(20_000)).await.unwrap(), JobState::Dead);
    let dead = store.list_jobs(Some(JobState::Dead), 0).await.unwrap();
    assert_eq!((dead[0].id, dead[0].last_error.as_deref(), dead[0].attempts), (id, Some("smtp 550"), 2));
    assert!(store.claim_jobs(&["send"], 1, 60_000, at(10_000_000)).await.unwrap().is_empty(), "dead jobs stay dead");

    store.retry_job(id, at(30_000)).await.unwrap();
    let revived = store.claim_jobs(&["send"], 1, 60_000, at(30_000)).await.unwrap();
    assert_eq!((revived[0].id, revived[0].attempts), (id, 1), "a fresh attempt budget");
    assert_invalid(store.retry_job(id, at(30_001)).await, "not dead");
    assert_not_found(store.retry_job(JobId(999_999), at(0)).await);
    assert_not_found(store.fail_job(JobId(999_999), "x", at(0)).await);
}

async fn jobs_lease_expires(store: Arc<dyn Store>) {
    let id = store.enqueue(&job("enrich", 1, 5), at(0)).await.unwrap();
    assert_eq!(store.claim_jobs(&["enrich"], 5, 1_000, at(0)).await.unwrap().len(), 1);
    assert!(store.claim_jobs(&["enrich"], 5, 1_000, at(999)).await.unwrap().is_empty(), "lease still held");
    let reclaimed = store.claim_jobs(&["enrich"], 5, 1_000, at(1_001)).await.unwrap();
    assert_eq!(
        (reclaimed[0].id, reclaimed[0].attempts, reclaimed[0].state),
        (id, 2, JobState::Running),
        "the worker died: due again"
    );
}

async fn concurrent_claimers_never_share_a_job(store: Arc<dyn Store>) {
    let mut enqueued = HashSet::new();
    for n in 0..50 {
        enqueued.insert(store.enqueue(&job("send", n, 3), at(n)).await.unwrap());
    }
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut mine = Vec::new();
                loop {
                    let jobs = store.claim_jobs(&["send"], 3, 600_000, at(1_000)).await.expect("claim");
                    if jobs.is_empty() {
                        return mine;
                    }
                    for j in jobs {
                        store.complete_job(j.id, at(1_000)).await.expect("complete");
                        mine.push(j.id);
                    }
                }
            })
        })
        .collect();
    let mut all = Vec::new();
    for w in workers {
        all.extend(w.await.unwrap());
    }
    let distinct: HashSet<_> = all.iter().copied().collect();
    assert_eq!(all.len(), distinct.len(), "a job was claimed twice");
    assert_eq!(distinct, enqueued);
}

async fn missing_rows_are_not_found(store: Arc<dyn Store>) {
    assert_not_found(store.get_conversation(ConversationId(1)).await);
    assert_not_found(store.get_message(MessageId(1)).await);
    assert_not_found(store.get_customer(CustomerId(1)).await);
    assert_not_found(store.get_order(OrderId(1)).await);
    assert_not_found(store.get_agent(AgentId(1)).await);
    assert_not_found(store.raw_message(RawMessageId(1)).await);
    assert_not_found(store.attachment_content(AttachmentId(1)).await);
    let err = store.get_conversation(ConversationId(77)).await.unwrap_err();
    assert_eq!(err.to_string(), "conversation 77 not found");
}

// --- understanding ----------------------------------------------------------------------

async fn analysis_and_order_by_tracking(store: Arc<dyn Store>) {
    let out =
        ingest(&store, &inbound(Channel::Chat, "u1", "v1", "Wo ist mein Paket 00340434298817559013?"), at(0)).await;
    assert_eq!(store.get_message(out.message_id).await.unwrap().analysis, None);
    let analysis = serde_json::json!({"intent": "order_status", "escalation": {"score": 0.1, "reasons": []}});
    store.record_analysis(out.message_id, &analysis).await.unwrap();
    assert_eq!(store.get_message(out.message_id).await.unwrap().analysis, Some(analysis.clone()));
    assert_not_found(store.record_analysis(MessageId(999_999), &analysis).await);

    assert!(store.find_order_by_tracking("00340434298817559013").await.unwrap().is_none());
    let order = NewOrder {
        marketplace: Marketplace::parse("shopify").unwrap(),
        order_number: "#LH-10517".into(),
        customer_id: None,
        status: "shipped".into(),
        currency: Some("EUR".into()),
        total: Some("89.90".into()),
        items: vec![],
        shipments: vec![Shipment {
            carrier: Some("DHL".into()),
            tracking_number: Some("00340434298817559013".into()),
            tracking_url: None,
            status: None,
            shipped_at: None,
        }],
        shipping_country: Some("DE".into()),
        ordered_at: None,
    };
    let saved = store.upsert_order(&order, at(1)).await.unwrap();
    let found = store.find_order_by_tracking(" 00340434298817559013 ").await.unwrap().expect("found by tracking");
    assert_eq!(found.id, saved.id);

    let linked =
        patch(&store, out.conversation_id, ConversationPatch { order_id: Some(Some(saved.id)), ..Default::default() })
            .await;
    assert_eq!(linked.order_id, Some(saved.id));
    let bad = ConversationPatch { order_id: Some(Some(OrderId(999_999))), ..Default::default() };
    assert_invalid(store.update_conversation(out.conversation_id, &bad, at(2)).await, "order 999999 does not exist");
}

async fn intent_examples(store: Arc<dyn Store>) {
    assert!(store.list_intent_examples().await.unwrap().is_empty());
    assert_eq!(store.count_intent_examples().await.unwrap(), 0);
    let out = ingest(&store, &inbound(Channel::Chat, "i1", "v1", "Kann ich die Adresse noch ändern?"), at(0)).await;
    let agent = store.create_agent(&new_agent("ex@shop.example"), at(0)).await.unwrap();
    let example = NewIntentExample {
        text: " Kann ich die Adresse noch ändern? ".into(),
        intent: Intent::ChangeOrder,
        language: Some(lang("de")),
        source_message_id: Some(out.message_id),
        created_by: Some(agent.id),
    };
    let saved = store.add_intent_example(&example, at(1)).await.unwrap();
    assert_eq!(saved.text, "Kann ich die Adresse noch ändern?");
    assert_eq!((saved.intent, saved.created_by, saved.created_at), (Intent::ChangeOrder, Some(agent.id), at(1)));
    let other = NewIntentExample {
        text: "refund please".into(),
        intent: Intent::Refund,
        language: None,
        source_message_id: None,
        created_by: None,
    };
    store.add_intent_example(&other, at(2)).await.unwrap();
    let all = store.list_intent_examples().await.unwrap();
    assert_eq!(store.count_intent_examples().await.unwrap(), 2);
    assert_eq!(all.iter().map(|e| e.intent).collect::<Vec<_>>(), [Intent::ChangeOrder, Intent::Refund], "oldest first");
    assert_invalid(
        store.add_intent_example(&NewIntentExample { text: "  ".into(), ..other.clone() }, at(3)).await,
        "needs some text",
    );
    let dangling = NewIntentExample { source_message_id: Some(MessageId(999_999)), ..other };
    assert_invalid(store.add_intent_example(&dangling, at(3)).await, "does not exist");
}

async fn reply_templates(store: Arc<dyn Store>) {
    let template = StoredTemplate {
        key: "order_status.shipped".into(),
        language: lang("de"),
        intent: Intent::OrderStatus,
        title: "Versandt".into(),
        body: "Ihre Bestellung {{ order_id }} ist unterwegs.".into(),
        condition: "shipped".into(),
        updated_at: at(0),
    };
    assert_eq!(store.upsert_template(&template).await.unwrap(), template);
    let english = StoredTemplate { language: lang("en"), title: "Shipped".into(), ..template.clone() };
    store.upsert_template(&english).await.unwrap();
    let edited = StoredTemplate {
        body: "Bestellung {{ order_id }}: {{ tracking_url }}".into(),
        updated_at: at(5),
        ..template.clone()
    };
    assert_eq!(store.upsert_template(&edited).await.unwrap(), edited, "same key and language replaces");
    let all = store.list_templates().await.unwrap();
    assert_eq!(all, [edited, english]);
    store.delete_template("order_status.shipped", &lang("de")).await.unwrap();
    assert_eq!(store.list_templates().await.unwrap().len(), 1);
    assert_not_found(store.delete_template("order_status.shipped", &lang("de")).await);
}

macro_rules! conformance {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    crate::harness::on_sqlite(super::$name).await
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    crate::harness::on_postgres(super::$name).await
                }
            )+
        }
    };
}

conformance!(
    ingest_stores_and_dedupes,
    email_threads_by_references,
    thread_key_threads,
    closed_conversation_starts_a_new_one,
    resolved_conversation_reopens,
    oversized_attachment_is_not_kept,
    raw_bytes_are_kept,
    concurrent_ingest_of_one_message_stores_it_once,
    concurrent_ingest_of_distinct_messages_keeps_all,
    list_filters_each_field,
    tag_filter,
    text_search,
    text_search_pages,
    pagination_has_no_gaps_or_repeats,
    malformed_cursor_is_refused,
    status_transitions,
    assignment,
    notes,
    record_language_and_enrichment,
    translations,
    customers,
    orders,
    agents_and_teams,
    sessions_expire,
    api_tokens,
    jobs_claim_and_complete,
    jobs_back_off_then_die,
    jobs_lease_expires,
    concurrent_claimers_never_share_a_job,
    missing_rows_are_not_found,
    analysis_and_order_by_tracking,
    intent_examples,
    reply_templates,
);

/// `open` picks the backend from the URL and refuses what it does not know without echoing
/// credentials.
#[tokio::test]
async fn open_understands_the_url_forms() {
    let dir = tempfile::tempdir().unwrap();
    for (i, form) in ["sqlite://{}", "sqlite:{}", "{}"].into_iter().enumerate() {
        let path = dir.path().join(format!("db{i}.sqlite"));
        let url = form.replace("{}", &path.display().to_string());
        let store = dragoman_store::open(&url).await.unwrap_or_else(|e| panic!("{url}: {e}"));
        assert_eq!(store.backend(), Backend::Sqlite);
        assert!(path.exists(), "{url} creates the file");
    }
    // Reopening an existing, migrated file works.
    dragoman_store::open(&dir.path().join("db0.sqlite").display().to_string()).await.unwrap();
    match dragoman_store::open("mysql://root:hunter2@localhost/shop").await {
        Err(StoreError::Invalid(msg)) => {
            assert!(msg.contains("sqlite://") && msg.contains("postgres://"), "{msg}");
            assert!(!msg.contains("hunter2"), "{msg}");
        }
        other => panic!("expected Invalid, got {:?}", other.map(|_| ())),
    }
    assert!(matches!(dragoman_store::open("").await, Err(StoreError::Invalid(_))));
}

#[path = "conformance/chat.rs"]
mod chat;
#[path = "conformance/mailbox.rs"]
mod mailbox;
#[path = "conformance/marketplace.rs"]
mod marketplace;
#[path = "conformance/outbox.rs"]
mod outbox;
#[path = "conformance/sla.rs"]
mod sla_store;
#[path = "conformance/translation.rs"]
mod translation;
