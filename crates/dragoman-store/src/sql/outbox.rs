//! [`crate::OutboxStore`] for both backends (compiled into each through `shared.rs`).
//!
//! Every transition updates the `outbox` row and settles its `send_reply` job in one
//! transaction, so a reply is never `sent` with its job still due (sent twice) nor `queued`
//! with its job finished (never sent).

use super::*;
use crate::outbox::{
    ClaimedReply, NO_RESPONSE_NEEDED_TAG, NewReply, QueuedReply, ReplyToSend, SEND_REPLY, SEND_REPLY_MAX_ATTEMPTS,
    may_move,
};
use dragoman_core::{Delivery, DeliveryState, OriginalText};
use rand::RngCore;

/// How many `Message-ID`s of the thread a reply's `References` carries: the nearest decide
/// the thread, and some servers refuse very long headers.
const MAX_REPLY_REFERENCES: i64 = 20;

const DELIVERY_COLUMNS: &str = "o.message_id, o.conversation_id, o.job_id, o.state, o.reason, o.attempts, \
    o.idempotency_key, o.original_text, o.original_language, o.queued_at, o.sent_at, o.updated_at, \
    j.state AS job_state, j.run_at AS job_run_at";

#[derive(sqlx::FromRow)]
struct DeliveryRow {
    message_id: i64,
    conversation_id: i64,
    job_id: i64,
    state: String,
    reason: Option<String>,
    attempts: i64,
    idempotency_key: String,
    original_text: Option<String>,
    original_language: Option<String>,
    queued_at: i64,
    sent_at: Option<i64>,
    updated_at: i64,
    job_state: String,
    job_run_at: i64,
}

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("outbox: {e}"))
}

impl DeliveryRow {
    fn state(&self) -> Result<DeliveryState> {
        self.state.parse().map_err(corrupt)
    }

    fn delivery(&self) -> Result<Delivery> {
        let state = self.state()?;
        let waiting = state == DeliveryState::Queued && self.job_state == JobState::Queued.as_str();
        Ok(Delivery {
            state,
            reason: self.reason.clone(),
            attempts: self.attempts,
            next_attempt_at: waiting.then_some(Timestamp(self.job_run_at)),
            idempotency_key: self.idempotency_key.clone(),
            queued_at: Timestamp(self.queued_at),
            sent_at: self.sent_at.map(Timestamp),
            updated_at: Timestamp(self.updated_at),
        })
    }

    fn original(&self) -> Result<Option<OriginalText>> {
        match (&self.original_text, &self.original_language) {
            (Some(text), Some(language)) => {
                Ok(Some(OriginalText { language: LanguageTag::parse(language).map_err(corrupt)?, text: text.clone() }))
            }
            _ => Ok(None),
        }
    }
}

/// Gives each outbound message among `messages` its delivery and original text.
pub(super) async fn attach_deliveries(conn: &mut Conn, messages: &mut [Message]) -> Result<()> {
    let outbound: Vec<i64> = messages.iter().filter(|m| m.direction == Direction::Outbound).map(|m| m.id.0).collect();
    if outbound.is_empty() {
        return Ok(());
    }
    let mut qb = QueryBuilder::<Db>::new(format!(
        "SELECT {DELIVERY_COLUMNS} FROM outbox o JOIN jobs j ON j.id = o.job_id WHERE o.message_id IN ("
    ));
    push_ids(&mut qb, outbound);
    qb.push(")");
    let rows: Vec<DeliveryRow> = qb.build_query_as().fetch_all(&mut *conn).await?;
    for row in rows {
        if let Some(message) = messages.iter_mut().find(|m| m.id.0 == row.message_id) {
            message.delivery = Some(row.delivery()?);
            message.original = row.original()?;
        }
    }
    Ok(())
}

async fn delivery_row(conn: &mut Conn, reply: MessageId) -> Result<DeliveryRow> {
    let sql = format!("SELECT {DELIVERY_COLUMNS} FROM outbox o JOIN jobs j ON j.id = o.job_id WHERE o.message_id = $1");
    sqlx::query_as(&sql).bind(reply.0).fetch_optional(conn).await?.ok_or_else(|| StoreError::not_found("reply", reply))
}

