//! Rows as both databases return them, and their conversion into domain types.
//!
//! `#[derive(FromRow)]` is generic over the driver, so these types serve both backends. Text
//! that does not parse back into a domain type means the database was written by something
//! else (or by a bug) and surfaces as [`StoreError::Corrupt`] rather than a panic.

use crate::{ApiToken, ConversationSort, IntentExample, Job, JobState, RawMessage, Result, StoreError, StoredTemplate};
use dragoman_core::*;
use serde::de::DeserializeOwned;
use std::collections::HashMap;

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

fn parse<T: std::str::FromStr<Err = ParseError>>(s: &str) -> Result<T> {
    s.parse().map_err(corrupt)
}

fn language(s: Option<String>) -> Result<Option<LanguageTag>> {
    s.map(|s| LanguageTag::parse(&s).map_err(corrupt)).transpose()
}

fn json<T: DeserializeOwned>(column: &str, s: &str) -> Result<T> {
    serde_json::from_str(s).map_err(|e| corrupt(format!("{column}: {e}")))
}

pub(crate) fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).expect("lists of strings always serialise")
}

/// Children of many parents fetched in one query, handed out parent by parent.
pub(crate) struct Children<T>(HashMap<i64, Vec<T>>);

impl<T> Children<T> {
    pub fn group(rows: impl IntoIterator<Item = (i64, T)>) -> Self {
        let mut map: HashMap<i64, Vec<T>> = HashMap::new();
        for (parent, child) in rows {
            map.entry(parent).or_default().push(child);
        }
        Self(map)
    }

    pub fn take(&mut self, parent: i64) -> Vec<T> {
        self.0.remove(&parent).unwrap_or_default()
    }
}

pub(crate) const CONVERSATION_COLUMNS: &str = "c.id, c.channel, c.marketplace, c.subject, c.status, \
    c.customer_id, c.order_id, c.order_number, c.buyer_language, c.assignee_id, c.team_id, \
    c.priority, c.tier, c.intent, c.escalated, c.sla_due_at, c.sla_sort_key, c.last_message_at, \
    c.created_at, c.updated_at, c.message_count, c.preview";

#[derive(sqlx::FromRow)]
pub(crate) struct ConversationRow {
    pub id: i64,
    channel: String,
    marketplace: Option<String>,
    subject: Option<String>,
    status: String,
    customer_id: Option<i64>,
    order_id: Option<i64>,
    order_number: Option<String>,
    buyer_language: Option<String>,
    assignee_id: Option<i64>,
    team_id: Option<i64>,
    priority: i64,
    tier: String,
    intent: Option<String>,
    escalated: bool,
    sla_due_at: Option<i64>,
    sla_sort_key: i64,
    last_message_at: i64,
    created_at: i64,
    updated_at: i64,
    message_count: i64,
    preview: Option<String>,
}

impl ConversationRow {
    /// The value a list in this order is sorted and paged by (ties broken by id).
    pub fn sort_key(&self, sort: ConversationSort) -> i64 {
        match sort {
            ConversationSort::SlaDue => self.sla_sort_key,
            ConversationSort::LastActivity => self.last_message_at,
        }
    }

