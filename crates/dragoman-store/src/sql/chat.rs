//! [`crate::ChatStore`] for both backends (compiled into each through `shared.rs`).

use super::*;
use crate::chat::*;

const SESSION_COLUMNS: &str = "id, languages, time_zone, page_url, email, last_seq, created_at, last_seen_at";
const EVENT_COLUMNS: &str = "session_id, seq, author, client_id, message_id, body, created_at";

#[derive(sqlx::FromRow)]
struct SessionRow {
    id: i64,
    languages: String,
    time_zone: Option<String>,
    page_url: Option<String>,
    email: Option<String>,
    last_seq: i64,
    created_at: i64,
    last_seen_at: i64,
}

impl SessionRow {
    fn into_session(self) -> Result<ChatSession> {
        let languages = serde_json::from_str(&self.languages)
            .map_err(|e| StoreError::Corrupt(format!("chat_sessions.languages: {e}")))?;
        Ok(ChatSession {
            id: ChatSessionId(self.id),
            languages,
            time_zone: self.time_zone,
            page_url: self.page_url,
            email: self.email,
            last_seq: self.last_seq,
            created_at: Timestamp(self.created_at),
            last_seen_at: Timestamp(self.last_seen_at),
        })
    }
}

#[derive(sqlx::FromRow)]
struct EventRow {
    session_id: i64,
    seq: i64,
    author: String,
    client_id: Option<String>,
    message_id: Option<i64>,
    body: String,
    created_at: i64,
}

impl EventRow {
    fn into_event(self) -> Result<ChatEvent> {
        Ok(ChatEvent {
            session_id: ChatSessionId(self.session_id),
            seq: self.seq,
            author: self.author.parse().map_err(|e: ParseError| StoreError::Corrupt(e.to_string()))?,
            client_id: self.client_id,
            message_id: self.message_id.map(MessageId),
            body: self.body,
            created_at: Timestamp(self.created_at),
        })
    }
}

async fn load_session(conn: &mut Conn, id: ChatSessionId) -> Result<ChatSession> {
    let row: SessionRow = sqlx::query_as(&format!("SELECT {SESSION_COLUMNS} FROM chat_sessions WHERE id = $1"))
        .bind(id.0)
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| StoreError::not_found("chat session", id))?;
    row.into_session()
}

/// The stored event with the new event's identity, if there is one.
async fn existing_event(conn: &mut Conn, event: &NewChatEvent<'_>) -> Result<Option<ChatEvent>> {
    let row: Option<EventRow> = sqlx::query_as(&format!(
        "SELECT {EVENT_COLUMNS} FROM chat_events WHERE (session_id = $1 AND client_id = $2) OR message_id = $3"
    ))
    .bind(event.session_id.0)
    .bind(event.client_id)
    .bind(event.message_id.map(|m| m.0))
    .fetch_optional(conn)
    .await?;
    row.map(EventRow::into_event).transpose()
}

async fn append_once(pool: &Pool<Db>, event: &NewChatEvent<'_>, now: Timestamp) -> Result<ChatEvent> {
    let mut tx = begin_write(pool).await?;
    if let Some(found) = existing_event(&mut tx, event).await? {
        if found.session_id != event.session_id {
            return Err(StoreError::Conflict(format!(
                "message {} was already delivered to chat session {}",
                event.message_id.map(|m| m.0).unwrap_or_default(),
                found.session_id
            )));
        }
        return Ok(found);
    }
    // The row lock this update takes is held until commit, so a second append to the session
    // waits and then takes the next number: events become visible in sequence order.
    let seq: i64 =
        sqlx::query_scalar("UPDATE chat_sessions SET last_seq = last_seq + 1 WHERE id = $1 RETURNING last_seq")
            .bind(event.session_id.0)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::not_found("chat session", event.session_id))?;
    let row: EventRow = sqlx::query_as(&format!(
        "INSERT INTO chat_events (session_id, seq, author, client_id, message_id, body, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {EVENT_COLUMNS}"
    ))
    .bind(event.session_id.0)
    .bind(seq)
    .bind(event.author.as_str())
    .bind(event.client_id)
    .bind(event.message_id.map(|m| m.0))
    .bind(event.body)
    .bind(now.0)
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| {
        on_violation(e, ForeignKeyViolation, || {
            StoreError::Invalid(format!("message {} does not exist", event.message_id.map(|m| m.0).unwrap_or_default()))
        })
    })?;
    tx.commit().await?;
    row.into_event()
}

