//! The [`Store`] implementation both backends share.
//!
//! This file is compiled twice, as a child module of `sqlite.rs` and of `postgres.rs`, each of
//! which defines `Db` (the sqlx driver) and `Impl` (its store type). So every query here is
//! written once yet type-checked against, and monomorphic for, each driver: no generic
//! `Database` bounds, no copy that can drift. The SQL is the dialect both databases accept:
//! `$n` placeholders (SQLite reads `$1` as parameter 1), `RETURNING`, `ON CONFLICT … DO
//! UPDATE`, row-value comparisons, `TRUE`/`FALSE`. What they disagree on comes from the parent
//! module: `begin_write`, `lock_thread`, `push_text_match` and `SKIP_LOCKED`.

use super::{BACKEND, Db, Impl, SKIP_LOCKED, begin_write, lock_thread, push_text_match};
use crate::cursor;
use crate::ingest::{PlannedAttachment, address_key, normalise_tags, plan_attachments, preview, sha256_hex};
use crate::rows::*;
use crate::*;
use async_trait::async_trait;
use sqlx::error::ErrorKind::{self, ForeignKeyViolation, UniqueViolation};
use sqlx::{Pool, QueryBuilder};
use tracing::instrument;

type Conn = <Db as sqlx::Database>::Connection;

// One file per feature trait, children of this module so they share its helpers.
#[path = "sql/chat.rs"]
mod chat;
#[path = "sql/mailbox.rs"]
mod mailbox;
#[path = "sql/marketplace.rs"]
mod marketplace;
#[path = "sql/outbox.rs"]
mod outbox;
#[path = "sql/sla.rs"]
mod sla;
#[path = "sql/translation.rs"]
mod translation;

/// Where a text search looks; the parent module decides how (index, operator).
#[derive(Clone, Copy)]
pub(super) enum SearchIn {
    /// `messages m`, column `body_text`.
    Messages,
    /// `translations t`, column `text`.
    Translations,
}

impl SearchIn {
    pub(super) fn column(self) -> &'static str {
        match self {
            SearchIn::Messages => "m.body_text",
            SearchIn::Translations => "t.text",
        }
    }
}

/// Email threads can carry hundreds of references; the nearest ones decide the thread.
const MAX_REFERENCES: usize = 100;

fn violation(e: &sqlx::Error) -> Option<ErrorKind> {
    match e {
        sqlx::Error::Database(db) => Some(db.kind()),
        _ => None,
    }
}

fn is_unique_violation(e: &StoreError) -> bool {
    matches!(e, StoreError::Database(e) if violation(e) == Some(UniqueViolation))
}

/// Turns the violation a caller can act on into an error that says what to do; anything else
/// stays a database error.
fn on_violation(e: sqlx::Error, kind: ErrorKind, to: impl FnOnce() -> StoreError) -> StoreError {
    if violation(&e) == Some(kind) { to() } else { e.into() }
}

fn push_ids<'a>(qb: &mut QueryBuilder<'a, Db>, ids: impl IntoIterator<Item = i64>) {
    let mut list = qb.separated(", ");
    for id in ids {
        list.push_bind(id);
    }
}

/// Tables looked up by id for existence checks (never user input).
async fn exists(conn: &mut Conn, table: &'static str, id: i64) -> Result<bool> {
    let sql = format!("SELECT 1 FROM {table} WHERE id = $1");
    Ok(sqlx::query(&sql).bind(id).fetch_optional(conn).await?.is_some())
}

// --- conversations -----------------------------------------------------------------------

async fn with_tags(conn: &mut Conn, rows: Vec<ConversationRow>) -> Result<Vec<Conversation>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let mut qb =
        QueryBuilder::<Db>::new("SELECT conversation_id, tag FROM conversation_tags WHERE conversation_id IN (");
    push_ids(&mut qb, rows.iter().map(|r| r.id));
    qb.push(") ORDER BY tag");
    let tags: Vec<(i64, String)> = qb.build_query_as().fetch_all(&mut *conn).await?;
    let mut tags = Children::group(tags);
    rows.into_iter()
        .map(|r| {
            let t = tags.take(r.id);
            r.into_conversation(t)
        })
        .collect()
}

async fn load_conversation(conn: &mut Conn, id: ConversationId) -> Result<Conversation> {
    let sql = format!("SELECT {CONVERSATION_COLUMNS} FROM conversations c WHERE c.id = $1");
    let row: ConversationRow = sqlx::query_as(&sql)
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| StoreError::not_found("conversation", id))?;
    Ok(with_tags(conn, vec![row]).await?.remove(0))
}

async fn conversation_status(conn: &mut Conn, id: ConversationId) -> Result<ConversationStatus> {
    let row: ConversationStatusRow = sqlx::query_as("SELECT id, status FROM conversations WHERE id = $1")
        .bind(id.0)
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| StoreError::not_found("conversation", id))?;
    row.status()
}

async fn require_agent(conn: &mut Conn, id: AgentId) -> Result<()> {
    if exists(conn, "agents", id.0).await? {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!("agent {id} does not exist")))
    }
}

fn push_conversation_filters<'a>(qb: &mut QueryBuilder<'a, Db>, q: &'a ConversationQuery) {
    if let Some(status) = q.status {
        qb.push(" AND c.status = ").push_bind(status.as_str());
    }
    match q.assignee {
        Some(AssigneeFilter::Agent(id)) => {
            qb.push(" AND c.assignee_id = ").push_bind(id.0);
        }
        Some(AssigneeFilter::Unassigned) => {
            qb.push(" AND c.assignee_id IS NULL");
        }
        None => {}
    }
    if let Some(channel) = q.channel {
        qb.push(" AND c.channel = ").push_bind(channel.as_str());
    }
    if let Some(language) = &q.language {
        qb.push(" AND c.buyer_language = ").push_bind(language.as_str());
    }
    if let Some(intent) = &q.intent {
        qb.push(" AND c.intent = ").push_bind(intent.as_str());
    }
    if let Some(escalated) = q.escalated {
        qb.push(" AND c.escalated = ").push_bind(escalated);
    }
    if let Some(tier) = q.tier {
        qb.push(" AND c.tier = ").push_bind(tier.as_str());
    }
    if let Some(tag) = q.tag.as_deref().map(|t| t.trim().to_lowercase()).filter(|t| !t.is_empty()) {
        qb.push(" AND c.id IN (SELECT conversation_id FROM conversation_tags WHERE tag = ").push_bind(tag).push(")");
    }
}

/// The parts of a conversation list query that follow from its sort order.
struct ListOrder {
    /// Tags the cursor, so a cursor of one order is refused by the other.
    list: &'static str,
    column: &'static str,
    /// The keyset comparison for "after the cursor".
    after: &'static str,
    direction: &'static str,
}

fn list_order(sort: ConversationSort) -> ListOrder {
    match sort {
        ConversationSort::SlaDue => ListOrder { list: "sla", column: "c.sla_sort_key", after: ">", direction: "ASC" },
        ConversationSort::LastActivity => {
            ListOrder { list: "act", column: "c.last_message_at", after: "<", direction: "DESC" }
        }
    }
}