/// The delivery of `reply` if it may move to `to`; `Invalid` naming both states otherwise.
async fn movable(conn: &mut Conn, reply: MessageId, to: DeliveryState) -> Result<DeliveryRow> {
    let row = delivery_row(conn, reply).await?;
    let from = row.state()?;
    if !may_move(from, to) {
        return Err(StoreError::Invalid(format!("reply {reply} is {from}; it cannot become {to}")));
    }
    Ok(row)
}

async fn set_delivery(
    conn: &mut Conn,
    reply: MessageId,
    state: DeliveryState,
    reason: Option<&str>,
    now: Timestamp,
) -> Result<()> {
    sqlx::query("UPDATE outbox SET state = $1, reason = $2, updated_at = $3 WHERE message_id = $4")
        .bind(state.as_str())
        .bind(reason)
        .bind(now.0)
        .bind(reply.0)
        .execute(conn)
        .await?;
    Ok(())
}

async fn settle_job(conn: &mut Conn, job: i64, state: JobState, error: Option<&str>, now: Timestamp) -> Result<()> {
    sqlx::query(
        "UPDATE jobs SET state = $1, last_error = coalesce($2, last_error), locked_until = NULL, updated_at = $3 \
         WHERE id = $4",
    )
    .bind(state.as_str())
    .bind(error)
    .bind(now.0)
    .bind(job)
    .execute(conn)
    .await?;
    Ok(())
}

/// A reply that did not reach the buyer needs an agent: a conversation resolved with it (send
/// and resolve) is open again.
async fn reopen_after_failure(conn: &mut Conn, conversation: i64, now: Timestamp) -> Result<()> {
    sqlx::query("UPDATE conversations SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4")
        .bind(ConversationStatus::Open.as_str())
        .bind(now.0)
        .bind(conversation)
        .bind(ConversationStatus::Resolved.as_str())
        .execute(conn)
        .await?;
    Ok(())
}

/// Random, so keys (and the Message-IDs made of them) of two installations never meet.
fn new_idempotency_key(reply: i64) -> String {
    let mut bytes = [0u8; 12];
    rand::thread_rng().fill_bytes(&mut bytes);
    format!("dragoman.{reply}.{}", hex::encode(bytes))
}

fn reply_id(job: &Job) -> Result<MessageId> {
    job.payload
        .get("message_id")
        .and_then(serde_json::Value::as_i64)
        .map(MessageId)
        .ok_or_else(|| corrupt(format!("job {} has no message_id in {}", job.id, job.payload)))
}

