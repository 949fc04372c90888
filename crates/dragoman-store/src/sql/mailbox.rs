//! [`crate::MailboxStore`] for both backends (compiled into each through `shared.rs`).

use super::*;
use crate::mailbox::{MailboxCursor, MailboxFailure};

/// Upserts the cursor; under the same UIDVALIDITY it only moves forward.
async fn advance(conn: &mut Conn, mailbox: &str, cursor: MailboxCursor, now: Timestamp) -> Result<()> {
    sqlx::query(
        "INSERT INTO mailbox_cursors (mailbox, uid_validity, last_uid, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (mailbox) DO UPDATE SET
             last_uid = CASE WHEN mailbox_cursors.uid_validity = excluded.uid_validity
                              AND mailbox_cursors.last_uid > excluded.last_uid
                        THEN mailbox_cursors.last_uid ELSE excluded.last_uid END,
             uid_validity = excluded.uid_validity,
             updated_at = excluded.updated_at",
    )
    .bind(mailbox)
    .bind(i64::from(cursor.uid_validity))
    .bind(i64::from(cursor.last_uid))
    .bind(now.0)
    .execute(conn)
    .await?;
    Ok(())
}

fn uid(value: i64, column: &str) -> Result<u32> {
    u32::try_from(value).map_err(|_| StoreError::Corrupt(format!("mailbox {column} {value} is not a 32-bit UID")))
}

#[async_trait]
impl MailboxStore for Impl {
    #[instrument(skip_all, fields(mailbox))]
    async fn mailbox_cursor(&self, mailbox: &str) -> Result<Option<MailboxCursor>> {
        let row: Option<(i64, i64)> =
            sqlx::query_as("SELECT uid_validity, last_uid FROM mailbox_cursors WHERE mailbox = $1")
                .bind(mailbox)
                .fetch_optional(&self.pool)
                .await?;
        row.map(|(validity, last)| {
            Ok(MailboxCursor { uid_validity: uid(validity, "UIDVALIDITY")?, last_uid: uid(last, "last UID")? })
        })
        .transpose()
    }

    #[instrument(skip_all, fields(mailbox))]
    async fn advance_mailbox(&self, mailbox: &str, cursor: MailboxCursor, now: Timestamp) -> Result<()> {
        advance(&mut *self.pool.acquire().await?, mailbox, cursor, now).await
    }

    #[instrument(skip_all, fields(mailbox))]
    async fn record_mailbox_failure(
        &self,
        mailbox: &str,
        cursor: MailboxCursor,
        error: &str,
        now: Timestamp,
    ) -> Result<()> {
        let mut tx = begin_write(&self.pool).await?;
        sqlx::query(
            "INSERT INTO mailbox_failures (mailbox, uid_validity, uid, error, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(mailbox)
        .bind(i64::from(cursor.uid_validity))
        .bind(i64::from(cursor.last_uid))
        .bind(error)
        .bind(now.0)
        .execute(&mut *tx)
        .await?;
        advance(&mut tx, mailbox, cursor, now).await?;
        tx.commit().await?;
        Ok(())
    }

    #[instrument(skip_all, fields(mailbox))]
    async fn list_mailbox_failures(&self, mailbox: &str) -> Result<Vec<MailboxFailure>> {
        let rows: Vec<(String, i64, i64, String, i64)> = sqlx::query_as(
            "SELECT mailbox, uid_validity, uid, error, created_at FROM mailbox_failures
             WHERE mailbox = $1 ORDER BY id DESC",
        )
        .bind(mailbox)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(mailbox, validity, failed_uid, error, created_at)| {
                Ok(MailboxFailure {
                    mailbox,
                    uid_validity: uid(validity, "UIDVALIDITY")?,
                    uid: uid(failed_uid, "UID")?,
                    error,
                    created_at: Timestamp(created_at),
                })
            })
            .collect()
    }
}