/// Up to `fetch` rows of a conversation list after the keyset position `after`, optionally
/// only those with text matching in one place.
async fn conversation_rows(
    conn: &mut Conn,
    q: &ConversationQuery,
    search: Option<(SearchIn, &str)>,
    after: Option<[i64; 2]>,
    fetch: usize,
) -> Result<Vec<ConversationRow>> {
    let order = list_order(q.sort);
    let mut qb = QueryBuilder::<Db>::new(format!("SELECT {CONVERSATION_COLUMNS} FROM conversations c WHERE TRUE"));
    push_conversation_filters(&mut qb, q);
    if let Some((target, text)) = search {
        qb.push(match target {
            SearchIn::Messages => " AND c.id IN (SELECT m.conversation_id FROM messages m WHERE ",
            SearchIn::Translations => {
                " AND c.id IN (SELECT m.conversation_id FROM translations t JOIN messages m ON m.id = t.message_id WHERE "
            }
        });
        push_text_match(&mut qb, target, text);
        qb.push(")");
    }
    if let Some([key, id]) = after {
        qb.push(format!(" AND ({}, c.id) {} (", order.column, order.after));
        qb.push_bind(key).push(", ").push_bind(id).push(")");
    }
    qb.push(format!(" ORDER BY {col} {dir}, c.id {dir} LIMIT ", col = order.column, dir = order.direction));
    qb.push_bind(fetch as i64);
    Ok(qb.build_query_as().fetch_all(conn).await?)
}

// --- messages ----------------------------------------------------------------------------

/// Which messages to load; the filter is applied to `messages m`.
enum MessagesOf {
    Conversation(ConversationId),
    One(MessageId),
}

async fn load_messages(conn: &mut Conn, of: MessagesOf) -> Result<Vec<Message>> {
    let (filter, id) = match of {
        MessagesOf::Conversation(id) => ("m.conversation_id = $1", id.0),
        MessagesOf::One(id) => ("m.id = $1", id.0),
    };
    let sql = format!("SELECT {MESSAGE_COLUMNS} FROM messages m WHERE {filter} ORDER BY m.id");
    let rows: Vec<MessageRow> = sqlx::query_as(&sql).bind(id).fetch_all(&mut *conn).await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {TRANSLATION_COLUMNS} FROM translations \
         WHERE message_id IN (SELECT m.id FROM messages m WHERE {filter}) ORDER BY language"
    );
    let translations: Vec<TranslationRow> = sqlx::query_as(&sql).bind(id).fetch_all(&mut *conn).await?;
    let mut translations =
        Children::group(translations.into_iter().map(TranslationRow::into_translation).collect::<Result<Vec<_>>>()?);
    let sql = format!(
        "SELECT {ATTACHMENT_COLUMNS} FROM attachments \
         WHERE message_id IN (SELECT m.id FROM messages m WHERE {filter}) ORDER BY id"
    );
    let attachments: Vec<AttachmentRow> = sqlx::query_as(&sql).bind(id).fetch_all(&mut *conn).await?;
    let mut attachments = Children::group(attachments.into_iter().map(|a| (a.message_id, a.into_attachment())));
    let mut messages = rows
        .into_iter()
        .map(|r| {
            let (t, a) = (translations.take(r.id), attachments.take(r.id));
            r.into_message(t, a)
        })
        .collect::<Result<Vec<_>>>()?;
    outbox::attach_deliveries(conn, &mut messages).await?;
    Ok(messages)
}

/// A message row as ingest and notes write it.
struct NewMessageRow<'a> {
    conversation_id: i64,
    direction: Direction,
    author_id: Option<i64>,
    sender: Option<&'a str>,
    sender_name: Option<&'a str>,
    channel: &'a str,
    external_id: Option<&'a str>,
    rfc_message_id: Option<&'a str>,
    subject: Option<&'a str>,
    body_text: &'a str,
    quoted_text: Option<&'a str>,
    body_html: Option<&'a str>,
    order_numbers: &'a [String],
    warnings: &'a [String],
    raw_id: Option<i64>,
    enrichment: EnrichmentState,
    created_at: Timestamp,
}

impl<'a> NewMessageRow<'a> {
    /// A message an agent wrote (a reply or a note): no sender address, no raw input, and
    /// nothing to enrich — the agent's own words need no understanding.
    fn by_agent(
        conversation_id: i64,
        direction: Direction,
        author_id: Option<i64>,
        channel: &'a str,
        body_text: &'a str,
        created_at: Timestamp,
    ) -> Self {
        Self {
            conversation_id,
            direction,
            author_id,
            sender: None,
            sender_name: None,
            channel,
            external_id: None,
            rfc_message_id: None,
            subject: None,
            body_text,
            quoted_text: None,
            body_html: None,
            order_numbers: &[],
            warnings: &[],
            raw_id: None,
            enrichment: EnrichmentState::Done,
            created_at,
        }
    }
}