#[async_trait]
impl ChatStore for Impl {
    #[instrument(skip_all)]
    async fn create_chat_session(
        &self,
        token_sha256: &str,
        visitor: &VisitorInfo,
        now: Timestamp,
    ) -> Result<ChatSession> {
        let row: SessionRow = sqlx::query_as(&format!(
            "INSERT INTO chat_sessions (token_sha256, languages, time_zone, page_url, created_at, last_seen_at) \
             VALUES ($1, $2, $3, $4, $5, $5) RETURNING {SESSION_COLUMNS}"
        ))
        .bind(token_sha256)
        .bind(to_json(&visitor.languages))
        .bind(visitor.time_zone.as_deref())
        .bind(visitor.page_url.as_deref())
        .bind(now.0)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| {
            on_violation(e, UniqueViolation, || StoreError::Conflict("a chat session with this token exists".into()))
        })?;
        row.into_session()
    }

    #[instrument(skip_all)]
    async fn find_chat_session(&self, token_sha256: &str) -> Result<Option<ChatSession>> {
        let row: Option<SessionRow> =
            sqlx::query_as(&format!("SELECT {SESSION_COLUMNS} FROM chat_sessions WHERE token_sha256 = $1"))
                .bind(token_sha256)
                .fetch_optional(&self.pool)
                .await?;
        row.map(SessionRow::into_session).transpose()
    }

    #[instrument(skip_all, fields(%id))]
    async fn get_chat_session(&self, id: ChatSessionId) -> Result<ChatSession> {
        load_session(&mut *self.pool.acquire().await?, id).await
    }

    #[instrument(skip_all, fields(%conversation))]
    async fn chat_session_of(&self, conversation: ConversationId) -> Result<Option<ChatSession>> {
        let mut conn = self.pool.acquire().await?;
        let (channel, key): (String, Option<String>) =
            sqlx::query_as("SELECT channel, thread_key FROM conversations WHERE id = $1")
                .bind(conversation.0)
                .fetch_optional(&mut *conn)
                .await?
                .ok_or_else(|| StoreError::not_found("conversation", conversation))?;
        let channel: Channel = channel.parse().map_err(|e: ParseError| StoreError::Corrupt(e.to_string()))?;
        match key.and_then(|key| ChatSessionId::from_thread_key(channel, &key)) {
            Some(id) => match load_session(&mut conn, id).await {
                Ok(session) => Ok(Some(session)),
                Err(StoreError::NotFound { .. }) => Ok(None),
                Err(e) => Err(e),
            },
            None => Ok(None),
        }
    }

    #[instrument(skip_all, fields(%id))]
    async fn update_chat_visitor(
        &self,
        id: ChatSessionId,
        visitor: &VisitorInfo,
        now: Timestamp,
    ) -> Result<ChatSession> {
        let row: Option<SessionRow> = sqlx::query_as(&format!(
            "UPDATE chat_sessions SET languages = $1, time_zone = $2, page_url = $3, last_seen_at = $4 \
             WHERE id = $5 RETURNING {SESSION_COLUMNS}"
        ))
        .bind(to_json(&visitor.languages))
        .bind(visitor.time_zone.as_deref())
        .bind(visitor.page_url.as_deref())
        .bind(now.0)
        .bind(id.0)
        .fetch_optional(&self.pool)
        .await?;
        row.ok_or_else(|| StoreError::not_found("chat session", id))?.into_session()
    }

    #[instrument(skip_all, fields(%id))]
    async fn set_chat_email(&self, id: ChatSessionId, email: &str) -> Result<()> {
        let done = sqlx::query("UPDATE chat_sessions SET email = $1 WHERE id = $2")
            .bind(email)
            .bind(id.0)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found("chat session", id));
        }
        Ok(())
    }

    #[instrument(skip_all, fields(session = %event.session_id, author = event.author.as_str()))]
    async fn append_chat_event(&self, event: &NewChatEvent<'_>, now: Timestamp) -> Result<ChatEvent> {
        if event.client_id.is_none() && event.message_id.is_none() {
            return Err(StoreError::Invalid("a chat event needs a client id or a message id".into()));
        }
        // Two appends of one event can race past the lookup; the loser hits a unique index,
        // rolls back and finds the winner's event on the retry.
        let mut retries = 3;
        loop {
            match append_once(&self.pool, event, now).await {
                Err(e) if retries > 0 && is_unique_violation(&e) => retries -= 1,
                outcome => return outcome,
            }
        }
    }

    #[instrument(skip_all, fields(%id, after_seq))]
    async fn chat_events_after(&self, id: ChatSessionId, after_seq: i64, limit: u32) -> Result<Vec<ChatEvent>> {
        let limit = PageRequest { cursor: None, limit }.effective_limit();
        let rows: Vec<EventRow> = sqlx::query_as(&format!(
            "SELECT {EVENT_COLUMNS} FROM chat_events WHERE session_id = $1 AND seq > $2 ORDER BY seq LIMIT $3"
        ))
        .bind(id.0)
        .bind(after_seq)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(EventRow::into_event).collect()
    }

    #[instrument(skip_all, fields(%message))]
    async fn chat_event_for_message(&self, message: MessageId) -> Result<Option<ChatEvent>> {
        let row: Option<EventRow> =
            sqlx::query_as(&format!("SELECT {EVENT_COLUMNS} FROM chat_events WHERE message_id = $1"))
                .bind(message.0)
                .fetch_optional(&self.pool)
                .await?;
        row.map(EventRow::into_event).transpose()
    }

    #[instrument(skip_all, fields(%agent))]
    async fn record_agent_presence(&self, agent: AgentId, now: Timestamp) -> Result<()> {
        sqlx::query(
            "INSERT INTO agent_presence (agent_id, last_seen_at) VALUES ($1, $2) \
             ON CONFLICT (agent_id) DO UPDATE SET last_seen_at = excluded.last_seen_at",
        )
        .bind(agent.0)
        .bind(now.0)
        .execute(&self.pool)
        .await
        .map_err(|e| {
            on_violation(e, ForeignKeyViolation, || StoreError::Invalid(format!("agent {agent} does not exist")))
        })?;
        Ok(())
    }

    #[instrument(skip_all)]
    async fn agents_present_since(&self, since: Timestamp) -> Result<Vec<AgentId>> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT agent_id FROM agent_presence WHERE last_seen_at >= $1 ORDER BY last_seen_at DESC, agent_id",
        )
        .bind(since.0)
        .fetch_all(&self.pool)
        .await?;
        Ok(ids.into_iter().map(AgentId).collect())
    }
}
