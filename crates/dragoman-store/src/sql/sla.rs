//! [`crate::SlaStore`] for both backends (compiled into each through `shared.rs`).

use super::*;
use crate::sla::{ConversationEvent, SLA_BREACH, SLA_POLICY, SLA_WARNING, SlaAlert, SlaState, nearest_deadline};
use dragoman_core::sla::SlaClock;
use serde_json::json;

#[derive(sqlx::FromRow)]
struct SlaRow {
    conversation_id: i64,
    policy: String,
    clock: String,
    due_at: Option<i64>,
    warn_at: Option<i64>,
    first_breach_at: Option<i64>,
    updated_at: i64,
}

impl SlaRow {
    fn into_state(self) -> Result<SlaState> {
        let clock = serde_json::from_str(&self.clock)
            .map_err(|e| StoreError::Corrupt(format!("SLA clock of conversation {}: {e}", self.conversation_id)))?;
        Ok(SlaState {
            conversation_id: ConversationId(self.conversation_id),
            policy: self.policy,
            clock,
            due_at: self.due_at.map(Timestamp),
            warn_at: self.warn_at.map(Timestamp),
            first_breach_at: self.first_breach_at.map(Timestamp),
            updated_at: Timestamp(self.updated_at),
        })
    }
}

const SLA_COLUMNS: &str = "conversation_id, policy, clock, due_at, warn_at, first_breach_at, updated_at";

#[derive(sqlx::FromRow)]
struct EventRow {
    id: i64,
    conversation_id: i64,
    at: i64,
    kind: String,
    detail: String,
}

#[derive(sqlx::FromRow)]
struct AlertRow {
    conversation_id: i64,
    policy: String,
    due_at: i64,
    warn_at: Option<i64>,
}

impl From<AlertRow> for SlaAlert {
    fn from(row: AlertRow) -> SlaAlert {
        SlaAlert {
            conversation_id: ConversationId(row.conversation_id),
            policy: row.policy,
            due_at: Timestamp(row.due_at),
            warn_at: row.warn_at.map(Timestamp),
        }
    }
}

