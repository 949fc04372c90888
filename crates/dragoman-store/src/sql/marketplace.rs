//! [`crate::MarketplaceStore`] for both backends (compiled into each through `shared.rs`).

use super::*;
use crate::marketplace::{
    DeliveryOutcome, EbayConversationMark, PrivacyRecord, PrivacyRequest, PrivacyTopic, ShopCustomer, ShopOrder,
    ShopOrderOutcome, WebhookDelivery,
};

/// What an erased message keeps in place of its text, so the thread still shows that something
/// was said.
const ERASED: &str = "[erased at the customer's request]";

/// Records a delivery; `false` when it was recorded before.
async fn insert_delivery(conn: &mut Conn, delivery: &WebhookDelivery, outcome: &str, now: Timestamp) -> Result<bool> {
    let inserted = sqlx::query(
        "INSERT INTO shopify_webhooks (webhook_id, shop, topic, triggered_at, outcome, received_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (webhook_id) DO NOTHING",
    )
    .bind(&delivery.webhook_id)
    .bind(&delivery.shop)
    .bind(&delivery.topic)
    .bind(delivery.triggered_at.map(|t| t.0))
    .bind(outcome)
    .bind(now.0)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(inserted == 1)
}

async fn set_delivery_outcome(conn: &mut Conn, delivery: &WebhookDelivery, outcome: &str) -> Result<()> {
    sqlx::query("UPDATE shopify_webhooks SET outcome = $1 WHERE webhook_id = $2")
        .bind(outcome)
        .bind(&delivery.webhook_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The store's customer with this email on any channel, or a new one reachable by it on Shopify.
async fn customer_for_shop_buyer(conn: &mut Conn, buyer: &ShopCustomer, now: Timestamp) -> Result<Option<i64>> {
    let Some(address) = buyer.email.as_deref().map(address_key).filter(|a| !a.is_empty()) else {
        return Ok(None);
    };
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT customer_id FROM customer_aliases WHERE address = $1 \
         ORDER BY CASE WHEN channel = 'shopify' THEN 0 ELSE 1 END, id LIMIT 1",
    )
    .bind(&address)
    .fetch_optional(&mut *conn)
    .await?;
    if found.is_some() {
        return Ok(found);
    }
    let new = NewCustomer { name: buyer.name.clone(), country: buyer.country.clone(), ..NewCustomer::default() };
    let id = insert_customer(conn, &new, now).await?;
    insert_alias(conn, id, Channel::Shopify, &address).await?;
    Ok(Some(id))
}

/// Serialises writers of one Shopify order (PostgreSQL; SQLite writers are serialised anyway),
/// so two deliveries cannot both pass the staleness check.
async fn lock_shop_order(conn: &mut Conn, shop: &str, shopify_id: i64) -> Result<()> {
    lock_thread(conn, "shopify-order", &format!("{shop}/{shopify_id}")).await?;
    Ok(())
}

async fn stored_snapshot(conn: &mut Conn, shop: &str, shopify_id: i64) -> Result<Option<(i64, i64)>> {
    Ok(sqlx::query_as("SELECT order_id, source_updated_at FROM shopify_orders WHERE shop = $1 AND shopify_id = $2")
        .bind(shop)
        .bind(shopify_id)
        .fetch_optional(conn)
        .await?)
}

#[derive(sqlx::FromRow)]
struct PrivacyRow {
    id: i64,
    shop: String,
    topic: String,
    shopify_customer_id: Option<i64>,
    email: Option<String>,
    shopify_order_ids: String,
    state: String,
    summary: String,
    received_at: i64,
}

const PRIVACY_COLUMNS: &str =
    "id, shop, topic, shopify_customer_id, email, shopify_order_ids, state, summary, received_at";

impl PrivacyRow {
    fn into_record(self) -> Result<PrivacyRecord> {
        let topic = PrivacyTopic::parse(&self.topic)
            .ok_or_else(|| StoreError::Corrupt(format!("privacy request topic {:?} is unknown", self.topic)))?;
        let shopify_order_ids = serde_json::from_str(&self.shopify_order_ids)
            .map_err(|e| StoreError::Corrupt(format!("privacy request order ids: {e}")))?;
        Ok(PrivacyRecord {
            id: self.id,
            shop: self.shop,
            topic,
            shopify_customer_id: self.shopify_customer_id,
            email: self.email,
            shopify_order_ids,
            state: self.state,
            summary: self.summary,
            received_at: Timestamp(self.received_at),
        })
    }
}

/// Erases what the store holds about one Shopify customer (see
/// [`MarketplaceStore::record_privacy_request`]) and says what was erased.
async fn erase_shop_customer(conn: &mut Conn, shop: &str, request: &PrivacyRequest) -> Result<String> {
    let mut orders: Vec<i64> = match request.shopify_customer_id {
        Some(customer) => {
            sqlx::query_scalar("SELECT order_id FROM shopify_orders WHERE shop = $1 AND shopify_customer_id = $2")
                .bind(shop)
                .bind(customer)
                .fetch_all(&mut *conn)
                .await?
        }
        None => Vec::new(),
    };
    for id in &request.shopify_order_ids {
        if let Some((order, _)) = stored_snapshot(conn, shop, *id).await? {
            orders.push(order);
        }
    }
    orders.sort_unstable();
    orders.dedup();

    // The customers: those the orders point at, and those reachable by the email.
    let mut customers: Vec<i64> = Vec::new();
    for order in &orders {
        let linked: Option<i64> = sqlx::query_scalar("SELECT customer_id FROM orders WHERE id = $1")
            .bind(order)
            .fetch_one(&mut *conn)
            .await?;
        customers.extend(linked);
        sqlx::query("UPDATE orders SET customer_id = NULL, shipping_country = NULL WHERE id = $1")
            .bind(order)
            .execute(&mut *conn)
            .await?;
    }
    if let Some(address) = request.email.as_deref().map(address_key).filter(|a| !a.is_empty()) {
        let by_email: Vec<i64> = sqlx::query_scalar("SELECT customer_id FROM customer_aliases WHERE address = $1")
            .bind(address)
            .fetch_all(&mut *conn)
            .await?;
        customers.extend(by_email);
    }
    customers.sort_unstable();
    customers.dedup();
    if let Some(customer) = request.shopify_customer_id {
        sqlx::query(
            "UPDATE shopify_orders SET shopify_customer_id = NULL WHERE shop = $1 AND shopify_customer_id = $2",
        )
        .bind(shop)
        .bind(customer)
        .execute(&mut *conn)
        .await?;
    }

    let mut messages = 0u64;
    for customer in &customers {
        messages += erase_customer(conn, *customer).await?;
    }
    Ok(format!("erased: {} order link(s), {} customer record(s), {messages} message(s)", orders.len(), customers.len()))
}

/// Erases one store customer's personal data and the content of their conversations; returns
/// how many messages were erased.
async fn erase_customer(conn: &mut Conn, customer: i64) -> Result<u64> {
    sqlx::query("UPDATE customers SET name = NULL, country = NULL, notes = NULL, tags = '[]' WHERE id = $1")
        .bind(customer)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM customer_aliases WHERE customer_id = $1").bind(customer).execute(&mut *conn).await?;
    let in_their_conversations = "message_id IN (SELECT m.id FROM messages m JOIN conversations c \
         ON c.id = m.conversation_id WHERE c.customer_id = $1)";
    for table in ["translations", "attachments"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE {in_their_conversations}"))
            .bind(customer)
            .execute(&mut *conn)
            .await?;
    }
    let raw: Vec<i64> = sqlx::query_scalar(
        "SELECT m.raw_id FROM messages m JOIN conversations c ON c.id = m.conversation_id \
         WHERE c.customer_id = $1 AND m.raw_id IS NOT NULL",
    )
    .bind(customer)
    .fetch_all(&mut *conn)
    .await?;
    let erased = sqlx::query(
        "UPDATE messages SET sender = NULL, sender_name = NULL, subject = NULL, body_text = $2, quoted_text = NULL, \
         body_html = NULL, order_numbers = '[]', analysis = NULL, raw_id = NULL \
         WHERE conversation_id IN (SELECT id FROM conversations WHERE customer_id = $1)",
    )
    .bind(customer)
    .bind(ERASED)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    for id in raw {
        sqlx::query("DELETE FROM raw_messages WHERE id = $1").bind(id).execute(&mut *conn).await?;
    }
    sqlx::query("UPDATE conversations SET subject = NULL, preview = $2 WHERE customer_id = $1")
        .bind(customer)
        .bind(ERASED)
        .execute(&mut *conn)
        .await?;
    Ok(erased)
}

#[async_trait]
impl MarketplaceStore for Impl {
    #[instrument(skip_all, fields(shop = %snapshot.shop, shopify_id = snapshot.shopify_id))]
    async fn apply_shop_order(
        &self,
        snapshot: &ShopOrder,
        delivery: Option<&WebhookDelivery>,
        now: Timestamp,
    ) -> Result<ShopOrderOutcome> {
        let mut tx = begin_write(&self.pool).await?;
        if let Some(delivery) = delivery
            && !insert_delivery(&mut tx, delivery, "applied", now).await?
        {
            return Ok(ShopOrderOutcome::Duplicate);
        }
        lock_shop_order(&mut tx, &snapshot.shop, snapshot.shopify_id).await?;
        if let Some((order_id, stored_at)) = stored_snapshot(&mut tx, &snapshot.shop, snapshot.shopify_id).await?
            && stored_at > snapshot.updated_at.0
        {
            if let Some(delivery) = delivery {
                set_delivery_outcome(&mut tx, delivery, "stale").await?;
            }
            let order = load_order(&mut tx, OrderId(order_id)).await?;
            tx.commit().await?;
            return Ok(ShopOrderOutcome::Stale(order));
        }
        let mut order = snapshot.order.clone();
        order.customer_id = match &snapshot.customer {
            Some(buyer) => customer_for_shop_buyer(&mut tx, buyer, now).await?.map(CustomerId),
            None => None,
        };
        let id = write_order(&mut tx, &order, now).await?;
        sqlx::query(
            "INSERT INTO shopify_orders (shop, shopify_id, order_id, shopify_customer_id, source_updated_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (shop, shopify_id) DO UPDATE SET order_id = excluded.order_id, \
             shopify_customer_id = excluded.shopify_customer_id, source_updated_at = excluded.source_updated_at",
        )
        .bind(&snapshot.shop)
        .bind(snapshot.shopify_id)
        .bind(id.0)
        .bind(snapshot.customer.as_ref().and_then(|c| c.shopify_id))
        .bind(snapshot.updated_at.0)
        .execute(&mut *tx)
        .await?;
        let order = load_order(&mut tx, id).await?;
        tx.commit().await?;
        Ok(ShopOrderOutcome::Applied(order))
    }

    #[instrument(skip_all, fields(topic = %delivery.topic))]
    async fn record_webhook(
        &self,
        delivery: &WebhookDelivery,
        outcome: &str,
        now: Timestamp,
    ) -> Result<DeliveryOutcome> {
        let mut conn = self.pool.acquire().await?;
        Ok(if insert_delivery(&mut conn, delivery, outcome, now).await? {
            DeliveryOutcome::Recorded
        } else {
            DeliveryOutcome::Duplicate
        })
    }

    #[instrument(skip_all, fields(topic = request.topic.as_str()))]
    async fn record_privacy_request(
        &self,
        delivery: &WebhookDelivery,
        request: &PrivacyRequest,
        now: Timestamp,
    ) -> Result<Option<PrivacyRecord>> {
        let mut tx = begin_write(&self.pool).await?;
        if !insert_delivery(&mut tx, delivery, "recorded", now).await? {
            return Ok(None);
        }
        let (state, summary, completed_at) = match request.topic {
            PrivacyTopic::CustomerRedact => {
                ("done", erase_shop_customer(&mut tx, &delivery.shop, request).await?, Some(now.0))
            }
            PrivacyTopic::DataRequest => {
                ("open", "send the customer the data the helpdesk holds about them".to_owned(), None)
            }
            PrivacyTopic::ShopRedact => {
                ("open", "the shop uninstalled the app: erase its data if it is not needed".to_owned(), None)
            }
        };
        let sql = format!(
            "INSERT INTO shopify_privacy_requests (webhook_id, shop, topic, shopify_customer_id, email, \
             shopify_order_ids, state, summary, received_at, completed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING {PRIVACY_COLUMNS}"
        );
        let row: PrivacyRow = sqlx::query_as(&sql)
            .bind(&delivery.webhook_id)
            .bind(&delivery.shop)
            .bind(request.topic.as_str())
            .bind(request.shopify_customer_id)
            .bind(request.email.as_deref())
            .bind(to_json(&request.shopify_order_ids))
            .bind(state)
            .bind(&summary)
            .bind(now.0)
            .bind(completed_at)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        row.into_record().map(Some)
    }

    #[instrument(skip_all)]
    async fn list_privacy_requests(&self, open_only: bool) -> Result<Vec<PrivacyRecord>> {
        let filter = if open_only { "WHERE state = 'open'" } else { "" };
        let sql = format!("SELECT {PRIVACY_COLUMNS} FROM shopify_privacy_requests {filter} ORDER BY id DESC");
        let rows: Vec<PrivacyRow> = sqlx::query_as(&sql).fetch_all(&self.pool).await?;
        rows.into_iter().map(PrivacyRow::into_record).collect()
    }

    #[instrument(skip_all, fields(shop, shopify_id))]
    async fn shop_order(&self, shop: &str, shopify_id: i64) -> Result<Option<Order>> {
        let mut conn = self.pool.acquire().await?;
        match stored_snapshot(&mut conn, shop, shopify_id).await? {
            Some((order, _)) => load_order(&mut conn, OrderId(order)).await.map(Some),
            None => Ok(None),
        }
    }

    #[instrument(skip_all, fields(source))]
    async fn poll_cursor(&self, source: &str) -> Result<Option<String>> {
        Ok(sqlx::query_scalar("SELECT position FROM poll_cursors WHERE source = $1")
            .bind(source)
            .fetch_optional(&self.pool)
            .await?)
    }

    #[instrument(skip_all, fields(source))]
    async fn set_poll_cursor(&self, source: &str, position: &str, now: Timestamp) -> Result<()> {
        sqlx::query(
            "INSERT INTO poll_cursors (source, position, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (source) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at",
        )
        .bind(source)
        .bind(position)
        .bind(now.0)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    #[instrument(skip_all, fields(account, conversation_id))]
    async fn ebay_conversation_mark(
        &self,
        account: &str,
        conversation_id: &str,
    ) -> Result<Option<EbayConversationMark>> {
        let row: Option<(String, String, i64)> = sqlx::query_as(
            "SELECT conversation_type, last_message_id, last_message_at FROM ebay_conversations \
             WHERE account = $1 AND conversation_id = $2",
        )
        .bind(account)
        .bind(conversation_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(conversation_type, last_message_id, at)| EbayConversationMark {
            conversation_id: conversation_id.to_owned(),
            conversation_type,
            last_message_id,
            last_message_at: Timestamp(at),
        }))
    }

    #[instrument(skip_all, fields(account, conversation_id = %mark.conversation_id))]
    async fn set_ebay_conversation_mark(
        &self,
        account: &str,
        mark: &EbayConversationMark,
        now: Timestamp,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO ebay_conversations (account, conversation_id, conversation_type, last_message_id, \
             last_message_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (account, conversation_id) DO UPDATE SET conversation_type = excluded.conversation_type, \
             last_message_id = excluded.last_message_id, last_message_at = excluded.last_message_at, \
             updated_at = excluded.updated_at",
        )
        .bind(account)
        .bind(&mark.conversation_id)
        .bind(&mark.conversation_type)
        .bind(&mark.last_message_id)
        .bind(mark.last_message_at.0)
        .bind(now.0)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