#[async_trait]
impl OutboxStore for Impl {
    #[instrument(skip_all, fields(%conversation))]
    async fn queue_reply(
        &self,
        conversation: ConversationId,
        author: Option<AgentId>,
        reply: &NewReply,
        now: Timestamp,
    ) -> Result<QueuedReply> {
        if reply.body.trim().is_empty() {
            return Err(StoreError::Invalid("a reply needs some text".into()));
        }
        let mut tx = begin_write(&self.pool).await?;
        let (channel, status): (String, String) =
            sqlx::query_as("SELECT channel, status FROM conversations WHERE id = $1")
                .bind(conversation.0)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StoreError::not_found("conversation", conversation))?;
        if status == ConversationStatus::Closed.as_str() {
            return Err(StoreError::Invalid(format!(
                "conversation {conversation} is closed; a reply cannot be sent on a closed conversation"
            )));
        }
        if let Some(agent) = author {
            require_agent(&mut tx, agent).await?;
        }
        let message_id = insert_message(
            &mut tx,
            &NewMessageRow::by_agent(
                conversation.0,
                Direction::Outbound,
                author.map(|a| a.0),
                &channel,
                &reply.body,
                now,
            ),
        )
        .await?;
        if let Some(language) = &reply.language {
            sqlx::query("UPDATE messages SET language = $1, language_confidence = 1.0 WHERE id = $2")
                .bind(language.as_str())
                .bind(message_id)
                .execute(&mut *tx)
                .await?;
        }
        let job = NewJob {
            kind: SEND_REPLY.into(),
            payload: serde_json::json!({ "message_id": message_id }),
            max_attempts: SEND_REPLY_MAX_ATTEMPTS,
        };
        let job_id = insert_job(&mut tx, &job, now).await?;
        sqlx::query(
            "INSERT INTO outbox (message_id, conversation_id, job_id, state, idempotency_key, original_text, \
             original_language, queued_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
        )
        .bind(message_id)
        .bind(conversation.0)
        .bind(job_id.0)
        .bind(DeliveryState::Queued.as_str())
        .bind(new_idempotency_key(message_id))
        .bind(reply.original.as_ref().map(|o| o.text.as_str()))
        .bind(reply.original.as_ref().map(|o| o.language.as_str()))
        .bind(now.0)
        .execute(&mut *tx)
        .await?;
        let status = if reply.resolve { ConversationStatus::Resolved.as_str() } else { status.as_str() };
        sqlx::query(
            "UPDATE conversations SET status = $1, last_message_at = $2, updated_at = $2, \
             message_count = message_count + 1, preview = $3, sla_due_at = NULL WHERE id = $4",
        )
        .bind(status)
        .bind(now.0)
        .bind(preview(&reply.body))
        .bind(conversation.0)
        .execute(&mut *tx)
        .await?;
        let mut message = load_messages(&mut tx, MessagesOf::One(MessageId(message_id))).await?;
        tx.commit().await?;
        let message = message.pop().ok_or_else(|| StoreError::not_found("message", message_id))?;
        Ok(QueuedReply { message, job_id })
    }

    #[instrument(skip_all)]
    async fn claim_replies(&self, limit: u32, lease_ms: i64, now: Timestamp) -> Result<Vec<ClaimedReply>> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        // As `claim_jobs`, one statement; on top, a reply waits while an earlier reply of its
        // conversation is still on its way, so a conversation's replies leave in order.
        let sql = format!(
            "WITH picked AS MATERIALIZED (SELECT j.id FROM jobs j JOIN outbox o ON o.job_id = j.id \
             WHERE j.kind = $1 AND ((j.state = 'queued' AND j.run_at <= $2) OR (j.state = 'running' AND j.locked_until < $2)) \
             AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.conversation_id = o.conversation_id \
             AND e.message_id < o.message_id AND e.state IN ('queued', 'sending')) \
             ORDER BY j.run_at, j.id LIMIT $3{SKIP_LOCKED}) \
             UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_until = $4, updated_at = $2 \
             WHERE id IN (SELECT id FROM picked) RETURNING {JOB_COLUMNS}"
        );
        let rows: Vec<JobRow> = sqlx::query_as(&sql)
            .bind(SEND_REPLY)
            .bind(now.0)
            .bind(i64::from(limit))
            .bind(now.0.saturating_add(lease_ms))
            .fetch_all(&self.pool)
            .await?;
        let mut claimed = rows
            .into_iter()
            .map(|row| {
                let job = row.into_job()?;
                Ok(ClaimedReply { reply: reply_id(&job)?, job })
            })
            .collect::<Result<Vec<_>>>()?;
        claimed.sort_by_key(|c| (c.job.run_at, c.job.id.0));
        Ok(claimed)
    }

    #[instrument(skip_all, fields(%reply))]
    async fn reply_to_send(&self, reply: MessageId) -> Result<ReplyToSend> {
        let mut conn = self.pool.acquire().await?;
        let message = load_messages(&mut conn, MessagesOf::One(reply))
            .await?
            .pop()
            .filter(|m| m.delivery.is_some())
            .ok_or_else(|| StoreError::not_found("reply", reply))?;
        let conversation = load_conversation(&mut conn, message.conversation_id).await?;
        let thread_key: Option<String> = sqlx::query_scalar("SELECT thread_key FROM conversations WHERE id = $1")
            .bind(conversation.id.0)
            .fetch_one(&mut *conn)
            .await?;
        let answered: Option<(i64, Option<String>)> = sqlx::query_as(
            "SELECT id, rfc_message_id FROM messages WHERE conversation_id = $1 AND direction = $2 AND id < $3 \
             ORDER BY id DESC LIMIT 1",
        )
        .bind(conversation.id.0)
        .bind(Direction::Inbound.as_str())
        .bind(reply.0)
        .fetch_optional(&mut *conn)
        .await?;
        let (answering, in_reply_to, references) = match answered {
            Some((id, in_reply_to)) => {
                let answering = load_messages(&mut conn, MessagesOf::One(MessageId(id))).await?.pop();
                let mut references: Vec<String> = sqlx::query_scalar(
                    "SELECT rfc_message_id FROM messages WHERE conversation_id = $1 AND id <= $2 \
                     AND rfc_message_id IS NOT NULL ORDER BY id DESC LIMIT $3",
                )
                .bind(conversation.id.0)
                .bind(id)
                .bind(MAX_REPLY_REFERENCES)
                .fetch_all(&mut *conn)
                .await?;
                references.reverse();
                let mut seen = std::collections::HashSet::new();
                references.retain(|r| seen.insert(r.clone()));
                (answering, in_reply_to, references)
            }
            None => (None, None, Vec::new()),
        };
        Ok(ReplyToSend { reply: message, conversation, thread_key, answering, in_reply_to, references })
    }

    #[instrument(skip_all, fields(%reply))]
    async fn start_sending(&self, reply: MessageId, external_id: Option<&str>, now: Timestamp) -> Result<Delivery> {
        let mut tx = begin_write(&self.pool).await?;
        movable(&mut tx, reply, DeliveryState::Sending).await?;
        sqlx::query("UPDATE outbox SET state = $1, reason = NULL, attempts = attempts + 1, updated_at = $2 WHERE message_id = $3")
            .bind(DeliveryState::Sending.as_str())
            .bind(now.0)
            .bind(reply.0)
            .execute(&mut *tx)
            .await?;
        if let Some(id) = external_id {
            // Before sending, the id is the planned Message-ID: threading finds the buyer's answer by it.
            record_external_id(&mut tx, reply, id, "external_id = $1, rfc_message_id = $1").await?;
        }
        let delivery = delivery_row(&mut tx, reply).await?.delivery()?;
        tx.commit().await?;
        Ok(delivery)
    }

    #[instrument(skip_all, fields(%reply))]
    async fn mark_sent(&self, reply: MessageId, external_id: Option<&str>, now: Timestamp) -> Result<Delivery> {
        let mut tx = begin_write(&self.pool).await?;
        let row = movable(&mut tx, reply, DeliveryState::Sent).await?;
        sqlx::query("UPDATE outbox SET state = $1, reason = NULL, sent_at = $2, updated_at = $2 WHERE message_id = $3")
            .bind(DeliveryState::Sent.as_str())
            .bind(now.0)
            .bind(reply.0)
            .execute(&mut *tx)
            .await?;
        if let Some(id) = external_id {
            record_external_id(&mut tx, reply, id, "external_id = $1").await?;
        }
        settle_job(&mut tx, row.job_id, JobState::Done, None, now).await?;
        let delivery = delivery_row(&mut tx, reply).await?.delivery()?;
        tx.commit().await?;
        Ok(delivery)
    }

    #[instrument(skip_all, fields(%reply))]
    async fn retry_reply(
        &self,
        reply: MessageId,
        reason: &str,
        keep_sending: bool,
        now: Timestamp,
    ) -> Result<Delivery> {
        let mut tx = begin_write(&self.pool).await?;
        let row = delivery_row(&mut tx, reply).await?;
        let from = row.state()?;
        let waiting = if keep_sending { DeliveryState::Sending } else { DeliveryState::Queued };
        if from != DeliveryState::Sending && from != DeliveryState::Queued {
            return Err(StoreError::Invalid(format!("reply {reply} is {from}; only a reply on its way is retried")));
        }
        let (attempts, max_attempts): (i64, i64) =
            sqlx::query_as("SELECT attempts, max_attempts FROM jobs WHERE id = $1")
                .bind(row.job_id)
                .fetch_one(&mut *tx)
                .await?;
        if attempts >= max_attempts {
            // Giving up on a reply whose fate is unknown must not call it failed: an agent
            // could then send it again as a duplicate.
            let (state, job) = if keep_sending {
                (DeliveryState::Uncertain, JobState::Done)
            } else {
                (DeliveryState::Failed, JobState::Dead)
            };
            let reason = format!("gave up after {attempts} attempts: {reason}");
            set_delivery(&mut tx, reply, state, Some(&reason), now).await?;
            settle_job(&mut tx, row.job_id, job, Some(&reason), now).await?;
            reopen_after_failure(&mut tx, row.conversation_id, now).await?;
        } else {
            set_delivery(&mut tx, reply, waiting, Some(reason), now).await?;
            sqlx::query(
                "UPDATE jobs SET state = $1, run_at = $2, last_error = $3, locked_until = NULL, updated_at = $4 \
                 WHERE id = $5",
            )
            .bind(JobState::Queued.as_str())
            .bind(now.plus_millis(retry_delay_ms(attempts)).0)
            .bind(reason)
            .bind(now.0)
            .bind(row.job_id)
            .execute(&mut *tx)
            .await?;
        }
        let delivery = delivery_row(&mut tx, reply).await?.delivery()?;
        tx.commit().await?;
        Ok(delivery)
    }

    #[instrument(skip_all, fields(%reply))]
    async fn fail_reply(&self, reply: MessageId, reason: &str, now: Timestamp) -> Result<Delivery> {
        // Dead: an admin may retry the job once the cause is fixed.
        self.give_up(reply, DeliveryState::Failed, JobState::Dead, reason, now).await
    }

    #[instrument(skip_all, fields(%reply))]
    async fn mark_uncertain(&self, reply: MessageId, reason: &str, now: Timestamp) -> Result<Delivery> {
        // Done, not dead: retrying the job from the admin queue would risk a duplicate.
        self.give_up(reply, DeliveryState::Uncertain, JobState::Done, reason, now).await
    }

    #[instrument(skip_all, fields(%conversation))]
    async fn mark_no_response_needed(
        &self,
        conversation: ConversationId,
        author: Option<AgentId>,
        now: Timestamp,
    ) -> Result<Conversation> {
        let mut tx = begin_write(&self.pool).await?;
        let (channel, status): (String, String) =
            sqlx::query_as("SELECT channel, status FROM conversations WHERE id = $1")
                .bind(conversation.0)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StoreError::not_found("conversation", conversation))?;
        if status == ConversationStatus::Closed.as_str() {
            return Err(StoreError::Invalid(format!("conversation {conversation} is closed")));
        }
        if let Some(agent) = author {
            require_agent(&mut tx, agent).await?;
        }
        insert_message(
            &mut tx,
            &NewMessageRow {
                conversation_id: conversation.0,
                direction: Direction::Note,
                author_id: author.map(|a| a.0),
                sender: None,
                sender_name: None,
                channel: &channel,
                external_id: None,
                rfc_message_id: None,
                subject: None,
                body_text: "Marked as needing no response.",
                quoted_text: None,
                body_html: None,
                order_numbers: &[],
                warnings: &[],
                raw_id: None,
                enrichment: EnrichmentState::Done,
                created_at: now,
            },
        )
        .await?;
        sqlx::query(
            "UPDATE conversations SET status = $1, sla_due_at = NULL, updated_at = $2, \
             message_count = message_count + 1 WHERE id = $3",
        )
        .bind(ConversationStatus::Resolved.as_str())
        .bind(now.0)
        .bind(conversation.0)
        .execute(&mut *tx)
        .await?;
        sqlx::query("INSERT INTO conversation_tags (conversation_id, tag) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(conversation.0)
            .bind(NO_RESPONSE_NEEDED_TAG)
            .execute(&mut *tx)
            .await?;
        let conversation = load_conversation(&mut tx, conversation).await?;
        tx.commit().await?;
        Ok(conversation)
    }
}