async fn insert_event(
    conn: &mut Conn,
    conversation: ConversationId,
    at: Timestamp,
    kind: &str,
    detail: &serde_json::Value,
) -> Result<()> {
    sqlx::query("INSERT INTO conversation_events (conversation_id, at, kind, detail) VALUES ($1, $2, $3, $4)")
        .bind(conversation.0)
        .bind(at.0)
        .bind(kind)
        .bind(detail.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// What the sweep records: which instant triggers it and which column remembers the deadline it
/// was recorded for.
#[derive(Clone, Copy)]
enum Alert {
    Warning,
    Breach,
}

impl Alert {
    /// (the instant column, the marking column, what else the claim sets)
    fn columns(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Alert::Warning => ("warn_at", "warned_due_at", ""),
            Alert::Breach => ("due_at", "breached_due_at", ", first_breach_at = coalesce(first_breach_at, due_at)"),
        }
    }
}

/// Claims, in one conditional `UPDATE`, up to `limit` rows whose `alert` instant has passed and
/// whose marking column does not yet name their current deadline, and marks them. A concurrent
/// claimer waits for the row lock and then no longer matches, so each row is claimed once per
/// deadline.
async fn claim_alerts(conn: &mut Conn, alert: Alert, now: Timestamp, limit: u32) -> Result<Vec<SlaAlert>> {
    let (instant, mark, also) = alert.columns();
    let unclaimed = format!(
        "{instant} <= $1 AND due_at IS NOT NULL AND ({mark} IS NULL OR {mark} <> due_at) \
         AND EXISTS (SELECT 1 FROM conversations c WHERE c.id = conversation_sla.conversation_id \
         AND c.sla_due_at IS NOT NULL)"
    );
    let sql = format!(
        "UPDATE conversation_sla SET {mark} = due_at{also} \
         WHERE conversation_id IN (SELECT conversation_id FROM conversation_sla WHERE {unclaimed} \
         ORDER BY {instant}, conversation_id LIMIT $2) AND {unclaimed} \
         RETURNING conversation_id, policy, due_at, warn_at"
    );
    let rows: Vec<AlertRow> = sqlx::query_as(&sql).bind(now.0).bind(i64::from(limit)).fetch_all(conn).await?;
    let mut alerts: Vec<SlaAlert> = rows.into_iter().map(SlaAlert::from).collect();
    alerts.sort_by_key(|a| (a.due_at, a.conversation_id));
    Ok(alerts)
}

#[async_trait]
impl crate::SlaStore for Impl {
    #[instrument(skip_all, fields(%conversation))]
    async fn sla_state(&self, conversation: ConversationId) -> Result<Option<SlaState>> {
        let sql = format!("SELECT {SLA_COLUMNS} FROM conversation_sla WHERE conversation_id = $1");
        let row: Option<SlaRow> = sqlx::query_as(&sql).bind(conversation.0).fetch_optional(&self.pool).await?;
        row.map(SlaRow::into_state).transpose()
    }

    #[instrument(skip_all, fields(%conversation, policy))]
    async fn save_sla(
        &self,
        conversation: ConversationId,
        policy: &str,
        clock: &SlaClock,
        now: Timestamp,
    ) -> Result<SlaState> {
        let deadline = nearest_deadline(clock);
        let clock_json = serde_json::to_string(clock)
            .map_err(|e| StoreError::Invalid(format!("SLA clock of conversation {conversation}: {e}")))?;
        let mut tx = begin_write(&self.pool).await?;
        let updated = sqlx::query("UPDATE conversations SET sla_due_at = $1 WHERE id = $2")
            .bind(deadline.due_at.map(|t| t.0))
            .bind(conversation.0)
            .execute(&mut *tx)
            .await?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::not_found("conversation", conversation));
        }
        let previous: Option<(String,)> =
            sqlx::query_as("SELECT policy FROM conversation_sla WHERE conversation_id = $1")
                .bind(conversation.0)
                .fetch_optional(&mut *tx)
                .await?;
        let sql = format!(
            "INSERT INTO conversation_sla (conversation_id, policy, clock, due_at, warn_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (conversation_id) DO UPDATE SET policy = excluded.policy, \
             clock = excluded.clock, due_at = excluded.due_at, warn_at = excluded.warn_at, \
             updated_at = excluded.updated_at RETURNING {SLA_COLUMNS}"
        );
        let row: SlaRow = sqlx::query_as(&sql)
            .bind(conversation.0)
            .bind(policy)
            .bind(&clock_json)
            .bind(deadline.due_at.map(|t| t.0))
            .bind(deadline.warn_at.map(|t| t.0))
            .bind(now.0)
            .fetch_one(&mut *tx)
            .await?;
        let previous = previous.map(|(p,)| p);
        if previous.as_deref() != Some(policy) {
            insert_event(&mut tx, conversation, now, SLA_POLICY, &json!({ "policy": policy, "previous": previous }))
                .await?;
        }
        tx.commit().await?;
        row.into_state()
    }

    #[instrument(skip_all)]
    async fn record_sla_warnings(&self, now: Timestamp, limit: u32) -> Result<Vec<SlaAlert>> {
        let mut tx = begin_write(&self.pool).await?;
        let alerts = claim_alerts(&mut tx, Alert::Warning, now, limit).await?;
        for alert in &alerts {
            let at = alert.warn_at.unwrap_or(now);
            let detail = json!({ "policy": alert.policy, "due_at": alert.due_at });
            insert_event(&mut tx, alert.conversation_id, at, SLA_WARNING, &detail).await?;
        }
        tx.commit().await?;
        Ok(alerts)
    }

    #[instrument(skip_all)]
    async fn record_sla_breaches(&self, now: Timestamp, limit: u32) -> Result<Vec<SlaAlert>> {
        let mut tx = begin_write(&self.pool).await?;
        let alerts = claim_alerts(&mut tx, Alert::Breach, now, limit).await?;
        for alert in &alerts {
            let (priority,): (i64,) = sqlx::query_as(
                "UPDATE conversations SET escalated = TRUE, \
                 priority = CASE WHEN priority < $1 THEN priority + 1 ELSE priority END, updated_at = $2 \
                 WHERE id = $3 RETURNING priority",
            )
            .bind(Priority::Urgent.rank())
            .bind(now.0)
            .bind(alert.conversation_id.0)
            .fetch_one(&mut *tx)
            .await?;
            let detail = json!({ "policy": alert.policy, "priority": Priority::from_rank(priority) });
            insert_event(&mut tx, alert.conversation_id, alert.due_at, SLA_BREACH, &detail).await?;
        }
        tx.commit().await?;
        Ok(alerts)
    }

    #[instrument(skip_all, fields(%conversation))]
    async fn conversation_events(&self, conversation: ConversationId) -> Result<Vec<ConversationEvent>> {
        let mut conn = self.pool.acquire().await?;
        let rows: Vec<EventRow> = sqlx::query_as(
            "SELECT id, conversation_id, at, kind, detail FROM conversation_events WHERE conversation_id = $1 \
             ORDER BY at, id",
        )
        .bind(conversation.0)
        .fetch_all(&mut *conn)
        .await?;
        if rows.is_empty() && !exists(&mut conn, "conversations", conversation.0).await? {
            return Err(StoreError::not_found("conversation", conversation));
        }
        rows.into_iter()
            .map(|row| {
                let detail = serde_json::from_str(&row.detail).map_err(|e| {
                    StoreError::Corrupt(format!("timeline event {} of conversation {}: {e}", row.id, conversation))
                })?;
                Ok(ConversationEvent {
                    id: row.id,
                    conversation_id: ConversationId(row.conversation_id),
                    at: Timestamp(row.at),
                    kind: row.kind,
                    detail,
                })
            })
            .collect()
    }
}