async fn insert_message(conn: &mut Conn, m: &NewMessageRow<'_>) -> Result<i64> {
    let id = sqlx::query_scalar(
        "INSERT INTO messages (conversation_id, direction, author_id, sender, sender_name, channel, \
         external_id, rfc_message_id, subject, body_text, quoted_text, body_html, order_numbers, \
         warnings, raw_id, enrichment, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id",
    )
    .bind(m.conversation_id)
    .bind(m.direction.as_str())
    .bind(m.author_id)
    .bind(m.sender)
    .bind(m.sender_name)
    .bind(m.channel)
    .bind(m.external_id)
    .bind(m.rfc_message_id)
    .bind(m.subject)
    .bind(m.body_text)
    .bind(m.quoted_text)
    .bind(m.body_html)
    .bind(to_json(m.order_numbers))
    .bind(to_json(m.warnings))
    .bind(m.raw_id)
    .bind(m.enrichment.as_str())
    .bind(m.created_at.0)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

async fn insert_attachment(conn: &mut Conn, message_id: i64, a: &PlannedAttachment<'_>) -> Result<()> {
    sqlx::query(
        "INSERT INTO attachments (message_id, filename, content_type, size, sha256, stored, content) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(message_id)
    .bind(a.filename)
    .bind(a.content_type)
    .bind(a.size)
    .bind(&a.sha256)
    .bind(a.content.is_some())
    .bind(a.content)
    .execute(conn)
    .await?;
    Ok(())
}

// --- ingest ------------------------------------------------------------------------------

async fn ingest_once(
    pool: &Pool<Db>,
    msg: &InboundMessage,
    limits: &IngestLimits,
    now: Timestamp,
) -> Result<IngestOutcome> {
    let channel = msg.channel.as_str();
    let mut tx = begin_write(pool).await?;

    let existing: Option<(i64, i64)> =
        sqlx::query_as("SELECT conversation_id, id FROM messages WHERE channel = $1 AND external_id = $2")
            .bind(channel)
            .bind(&msg.external_id)
            .fetch_optional(&mut *tx)
            .await?;
    if let Some((conversation_id, message_id)) = existing {
        return Ok(IngestOutcome {
            conversation_id: ConversationId(conversation_id),
            message_id: MessageId(message_id),
            duplicate: true,
        });
    }

    let raw_id = match &msg.raw {
        Some(raw) => Some(
            sqlx::query_scalar(
                "INSERT INTO raw_messages (media_type, bytes, sha256, received_at) VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(&raw.media_type)
            .bind(raw.bytes.as_slice())
            .bind(sha256_hex(&raw.bytes))
            .bind(now.0)
            .fetch_one(&mut *tx)
            .await?,
        ),
        None => None,
    };
    let customer_id = customer_for_sender(&mut tx, msg, now).await?;
    let conversation_id = thread_into_conversation(&mut tx, msg, customer_id, now).await?;

    let mut warnings = msg.warnings.clone();
    let attachments = plan_attachments(&msg.attachments, limits, &mut warnings);
    let message_id = insert_message(
        &mut tx,
        &NewMessageRow {
            conversation_id,
            direction: Direction::Inbound,
            author_id: None,
            sender: Some(&msg.sender),
            sender_name: msg.sender_name.as_deref(),
            channel,
            external_id: Some(&msg.external_id),
            rfc_message_id: msg.thread.rfc_message_id.as_deref(),
            subject: msg.subject.as_deref(),
            body_text: &msg.body_text,
            quoted_text: msg.quoted_text.as_deref(),
            body_html: msg.body_html.as_deref(),
            order_numbers: &msg.order_numbers,
            warnings: &warnings,
            raw_id,
            enrichment: EnrichmentState::Pending,
            created_at: now,
        },
    )
    .await?;
    for attachment in &attachments {
        insert_attachment(&mut tx, message_id, attachment).await?;
    }
    let enrich =
        NewJob { kind: "enrich".into(), payload: serde_json::json!({ "message_id": message_id }), max_attempts: 5 };
    insert_job(&mut tx, &enrich, now).await?;
    tx.commit().await?;
    Ok(IngestOutcome {
        conversation_id: ConversationId(conversation_id),
        message_id: MessageId(message_id),
        duplicate: false,
    })
}

async fn customer_for_sender(conn: &mut Conn, msg: &InboundMessage, now: Timestamp) -> Result<Option<i64>> {
    let address = address_key(&msg.sender);
    if address.is_empty() {
        return Ok(None);
    }
    let found = sqlx::query_scalar("SELECT customer_id FROM customer_aliases WHERE channel = $1 AND address = $2")
        .bind(msg.channel.as_str())
        .bind(&address)
        .fetch_optional(&mut *conn)
        .await?;
    if found.is_some() {
        return Ok(found);
    }
    let new = NewCustomer { name: msg.sender_name.clone(), ..NewCustomer::default() };
    let id = insert_customer(conn, &new, now).await?;
    insert_alias(conn, id, msg.channel, &address).await?;
    Ok(Some(id))
}

/// The conversation a buyer message continues: the one its email references point into, else
/// the newest with its channel thread key.
async fn find_thread(conn: &mut Conn, msg: &InboundMessage) -> Result<Option<ConversationStatusRow>> {
    let channel = msg.channel.as_str();
    if !msg.thread.references.is_empty() {
        let mut qb = QueryBuilder::<Db>::new(
            "SELECT c.id, c.status FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE m.channel = ",
        );
        qb.push_bind(channel).push(" AND m.rfc_message_id IN (");
        let mut list = qb.separated(", ");
        for reference in msg.thread.references.iter().take(MAX_REFERENCES) {
            list.push_bind(reference.as_str());
        }
        qb.push(") ORDER BY m.id DESC LIMIT 1");
        if let Some(row) = qb.build_query_as().fetch_optional(&mut *conn).await? {
            return Ok(Some(row));
        }
    }
    let Some(key) = &msg.thread.thread_key else { return Ok(None) };
    let row = sqlx::query_as(
        "SELECT id, status FROM conversations WHERE channel = $1 AND thread_key = $2 ORDER BY id DESC LIMIT 1",
    )
    .bind(channel)
    .bind(key)
    .fetch_optional(conn)
    .await?;
    Ok(row)
}

async fn thread_into_conversation(
    conn: &mut Conn,
    msg: &InboundMessage,
    customer_id: Option<i64>,
    now: Timestamp,
) -> Result<i64> {
    if let Some(key) = &msg.thread.thread_key {
        lock_thread(conn, msg.channel.as_str(), key).await?;
    }
    let preview = preview(&msg.body_text);
    let due = dragoman_core::sla::default_response_due(msg.channel, now);
    if let Some(found) = find_thread(conn, msg).await? {
        // A closed conversation is final: the message starts a new one below.
        if let Some(status) = found.status()?.on_buyer_message() {
            sqlx::query(
                "UPDATE conversations SET status = $1, last_message_at = $2, updated_at = $2, \
                 message_count = message_count + 1, preview = $3, sla_due_at = coalesce(sla_due_at, $4) \
                 WHERE id = $5",
            )
            .bind(status.as_str())
            .bind(now.0)
            .bind(&preview)
            .bind(due.0)
            .bind(found.id)
            .execute(&mut *conn)
            .await?;
            return Ok(found.id);
        }
    }
    let order_number = msg.order_numbers.first();
    let order_id = match order_number {
        Some(number) => find_order_id(conn, number).await?,
        None => None,
    };
    let id = sqlx::query_scalar(
        "INSERT INTO conversations (channel, marketplace, thread_key, subject, status, customer_id, \
         order_id, order_number, priority, tier, escalated, sla_due_at, last_message_at, created_at, \
         updated_at, message_count, preview) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, FALSE, $11, $12, $12, $12, 1, $13) RETURNING id",
    )
    .bind(msg.channel.as_str())
    .bind(msg.marketplace.as_ref().map(Marketplace::as_str))
    .bind(msg.thread.thread_key.as_deref())
    .bind(msg.subject.as_deref())
    .bind(ConversationStatus::Open.as_str())
    .bind(customer_id)
    .bind(order_id)
    .bind(order_number)
    .bind(Priority::Normal.rank())
    .bind(Tier::Agent.as_str())
    .bind(due.0)
    .bind(now.0)
    .bind(&preview)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

// --- customers and orders ----------------------------------------------------------------

async fn insert_customer(conn: &mut Conn, c: &NewCustomer, now: Timestamp) -> Result<i64> {
    let id = sqlx::query_scalar(
        "INSERT INTO customers (name, country, tags, notes, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(c.name.as_deref())
    .bind(c.country.as_deref())
    .bind(to_json(&c.tags))
    .bind(c.notes.as_deref())
    .bind(now.0)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// `address` must already be an [`address_key`]. A taken address is left as a unique
/// violation: ingest retries on it, `create_customer` reports a conflict.
async fn insert_alias(conn: &mut Conn, customer_id: i64, channel: Channel, address: &str) -> Result<()> {
    sqlx::query("INSERT INTO customer_aliases (customer_id, channel, address) VALUES ($1, $2, $3)")
        .bind(customer_id)
        .bind(channel.as_str())
        .bind(address)
        .execute(conn)
        .await?;
    Ok(())
}

async fn with_aliases(conn: &mut Conn, rows: Vec<CustomerRow>) -> Result<Vec<Customer>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let mut qb =
        QueryBuilder::<Db>::new("SELECT customer_id, channel, address FROM customer_aliases WHERE customer_id IN (");
    push_ids(&mut qb, rows.iter().map(|r| r.id));
    qb.push(") ORDER BY id");
    let aliases: Vec<AliasRow> = qb.build_query_as().fetch_all(&mut *conn).await?;
    let mut aliases = Children::group(aliases.into_iter().map(AliasRow::into_alias).collect::<Result<Vec<_>>>()?);
    rows.into_iter()
        .map(|r| {
            let a = aliases.take(r.id);
            r.into_customer(a)
        })
        .collect()
}

async fn load_customer(conn: &mut Conn, id: CustomerId) -> Result<Customer> {
    let sql = format!("SELECT {CUSTOMER_COLUMNS} FROM customers WHERE id = $1");
    let row: CustomerRow = sqlx::query_as(&sql)
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| StoreError::not_found("customer", id))?;
    Ok(with_aliases(conn, vec![row]).await?.remove(0))
}

async fn with_items(conn: &mut Conn, rows: Vec<OrderRow>) -> Result<Vec<Order>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let mut qb = QueryBuilder::<Db>::new(
        "SELECT order_id, sku, title, quantity, unit_price FROM order_items WHERE order_id IN (",
    );
    push_ids(&mut qb, rows.iter().map(|r| r.id));
    qb.push(") ORDER BY position");
    let items: Vec<OrderItemRow> = qb.build_query_as().fetch_all(&mut *conn).await?;
    let mut items = Children::group(items.into_iter().map(OrderItemRow::into_item));
    let mut qb = QueryBuilder::<Db>::new(
        "SELECT order_id, carrier, tracking_number, tracking_url, status, shipped_at FROM shipments WHERE order_id IN (",
    );
    push_ids(&mut qb, rows.iter().map(|r| r.id));
    qb.push(") ORDER BY position");
    let shipments: Vec<ShipmentRow> = qb.build_query_as().fetch_all(&mut *conn).await?;
    let mut shipments = Children::group(shipments.into_iter().map(ShipmentRow::into_shipment));
    rows.into_iter()
        .map(|r| {
            let (i, s) = (items.take(r.id), shipments.take(r.id));
            r.into_order(i, s)
        })
        .collect()
}

/// Inserts or replaces an order with its items and shipments and links the conversations
/// waiting for its number, inside the caller's transaction (also used by the Shopify sync).
async fn write_order(tx: &mut Conn, order: &NewOrder, now: Timestamp) -> Result<OrderId> {
    let number = order.order_number.trim();
    if number.is_empty() {
        return Err(StoreError::Invalid("order number is empty".into()));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO orders (marketplace, order_number, customer_id, status, currency, total, \
         shipping_country, ordered_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (marketplace, order_number) DO UPDATE SET customer_id = excluded.customer_id, \
         status = excluded.status, currency = excluded.currency, total = excluded.total, \
         shipping_country = excluded.shipping_country, ordered_at = excluded.ordered_at, \
         updated_at = excluded.updated_at RETURNING id",
    )
    .bind(order.marketplace.as_str())
    .bind(number)
    .bind(order.customer_id.map(|c| c.0))
    .bind(&order.status)
    .bind(order.currency.as_deref())
    .bind(order.total.as_deref())
    .bind(order.shipping_country.as_deref())
    .bind(order.ordered_at.map(|t| t.0))
    .bind(now.0)
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| {
        on_violation(e, ForeignKeyViolation, || {
            let customer = order.customer_id.map(|c| c.to_string()).unwrap_or_default();
            StoreError::Invalid(format!("customer {customer} does not exist"))
        })
    })?;
    sqlx::query("DELETE FROM order_items WHERE order_id = $1").bind(id).execute(&mut *tx).await?;
    sqlx::query("DELETE FROM shipments WHERE order_id = $1").bind(id).execute(&mut *tx).await?;
    for (position, item) in (0i64..).zip(&order.items) {
        sqlx::query(
            "INSERT INTO order_items (order_id, position, sku, title, quantity, unit_price) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(position)
        .bind(item.sku.as_deref())
        .bind(&item.title)
        .bind(item.quantity)
        .bind(item.unit_price.as_deref())
        .execute(&mut *tx)
        .await?;
    }
    for (position, s) in (0i64..).zip(&order.shipments) {
        sqlx::query(
            "INSERT INTO shipments (order_id, position, carrier, tracking_number, tracking_url, status, shipped_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(position)
        .bind(s.carrier.as_deref())
        .bind(s.tracking_number.as_deref())
        .bind(s.tracking_url.as_deref())
        .bind(s.status.as_deref())
        .bind(s.shipped_at.map(|t| t.0))
        .execute(&mut *tx)
        .await?;
    }
    // Buyers often write before the order sync has run: link what was waiting for it.
    sqlx::query("UPDATE conversations SET order_id = $1 WHERE order_number = $2 AND order_id IS NULL")
        .bind(id)
        .bind(number)
        .execute(&mut *tx)
        .await?;
    Ok(OrderId(id))
}

async fn load_order(conn: &mut Conn, id: OrderId) -> Result<Order> {
    let sql = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = $1");
    let row: OrderRow = sqlx::query_as(&sql)
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| StoreError::not_found("order", id))?;
    Ok(with_items(conn, vec![row]).await?.remove(0))
}

/// Marketplaces number orders independently; when two share a number, the most recently
/// updated is the likelier subject of a new message.
async fn find_order_id(conn: &mut Conn, order_number: &str) -> Result<Option<i64>> {
    let id =
        sqlx::query_scalar("SELECT id FROM orders WHERE order_number = $1 ORDER BY updated_at DESC, id DESC LIMIT 1")
            .bind(order_number.trim())
            .fetch_optional(conn)
            .await?;
    Ok(id)
}

/// A page of a table listed newest first by id.
async fn newest_first<R>(
    pool: &Pool<Db>,
    list: &str,
    columns: &str,
    table: &str,
    page: &PageRequest,
    id_of: impl Fn(&R) -> i64,
) -> Result<(Vec<R>, Option<String>)>
where
    R: for<'r> sqlx::FromRow<'r, <Db as sqlx::Database>::Row> + Send + Unpin,
{
    let limit = page.effective_limit() as usize;
    let mut qb = QueryBuilder::<Db>::new(format!("SELECT {columns} FROM {table}"));
    if let Some(c) = &page.cursor {
        let [id] = cursor::decode(list, c)?;
        qb.push(" WHERE id < ").push_bind(id);
    }
    qb.push(" ORDER BY id DESC LIMIT ").push_bind(limit as i64 + 1);
    let rows: Vec<R> = qb.build_query_as().fetch_all(pool).await?;
    Ok(cursor::split_page(rows, limit, |r| cursor::encode(list, [id_of(r)])))
}

// --- agents ------------------------------------------------------------------------------

async fn load_agent(conn: &mut Conn, id: AgentId) -> Result<Agent> {
    let sql = format!("SELECT {AGENT_COLUMNS} FROM agents a WHERE a.id = $1");
    let row: AgentRow = sqlx::query_as(&sql)
        .bind(id.0)
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| StoreError::not_found("agent", id))?;
    row.into_agent()
}

// --- jobs --------------------------------------------------------------------------------

async fn insert_job(conn: &mut Conn, job: &NewJob, now: Timestamp) -> Result<JobId> {
    let id = sqlx::query_scalar(
        "INSERT INTO jobs (kind, payload, state, attempts, max_attempts, run_at, created_at, updated_at) \
         VALUES ($1, $2, 'queued', 0, $3, $4, $4, $4) RETURNING id",
    )
    .bind(&job.kind)
    .bind(job.payload.to_string())
    .bind(job.max_attempts.max(1))
    .bind(now.0)
    .fetch_one(conn)
    .await?;
    Ok(JobId(id))
}

#[async_trait]
impl Store for Impl {
    fn backend(&self) -> Backend {
        BACKEND
    }

    #[instrument(skip_all)]
    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    #[instrument(skip_all, fields(channel = %msg.channel, external_id = %msg.external_id))]
    async fn ingest(&self, msg: &InboundMessage, limits: &IngestLimits, now: Timestamp) -> Result<IngestOutcome> {
        // Two ingests of one message (or two first messages from one new buyer) can race to a
        // unique index; the loser rolls back and, on the retry, finds the winner's rows.
        let mut retries = 3;
        loop {
            match ingest_once(&self.pool, msg, limits, now).await {
                Err(e) if retries > 0 && is_unique_violation(&e) => retries -= 1,
                outcome => return outcome,
            }
        }
    }

    #[instrument(skip_all)]
    async fn list_conversations(&self, q: &ConversationQuery) -> Result<Page<Conversation>> {
        let order = list_order(q.sort);
        let limit = q.page.effective_limit() as usize;
        let after = q.page.cursor.as_deref().map(|c| cursor::decode(order.list, c)).transpose()?;
        let mut conn = self.pool.acquire().await?;
        let rows = match q.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            None => conversation_rows(&mut conn, q, None, after, limit + 1).await?,
            // Matches in the original and in translations are fetched apart and merged: each is
            // then a plain semi-join, which the planner runs from the text index for a rare
            // word and along the sort order for a common one (one query with a UNION inside
            // always collects every match first). The first rows of the union are among the
            // first rows of each part.
            Some(text) => {
                let mut rows =
                    conversation_rows(&mut conn, q, Some((SearchIn::Messages, text)), after, limit + 1).await?;
                rows.extend(
                    conversation_rows(&mut conn, q, Some((SearchIn::Translations, text)), after, limit + 1).await?,
                );
                rows.sort_by_key(|r| (r.sort_key(q.sort), r.id));
                if q.sort == ConversationSort::LastActivity {
                    rows.reverse();
                }
                rows.dedup_by_key(|r| r.id);
                rows.truncate(limit + 1);
                rows
            }
        };
        let (rows, next_cursor) =
            cursor::split_page(rows, limit, |r| cursor::encode(order.list, [r.sort_key(q.sort), r.id]));
        Ok(Page { items: with_tags(&mut conn, rows).await?, next_cursor })
    }

    #[instrument(skip_all, fields(%id))]
    async fn get_conversation(&self, id: ConversationId) -> Result<Conversation> {
        load_conversation(&mut *self.pool.acquire().await?, id).await
    }

    #[instrument(skip_all, fields(%conversation))]
    async fn list_messages(&self, conversation: ConversationId) -> Result<Vec<Message>> {
        let mut conn = self.pool.acquire().await?;
        let messages = load_messages(&mut conn, MessagesOf::Conversation(conversation)).await?;
        if messages.is_empty() && !exists(&mut conn, "conversations", conversation.0).await? {
            return Err(StoreError::not_found("conversation", conversation));
        }
        Ok(messages)
    }

    #[instrument(skip_all, fields(%id))]
    async fn get_message(&self, id: MessageId) -> Result<Message> {
        let mut conn = self.pool.acquire().await?;
        let mut messages = load_messages(&mut conn, MessagesOf::One(id)).await?;
        messages.pop().ok_or_else(|| StoreError::not_found("message", id))
    }

    #[instrument(skip_all, fields(%id, status = %status))]
    async fn set_status(&self, id: ConversationId, status: ConversationStatus, now: Timestamp) -> Result<Conversation> {
        let mut tx = begin_write(&self.pool).await?;
        let current = conversation_status(&mut tx, id).await?;
        if !current.can_become(status) {
            return Err(StoreError::Invalid(format!("cannot move conversation {id} from {current} to {status}")));
        }
        sqlx::query("UPDATE conversations SET status = $1, updated_at = $2 WHERE id = $3")
            .bind(status.as_str())
            .bind(now.0)
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        let conversation = load_conversation(&mut tx, id).await?;
        tx.commit().await?;
        Ok(conversation)
    }

    #[instrument(skip_all, fields(%id))]
    async fn assign(&self, id: ConversationId, assignee: Option<AgentId>, now: Timestamp) -> Result<Conversation> {
        let mut tx = begin_write(&self.pool).await?;
        if let Some(agent) = assignee {
            require_agent(&mut tx, agent).await?;
        }
        let updated = sqlx::query("UPDATE conversations SET assignee_id = $1, updated_at = $2 WHERE id = $3")
            .bind(assignee.map(|a| a.0))
            .bind(now.0)
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::not_found("conversation", id));
        }
        let conversation = load_conversation(&mut tx, id).await?;
        tx.commit().await?;
        Ok(conversation)
    }

    #[instrument(skip_all, fields(%id))]
    async fn add_note(&self, id: ConversationId, author: AgentId, body: &str, now: Timestamp) -> Result<Message> {
        let mut tx = begin_write(&self.pool).await?;
        let channel: String = sqlx::query_scalar("SELECT channel FROM conversations WHERE id = $1")
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::not_found("conversation", id))?;
        require_agent(&mut tx, author).await?;
        let message_id = insert_message(
            &mut tx,
            &NewMessageRow::by_agent(id.0, Direction::Note, Some(author.0), &channel, body, now),
        )
        .await?;
        sqlx::query("UPDATE conversations SET message_count = message_count + 1, updated_at = $1 WHERE id = $2")
            .bind(now.0)
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        let mut note = load_messages(&mut tx, MessagesOf::One(MessageId(message_id))).await?;
        tx.commit().await?;
        note.pop().ok_or_else(|| StoreError::not_found("message", message_id))
    }

    #[instrument(skip_all, fields(%id))]
    async fn update_conversation(
        &self,
        id: ConversationId,
        patch: &ConversationPatch,
        now: Timestamp,
    ) -> Result<Conversation> {
        let mut tx = begin_write(&self.pool).await?;
        if !exists(&mut tx, "conversations", id.0).await? {
            return Err(StoreError::not_found("conversation", id));
        }
        if let Some(Some(team)) = patch.team_id
            && !exists(&mut tx, "teams", team.0).await?
        {
            return Err(StoreError::Invalid(format!("team {team} does not exist")));
        }
        if let Some(Some(order)) = patch.order_id
            && !exists(&mut tx, "orders", order.0).await?
        {
            return Err(StoreError::Invalid(format!("order {order} does not exist")));
        }
        let mut qb = QueryBuilder::<Db>::new("UPDATE conversations SET updated_at = ");
        qb.push_bind(now.0);
        if let Some(priority) = patch.priority {
            qb.push(", priority = ").push_bind(priority.rank());
        }
        if let Some(tier) = patch.tier {
            qb.push(", tier = ").push_bind(tier.as_str());
        }
        if let Some(escalated) = patch.escalated {
            qb.push(", escalated = ").push_bind(escalated);
        }
        if let Some(intent) = &patch.intent {
            qb.push(", intent = ").push_bind(intent.as_deref());
        }
        if let Some(team) = patch.team_id {
            qb.push(", team_id = ").push_bind(team.map(|t| t.0));
        }
        if let Some(due) = patch.sla_due_at {
            qb.push(", sla_due_at = ").push_bind(due.map(|t| t.0));
        }
        if let Some(language) = &patch.buyer_language {
            qb.push(", buyer_language = ").push_bind(language.as_str());
        }
        if let Some(order) = patch.order_id {
            qb.push(", order_id = ").push_bind(order.map(|o| o.0));
        }
        qb.push(" WHERE id = ").push_bind(id.0);
        qb.build().execute(&mut *tx).await?;
        if let Some(tags) = &patch.tags {
            sqlx::query("DELETE FROM conversation_tags WHERE conversation_id = $1")
                .bind(id.0)
                .execute(&mut *tx)
                .await?;
            for tag in normalise_tags(tags) {
                sqlx::query("INSERT INTO conversation_tags (conversation_id, tag) VALUES ($1, $2)")
                    .bind(id.0)
                    .bind(tag)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        let conversation = load_conversation(&mut tx, id).await?;
        tx.commit().await?;
        Ok(conversation)
    }

    #[instrument(skip_all, fields(%message))]
    async fn record_analysis(&self, message: MessageId, analysis: &serde_json::Value) -> Result<()> {
        let done = sqlx::query("UPDATE messages SET analysis = $1 WHERE id = $2")
            .bind(analysis.to_string())
            .bind(message.0)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found("message", message));
        }
        Ok(())
    }

    #[instrument(skip_all, fields(%message, %language))]
    async fn record_language(&self, message: MessageId, language: &LanguageTag, confidence: f64) -> Result<()> {
        let mut tx = begin_write(&self.pool).await?;
        let (conversation_id, direction): (i64, String) =
            sqlx::query_as("SELECT conversation_id, direction FROM messages WHERE id = $1")
                .bind(message.0)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StoreError::not_found("message", message))?;
        sqlx::query("UPDATE messages SET language = $1, language_confidence = $2 WHERE id = $3")
            .bind(language.as_str())
            .bind(confidence)
            .bind(message.0)
            .execute(&mut *tx)
            .await?;
        // Only what the buyer wrote says which language the buyer reads, and "und" says nothing.
        if direction == Direction::Inbound.as_str() && !language.is_undetermined() {
            sqlx::query("UPDATE conversations SET buyer_language = $1 WHERE id = $2 AND buyer_language IS NULL")
                .bind(language.as_str())
                .bind(conversation_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    #[instrument(skip_all, fields(%message))]
    async fn set_enrichment_state(&self, message: MessageId, state: EnrichmentState) -> Result<()> {
        let updated = sqlx::query("UPDATE messages SET enrichment = $1 WHERE id = $2")
            .bind(state.as_str())
            .bind(message.0)
            .execute(&self.pool)
            .await?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::not_found("message", message));
        }
        Ok(())
    }

    #[instrument(skip_all, fields(%message, language = %translation.language))]
    async fn add_translation(&self, message: MessageId, translation: &Translation) -> Result<()> {
        sqlx::query(
            "INSERT INTO translations (message_id, language, text, engine, model, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (message_id, language) DO UPDATE SET text = excluded.text, \
             engine = excluded.engine, model = excluded.model, created_at = excluded.created_at",
        )
        .bind(message.0)
        .bind(translation.language.as_str())
        .bind(&translation.text)
        .bind(&translation.engine)
        .bind(translation.model.as_deref())
        .bind(translation.created_at.0)
        .execute(&self.pool)
        .await
        .map_err(|e| on_violation(e, ForeignKeyViolation, || StoreError::not_found("message", message)))?;
        Ok(())
    }

    #[instrument(skip_all, fields(%id))]
    async fn attachment_content(&self, id: AttachmentId) -> Result<(Attachment, Vec<u8>)> {
        let sql = format!("SELECT {ATTACHMENT_COLUMNS}, content FROM attachments WHERE id = $1");
        let row: AttachmentContentRow = sqlx::query_as(&sql)
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::not_found("attachment", id))?;
        let content = row.content.ok_or_else(|| StoreError::not_found("attachment content", id))?;
        Ok((row.meta.into_attachment(), content))
    }

    #[instrument(skip_all, fields(%id))]
    async fn raw_message(&self, id: RawMessageId) -> Result<RawMessage> {
        let row: RawRow =
            sqlx::query_as("SELECT id, media_type, bytes, sha256, received_at FROM raw_messages WHERE id = $1")
                .bind(id.0)
                .fetch_optional(&self.pool)
                .await?
                .ok_or_else(|| StoreError::not_found("raw message", id))?;
        Ok(row.into())
    }

    #[instrument(skip_all)]
    async fn create_customer(&self, customer: &NewCustomer, now: Timestamp) -> Result<Customer> {
        let mut tx = begin_write(&self.pool).await?;
        let id = insert_customer(&mut tx, customer, now).await?;
        for alias in &customer.aliases {
            let address = address_key(&alias.address);
            insert_alias(&mut tx, id, alias.channel, &address).await.map_err(|e| match e {
                StoreError::Database(e) => on_violation(e, UniqueViolation, || {
                    StoreError::Conflict(format!("{} address {address} already belongs to a customer", alias.channel))
                }),
                e => e,
            })?;
        }
        let customer = load_customer(&mut tx, CustomerId(id)).await?;
        tx.commit().await?;
        Ok(customer)
    }

    #[instrument(skip_all, fields(%id))]
    async fn get_customer(&self, id: CustomerId) -> Result<Customer> {
        load_customer(&mut *self.pool.acquire().await?, id).await
    }

    #[instrument(skip_all)]
    async fn list_customers(&self, page: &PageRequest) -> Result<Page<Customer>> {
        let (rows, next_cursor) =
            newest_first(&self.pool, "cus", CUSTOMER_COLUMNS, "customers", page, |r: &CustomerRow| r.id).await?;
        Ok(Page { items: with_aliases(&mut *self.pool.acquire().await?, rows).await?, next_cursor })
    }

    #[instrument(skip_all, fields(order_number = %order.order_number))]
    async fn upsert_order(&self, order: &NewOrder, now: Timestamp) -> Result<Order> {
        let mut tx = begin_write(&self.pool).await?;
        let id = write_order(&mut tx, order, now).await?;
        let order = load_order(&mut tx, id).await?;
        tx.commit().await?;
        Ok(order)
    }

    #[instrument(skip_all, fields(%id))]
    async fn get_order(&self, id: OrderId) -> Result<Order> {
        load_order(&mut *self.pool.acquire().await?, id).await
    }

    #[instrument(skip_all)]
    async fn find_order(&self, order_number: &str) -> Result<Option<Order>> {
        let mut conn = self.pool.acquire().await?;
        match find_order_id(&mut conn, order_number).await? {
            Some(id) => Ok(Some(load_order(&mut conn, OrderId(id)).await?)),
            None => Ok(None),
        }
    }

    #[instrument(skip_all)]
    async fn find_order_by_tracking(&self, tracking_number: &str) -> Result<Option<Order>> {
        let mut conn = self.pool.acquire().await?;
        let id: Option<i64> = sqlx::query_scalar(
            "SELECT o.id FROM shipments s JOIN orders o ON o.id = s.order_id WHERE s.tracking_number = $1 \
             ORDER BY o.updated_at DESC, o.id DESC LIMIT 1",
        )
        .bind(tracking_number.trim())
        .fetch_optional(&mut *conn)
        .await?;
        match id {
            Some(id) => Ok(Some(load_order(&mut conn, OrderId(id)).await?)),
            None => Ok(None),
        }
    }

    #[instrument(skip_all)]
    async fn add_intent_example(&self, example: &NewIntentExample, now: Timestamp) -> Result<IntentExample> {
        let text = example.text.trim();
        if text.is_empty() {
            return Err(StoreError::Invalid("an intent example needs some text".into()));
        }
        let row: IntentExampleRow = sqlx::query_as(&format!(
            "INSERT INTO intent_examples (text, intent, language, source_message_id, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING {INTENT_EXAMPLE_COLUMNS}"
        ))
        .bind(text)
        .bind(example.intent.as_str())
        .bind(example.language.as_ref().map(LanguageTag::as_str))
        .bind(example.source_message_id.map(|m| m.0))
        .bind(example.created_by.map(|a| a.0))
        .bind(now.0)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| {
            on_violation(e, ForeignKeyViolation, || StoreError::Invalid("the message or agent does not exist".into()))
        })?;
        row.into_example()
    }

    #[instrument(skip_all)]
    async fn list_intent_examples(&self) -> Result<Vec<IntentExample>> {
        let rows: Vec<IntentExampleRow> =
            sqlx::query_as(&format!("SELECT {INTENT_EXAMPLE_COLUMNS} FROM intent_examples ORDER BY id"))
                .fetch_all(&self.pool)
                .await?;
        rows.into_iter().map(IntentExampleRow::into_example).collect()
    }

    #[instrument(skip_all)]
    async fn count_intent_examples(&self) -> Result<usize> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM intent_examples").fetch_one(&self.pool).await?;
        Ok(usize::try_from(n).unwrap_or_default())
    }

    #[instrument(skip_all)]
    async fn list_templates(&self) -> Result<Vec<StoredTemplate>> {
        let rows: Vec<TemplateRow> =
            sqlx::query_as(&format!("SELECT {TEMPLATE_COLUMNS} FROM reply_templates ORDER BY key, language"))
                .fetch_all(&self.pool)
                .await?;
        rows.into_iter().map(TemplateRow::into_template).collect()
    }

    #[instrument(skip_all, fields(key = %template.key, language = %template.language))]
    async fn upsert_template(&self, template: &StoredTemplate) -> Result<StoredTemplate> {
        let row: TemplateRow = sqlx::query_as(&format!(
            "INSERT INTO reply_templates (key, language, intent, title, body, condition, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (key, language) DO UPDATE SET intent = excluded.intent, title = excluded.title, \
             body = excluded.body, condition = excluded.condition, updated_at = excluded.updated_at \
             RETURNING {TEMPLATE_COLUMNS}"
        ))
        .bind(&template.key)
        .bind(template.language.as_str())
        .bind(template.intent.as_str())
        .bind(&template.title)
        .bind(&template.body)
        .bind(&template.condition)
        .bind(template.updated_at.0)
        .fetch_one(&self.pool)
        .await?;
        row.into_template()
    }

    #[instrument(skip_all)]
    async fn delete_template(&self, key: &str, language: &LanguageTag) -> Result<()> {
        let done = sqlx::query("DELETE FROM reply_templates WHERE key = $1 AND language = $2")
            .bind(key)
            .bind(language.as_str())
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found("template", format!("{key} ({language})")));
        }
        Ok(())
    }

    #[instrument(skip_all)]
    async fn list_orders(&self, page: &PageRequest) -> Result<Page<Order>> {
        let (rows, next_cursor) =
            newest_first(&self.pool, "ord", ORDER_COLUMNS, "orders", page, |r: &OrderRow| r.id).await?;
        Ok(Page { items: with_items(&mut *self.pool.acquire().await?, rows).await?, next_cursor })
    }

    #[instrument(skip_all)]
    async fn create_team(&self, name: &str, working_language: &LanguageTag) -> Result<Team> {
        let name = name.trim();
        let row: TeamRow = sqlx::query_as(
            "INSERT INTO teams (name, working_language) VALUES ($1, $2) RETURNING id, name, working_language",
        )
        .bind(name)
        .bind(working_language.as_str())
        .fetch_one(&self.pool)
        .await
        .map_err(|e| {
            on_violation(e, UniqueViolation, || StoreError::Conflict(format!("a team named {name:?} already exists")))
        })?;
        row.into_team()
    }

    #[instrument(skip_all)]
    async fn list_teams(&self) -> Result<Vec<Team>> {
        let rows: Vec<TeamRow> = sqlx::query_as("SELECT id, name, working_language FROM teams ORDER BY name, id")
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter().map(TeamRow::into_team).collect()
    }

    #[instrument(skip_all)]
    async fn create_agent(&self, agent: &NewAgent, now: Timestamp) -> Result<Agent> {
        let email = address_key(&agent.email);
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO agents (name, email, role, languages, time_zone, team_id, password_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(&agent.name)
        .bind(&email)
        .bind(agent.role.as_str())
        .bind(to_json(&agent.languages))
        .bind(&agent.time_zone)
        .bind(agent.team_id.map(|t| t.0))
        .bind(agent.password_hash.as_deref())
        .bind(now.0)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| match violation(&e) {
            Some(UniqueViolation) => StoreError::Conflict(format!("an agent with email {email} already exists")),
            Some(ForeignKeyViolation) => {
                let team = agent.team_id.map(|t| t.to_string()).unwrap_or_default();
                StoreError::Invalid(format!("team {team} does not exist"))
            }
            _ => e.into(),
        })?;
        load_agent(&mut *self.pool.acquire().await?, AgentId(id)).await
    }

    #[instrument(skip_all, fields(%id))]
    async fn get_agent(&self, id: AgentId) -> Result<Agent> {
        load_agent(&mut *self.pool.acquire().await?, id).await
    }

    #[instrument(skip_all)]
    async fn list_agents(&self) -> Result<Vec<Agent>> {
        let sql = format!("SELECT {AGENT_COLUMNS} FROM agents a ORDER BY a.name, a.id");
        let rows: Vec<AgentRow> = sqlx::query_as(&sql).fetch_all(&self.pool).await?;
        rows.into_iter().map(AgentRow::into_agent).collect()
    }

    #[instrument(skip_all)]
    async fn agent_credentials(&self, email: &str) -> Result<Option<(Agent, String)>> {
        let sql = format!("SELECT {AGENT_COLUMNS}, a.password_hash FROM agents a WHERE a.email = $1");
        let row: Option<CredentialsRow> =
            sqlx::query_as(&sql).bind(address_key(email)).fetch_optional(&self.pool).await?;
        match row {
            Some(CredentialsRow { agent, password_hash: Some(hash) }) => Ok(Some((agent.into_agent()?, hash))),
            _ => Ok(None),
        }
    }

    #[instrument(skip_all)]
    async fn create_session(&self, session: &NewSession) -> Result<()> {
        // Logins are rare next to requests: a good moment to forget sessions that ran out.
        sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(session.created_at.0)
            .execute(&self.pool)
            .await?;
        sqlx::query(
            "INSERT INTO sessions (token_sha256, agent_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&session.token_sha256)
        .bind(session.agent_id.0)
        .bind(&session.csrf_token)
        .bind(session.created_at.0)
        .bind(session.expires_at.0)
        .execute(&self.pool)
        .await
        .map_err(|e| match violation(&e) {
            Some(UniqueViolation) => StoreError::Conflict("a session with this token already exists".into()),
            Some(ForeignKeyViolation) => StoreError::Invalid(format!("agent {} does not exist", session.agent_id)),
            _ => e.into(),
        })?;
        Ok(())
    }

    #[instrument(skip_all)]
    async fn find_session(&self, token_sha256: &str, now: Timestamp) -> Result<Option<Session>> {
        let sql = format!(
            "SELECT {AGENT_COLUMNS}, s.csrf_token, s.expires_at FROM sessions s JOIN agents a ON a.id = s.agent_id \
             WHERE s.token_sha256 = $1 AND s.expires_at > $2"
        );
        let row: Option<SessionRow> =
            sqlx::query_as(&sql).bind(token_sha256).bind(now.0).fetch_optional(&self.pool).await?;
        row.map(|r| {
            Ok(Session { agent: r.agent.into_agent()?, csrf_token: r.csrf_token, expires_at: Timestamp(r.expires_at) })
        })
        .transpose()
    }

    #[instrument(skip_all)]
    async fn delete_session(&self, token_sha256: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_sha256 = $1").bind(token_sha256).execute(&self.pool).await?;
        Ok(())
    }

    #[instrument(skip_all)]
    async fn create_api_token(&self, name: &str, role: Role, token_sha256: &str, now: Timestamp) -> Result<ApiToken> {
        let row: ApiTokenRow = sqlx::query_as(
            "INSERT INTO api_tokens (name, role, token_sha256, created_at) VALUES ($1, $2, $3, $4) \
             RETURNING id, name, role, created_at",
        )
        .bind(name)
        .bind(role.as_str())
        .bind(token_sha256)
        .bind(now.0)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| {
            on_violation(e, UniqueViolation, || {
                StoreError::Conflict("an API token with this digest already exists".into())
            })
        })?;
        row.into_token()
    }

    #[instrument(skip_all)]
    async fn find_api_token(&self, token_sha256: &str) -> Result<Option<ApiToken>> {
        let row: Option<ApiTokenRow> =
            sqlx::query_as("SELECT id, name, role, created_at FROM api_tokens WHERE token_sha256 = $1")
                .bind(token_sha256)
                .fetch_optional(&self.pool)
                .await?;
        row.map(ApiTokenRow::into_token).transpose()
    }

    #[instrument(skip_all, fields(kind = %job.kind))]
    async fn enqueue(&self, job: &NewJob, now: Timestamp) -> Result<JobId> {
        insert_job(&mut *self.pool.acquire().await?, job, now).await
    }

    #[instrument(skip_all)]
    async fn claim_jobs(&self, kinds: &[&str], limit: u32, lease_ms: i64, now: Timestamp) -> Result<Vec<Job>> {
        if kinds.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        // One statement, so SQLite (one writer at a time) needs no more; PostgreSQL skips rows
        // another claimer has locked instead of waiting for them. The state names are literals
        // so the planner can use the partial indexes on queued and running jobs.
        let mut qb = QueryBuilder::<Db>::new(
            "WITH picked AS MATERIALIZED (SELECT id FROM jobs WHERE ((state = 'queued' AND run_at <= ",
        );
        qb.push_bind(now.0)
            .push(") OR (state = 'running' AND locked_until < ")
            .push_bind(now.0)
            .push(")) AND kind IN (");
        let mut list = qb.separated(", ");
        for kind in kinds {
            list.push_bind(*kind);
        }
        qb.push(") ORDER BY run_at, id LIMIT ").push_bind(i64::from(limit)).push(SKIP_LOCKED);
        qb.push(") UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_until = ")
            .push_bind(now.0.saturating_add(lease_ms))
            .push(", updated_at = ")
            .push_bind(now.0)
            .push(format!(" WHERE id IN (SELECT id FROM picked) RETURNING {JOB_COLUMNS}"));
        let rows: Vec<JobRow> = qb.build_query_as().fetch_all(&self.pool).await?;
        let mut jobs = rows.into_iter().map(JobRow::into_job).collect::<Result<Vec<_>>>()?;
        jobs.sort_by_key(|j| (j.run_at, j.id.0));
        Ok(jobs)
    }

    #[instrument(skip_all, fields(%id))]
    async fn complete_job(&self, id: JobId, now: Timestamp) -> Result<()> {
        let updated = sqlx::query("UPDATE jobs SET state = 'done', locked_until = NULL, updated_at = $1 WHERE id = $2")
            .bind(now.0)
            .bind(id.0)
            .execute(&self.pool)
            .await?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::not_found("job", id));
        }
        Ok(())
    }

    #[instrument(skip_all, fields(%id))]
    async fn fail_job(&self, id: JobId, error: &str, now: Timestamp) -> Result<JobState> {
        let mut tx = begin_write(&self.pool).await?;
        let (attempts, max_attempts): (i64, i64) =
            sqlx::query_as("SELECT attempts, max_attempts FROM jobs WHERE id = $1")
                .bind(id.0)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StoreError::not_found("job", id))?;
        let (state, run_at) = if attempts >= max_attempts {
            (JobState::Dead, now)
        } else {
            (JobState::Queued, now.plus_millis(retry_delay_ms(attempts)))
        };
        sqlx::query(
            "UPDATE jobs SET state = $1, run_at = $2, last_error = $3, locked_until = NULL, updated_at = $4 WHERE id = $5",
        )
        .bind(state.as_str())
        .bind(run_at.0)
        .bind(error)
        .bind(now.0)
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(state)
    }

    #[instrument(skip_all)]
    async fn list_jobs(&self, state: Option<JobState>, limit: u32) -> Result<Vec<Job>> {
        let limit = PageRequest { cursor: None, limit }.effective_limit();
        let mut qb = QueryBuilder::<Db>::new(format!("SELECT {JOB_COLUMNS} FROM jobs"));
        if let Some(state) = state {
            qb.push(" WHERE state = ").push_bind(state.as_str());
        }
        qb.push(" ORDER BY id DESC LIMIT ").push_bind(i64::from(limit));
        let rows: Vec<JobRow> = qb.build_query_as().fetch_all(&self.pool).await?;
        rows.into_iter().map(JobRow::into_job).collect()
    }

    #[instrument(skip_all, fields(%id))]
    async fn retry_job(&self, id: JobId, now: Timestamp) -> Result<()> {
        let updated = sqlx::query(
            "UPDATE jobs SET state = 'queued', attempts = 0, run_at = $1, locked_until = NULL, updated_at = $1 \
             WHERE id = $2 AND state = 'dead'",
        )
        .bind(now.0)
        .bind(id.0)
        .execute(&self.pool)
        .await?;
        if updated.rows_affected() == 0 {
            let state: String = sqlx::query_scalar("SELECT state FROM jobs WHERE id = $1")
                .bind(id.0)
                .fetch_optional(&self.pool)
                .await?
                .ok_or_else(|| StoreError::not_found("job", id))?;
            return Err(StoreError::Invalid(format!("job {id} is {state}, not dead: only dead jobs are retried")));
        }
        Ok(())
    }

    #[instrument(skip_all)]
    async fn job_counts(&self) -> Result<Vec<(JobState, i64)>> {
        let rows: Vec<(String, i64)> =
            sqlx::query_as("SELECT state, COUNT(*) FROM jobs GROUP BY state").fetch_all(&self.pool).await?;
        let mut counts: Vec<(JobState, i64)> = JobState::ALL.iter().map(|s| (*s, 0)).collect();
        for (state, n) in rows {
            let state = job_state(&state)?;
            if let Some(entry) = counts.iter_mut().find(|(s, _)| *s == state) {
                entry.1 = n;
            }
        }
        Ok(counts)
    }
}