impl Impl {
    /// Ends a reply's sending without a delivery: its state and reason, its job settled, and
    /// the conversation reopened if the reply had resolved it.
    async fn give_up(
        &self,
        reply: MessageId,
        state: DeliveryState,
        job: JobState,
        reason: &str,
        now: Timestamp,
    ) -> Result<Delivery> {
        let mut tx = begin_write(&self.pool).await?;
        let row = movable(&mut tx, reply, state).await?;
        set_delivery(&mut tx, reply, state, Some(reason), now).await?;
        settle_job(&mut tx, row.job_id, job, Some(reason), now).await?;
        reopen_after_failure(&mut tx, row.conversation_id, now).await?;
        let delivery = delivery_row(&mut tx, reply).await?.delivery()?;
        tx.commit().await?;
        Ok(delivery)
    }
}

/// Stores the channel's id of a reply (`columns` sets them from `$1`); another message of the
/// channel with that id is a conflict.
async fn record_external_id(conn: &mut Conn, reply: MessageId, id: &str, columns: &'static str) -> Result<()> {
    sqlx::query(&format!("UPDATE messages SET {columns} WHERE id = $2"))
        .bind(id)
        .bind(reply.0)
        .execute(conn)
        .await
        .map_err(|e| {
            on_violation(e, UniqueViolation, || {
                StoreError::Conflict(format!("another message of this channel already has the id {id}"))
            })
        })?;
    Ok(())
}