    pub fn into_conversation(self, tags: Vec<String>) -> Result<Conversation> {
        Ok(Conversation {
            id: ConversationId(self.id),
            channel: parse(&self.channel)?,
            marketplace: self.marketplace.map(|m| Marketplace::parse(&m).map_err(corrupt)).transpose()?,
            subject: self.subject,
            status: parse(&self.status)?,
            customer_id: self.customer_id.map(CustomerId),
            order_id: self.order_id.map(OrderId),
            order_number: self.order_number,
            buyer_language: language(self.buyer_language)?,
            assignee_id: self.assignee_id.map(AgentId),
            team_id: self.team_id.map(TeamId),
            priority: Priority::from_rank(self.priority),
            tier: parse(&self.tier)?,
            tags,
            intent: self.intent,
            escalated: self.escalated,
            sla_due_at: self.sla_due_at.map(Timestamp),
            last_message_at: Timestamp(self.last_message_at),
            created_at: Timestamp(self.created_at),
            updated_at: Timestamp(self.updated_at),
            message_count: self.message_count,
            preview: self.preview,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ConversationStatusRow {
    pub id: i64,
    pub status: String,
}

impl ConversationStatusRow {
    pub fn status(&self) -> Result<ConversationStatus> {
        parse(&self.status)
    }
}

pub(crate) const MESSAGE_COLUMNS: &str = "m.id, m.conversation_id, m.direction, m.author_id, \
    m.sender, m.sender_name, m.external_id, m.subject, m.body_text, m.quoted_text, m.body_html, \
    m.language, m.language_confidence, m.order_numbers, m.warnings, m.raw_id, m.enrichment, \
    m.created_at, m.analysis";

#[derive(sqlx::FromRow)]
pub(crate) struct MessageRow {
    pub id: i64,
    conversation_id: i64,
    direction: String,
    author_id: Option<i64>,
    sender: Option<String>,
    sender_name: Option<String>,
    external_id: Option<String>,
    subject: Option<String>,
    body_text: String,
    quoted_text: Option<String>,
    body_html: Option<String>,
    language: Option<String>,
    language_confidence: Option<f64>,
    order_numbers: String,
    warnings: String,
    raw_id: Option<i64>,
    enrichment: String,
    created_at: i64,
    analysis: Option<String>,
}

impl MessageRow {
    pub fn into_message(self, translations: Vec<Translation>, attachments: Vec<Attachment>) -> Result<Message> {
        Ok(Message {
            id: MessageId(self.id),
            conversation_id: ConversationId(self.conversation_id),
            direction: parse(&self.direction)?,
            author_id: self.author_id.map(AgentId),
            sender: self.sender,
            sender_name: self.sender_name,
            external_id: self.external_id,
            subject: self.subject,
            body_text: self.body_text,
            quoted_text: self.quoted_text,
            body_html: self.body_html,
            language: language(self.language)?,
            language_confidence: self.language_confidence,
            translations,
            attachments,
            order_numbers: json("messages.order_numbers", &self.order_numbers)?,
            warnings: json("messages.warnings", &self.warnings)?,
            analysis: self.analysis.as_deref().map(|a| json("messages.analysis", a)).transpose()?,
            raw_id: self.raw_id.map(RawMessageId),
            enrichment: self.enrichment,
            // Replies sent through the outbox get theirs from the outbox table (`sql/outbox.rs`).
            delivery: None,
            original: None,
            created_at: Timestamp(self.created_at),
        })
    }
}

pub(crate) const TRANSLATION_COLUMNS: &str = "message_id, language, text, engine, model, created_at";

#[derive(sqlx::FromRow)]
pub(crate) struct TranslationRow {
    pub message_id: i64,
    language: String,
    text: String,
    engine: String,
    model: Option<String>,
    created_at: i64,
}

impl TranslationRow {
    pub fn into_translation(self) -> Result<(i64, Translation)> {
        let translation = Translation {
            language: LanguageTag::parse(&self.language).map_err(corrupt)?,
            text: self.text,
            engine: self.engine,
            model: self.model,
            created_at: Timestamp(self.created_at),
        };
        Ok((self.message_id, translation))
    }
}

pub(crate) const ATTACHMENT_COLUMNS: &str = "id, message_id, filename, content_type, size, sha256, stored";

#[derive(sqlx::FromRow)]
pub(crate) struct AttachmentRow {
    id: i64,
    pub message_id: i64,
    filename: String,
    content_type: String,
    size: i64,
    sha256: String,
    stored: bool,
}

impl AttachmentRow {
    pub fn into_attachment(self) -> Attachment {
        Attachment {
            id: AttachmentId(self.id),
            filename: self.filename,
            content_type: self.content_type,
            size: self.size,
            sha256: self.sha256,
            stored: self.stored,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct AttachmentContentRow {
    #[sqlx(flatten)]
    pub meta: AttachmentRow,
    pub content: Option<Vec<u8>>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct RawRow {
    id: i64,
    media_type: String,
    bytes: Vec<u8>,
    sha256: String,
    received_at: i64,
}

impl From<RawRow> for RawMessage {
    fn from(r: RawRow) -> Self {
        RawMessage {
            id: RawMessageId(r.id),
            media_type: r.media_type,
            bytes: r.bytes,
            sha256: r.sha256,
            received_at: Timestamp(r.received_at),
        }
    }
}

pub(crate) const CUSTOMER_COLUMNS: &str = "id, name, country, tags, notes, created_at";

#[derive(sqlx::FromRow)]
pub(crate) struct CustomerRow {
    pub id: i64,
    name: Option<String>,
    country: Option<String>,
    tags: String,
    notes: Option<String>,
    created_at: i64,
}

impl CustomerRow {
    pub fn into_customer(self, aliases: Vec<CustomerAlias>) -> Result<Customer> {
        Ok(Customer {
            id: CustomerId(self.id),
            name: self.name,
            aliases,
            country: self.country,
            tags: json("customers.tags", &self.tags)?,
            notes: self.notes,
            created_at: Timestamp(self.created_at),
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct AliasRow {
    customer_id: i64,
    channel: String,
    address: String,
}

impl AliasRow {
    pub fn into_alias(self) -> Result<(i64, CustomerAlias)> {
        Ok((self.customer_id, CustomerAlias { channel: parse(&self.channel)?, address: self.address }))
    }
}

pub(crate) const ORDER_COLUMNS: &str = "id, marketplace, order_number, customer_id, status, currency, \
    total, shipping_country, ordered_at, updated_at";

#[derive(sqlx::FromRow)]
pub(crate) struct OrderRow {
    pub id: i64,
    marketplace: String,
    order_number: String,
    customer_id: Option<i64>,
    status: String,
    currency: Option<String>,
    total: Option<String>,
    shipping_country: Option<String>,
    ordered_at: Option<i64>,
    updated_at: i64,
}

impl OrderRow {
    pub fn into_order(self, items: Vec<OrderItem>, shipments: Vec<Shipment>) -> Result<Order> {
        Ok(Order {
            id: OrderId(self.id),
            marketplace: Marketplace::parse(&self.marketplace).map_err(corrupt)?,
            order_number: self.order_number,
            customer_id: self.customer_id.map(CustomerId),
            status: self.status,
            currency: self.currency,
            total: self.total,
            items,
            shipments,
            shipping_country: self.shipping_country,
            ordered_at: self.ordered_at.map(Timestamp),
            updated_at: Timestamp(self.updated_at),
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct OrderItemRow {
    order_id: i64,
    sku: Option<String>,
    title: String,
    quantity: i64,
    unit_price: Option<String>,
}

impl OrderItemRow {
    pub fn into_item(self) -> (i64, OrderItem) {
        let item = OrderItem { sku: self.sku, title: self.title, quantity: self.quantity, unit_price: self.unit_price };
        (self.order_id, item)
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ShipmentRow {
    order_id: i64,
    carrier: Option<String>,
    tracking_number: Option<String>,
    tracking_url: Option<String>,
    status: Option<String>,
    shipped_at: Option<i64>,
}

impl ShipmentRow {
    pub fn into_shipment(self) -> (i64, Shipment) {
        let shipment = Shipment {
            carrier: self.carrier,
            tracking_number: self.tracking_number,
            tracking_url: self.tracking_url,
            status: self.status,
            shipped_at: self.shipped_at.map(Timestamp),
        };
        (self.order_id, shipment)
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct TeamRow {
    id: i64,
    name: String,
    working_language: String,
}

impl TeamRow {
    pub fn into_team(self) -> Result<Team> {
        Ok(Team {
            id: TeamId(self.id),
            name: self.name,
            working_language: LanguageTag::parse(&self.working_language).map_err(corrupt)?,
        })
    }
}

pub(crate) const AGENT_COLUMNS: &str =
    "a.id, a.name, a.email, a.role, a.languages, a.time_zone, a.team_id, a.created_at";

#[derive(sqlx::FromRow)]
pub(crate) struct AgentRow {
    id: i64,
    name: String,
    email: String,
    role: String,
    languages: String,
    time_zone: String,
    team_id: Option<i64>,
    created_at: i64,
}

impl AgentRow {
    pub fn into_agent(self) -> Result<Agent> {
        Ok(Agent {
            id: AgentId(self.id),
            name: self.name,
            email: self.email,
            role: parse(&self.role)?,
            languages: json("agents.languages", &self.languages)?,
            time_zone: self.time_zone,
            team_id: self.team_id.map(TeamId),
            created_at: Timestamp(self.created_at),
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct CredentialsRow {
    #[sqlx(flatten)]
    pub agent: AgentRow,
    pub password_hash: Option<String>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct SessionRow {
    #[sqlx(flatten)]
    pub agent: AgentRow,
    pub csrf_token: String,
    pub expires_at: i64,
}

#[derive(sqlx::FromRow)]
pub(crate) struct ApiTokenRow {
    id: i64,
    name: String,
    role: String,
    created_at: i64,
}

impl ApiTokenRow {
    pub fn into_token(self) -> Result<ApiToken> {
        Ok(ApiToken { id: self.id, name: self.name, role: parse(&self.role)?, created_at: Timestamp(self.created_at) })
    }
}

pub(crate) const JOB_COLUMNS: &str =
    "id, kind, payload, state, attempts, max_attempts, run_at, last_error, created_at, updated_at";

#[derive(sqlx::FromRow)]
pub(crate) struct JobRow {
    id: i64,
    kind: String,
    payload: String,
    state: String,
    attempts: i64,
    max_attempts: i64,
    run_at: i64,
    last_error: Option<String>,
    created_at: i64,
    updated_at: i64,
}

impl JobRow {
    pub fn into_job(self) -> Result<Job> {
        Ok(Job {
            id: JobId(self.id),
            kind: self.kind,
            payload: json("jobs.payload", &self.payload)?,
            state: job_state(&self.state)?,
            attempts: self.attempts,
            max_attempts: self.max_attempts,
            run_at: Timestamp(self.run_at),
            last_error: self.last_error,
            created_at: Timestamp(self.created_at),
            updated_at: Timestamp(self.updated_at),
        })
    }
}

pub(crate) fn job_state(s: &str) -> Result<JobState> {
    JobState::parse(s).ok_or_else(|| corrupt(format!("unknown job state {s:?}")))
}

pub(crate) const INTENT_EXAMPLE_COLUMNS: &str = "id, text, intent, language, source_message_id, created_by, created_at";

#[derive(sqlx::FromRow)]
pub(crate) struct IntentExampleRow {
    id: i64,
    text: String,
    intent: String,
    language: Option<String>,
    source_message_id: Option<i64>,
    created_by: Option<i64>,
    created_at: i64,
}

impl IntentExampleRow {
    pub fn into_example(self) -> Result<IntentExample> {
        Ok(IntentExample {
            id: self.id,
            text: self.text,
            intent: parse(&self.intent)?,
            language: language(self.language)?,
            source_message_id: self.source_message_id.map(MessageId),
            created_by: self.created_by.map(AgentId),
            created_at: Timestamp(self.created_at),
        })
    }
}

pub(crate) const TEMPLATE_COLUMNS: &str = "key, language, intent, title, body, condition, updated_at";

#[derive(sqlx::FromRow)]
pub(crate) struct TemplateRow {
    key: String,
    language: String,
    intent: String,
    title: String,
    body: String,
    condition: String,
    updated_at: i64,
}

impl TemplateRow {
    pub fn into_template(self) -> Result<StoredTemplate> {
        Ok(StoredTemplate {
            key: self.key,
            language: LanguageTag::parse(&self.language).map_err(corrupt)?,
            intent: parse(&self.intent)?,
            title: self.title,
            body: self.body,
            condition: self.condition,
            updated_at: Timestamp(self.updated_at),
        })
    }
}
