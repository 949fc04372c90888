//! Where inbound mail is fetched from, and how far each mailbox has been read.
//!
//! The IMAP poller (`dragoman_channels::imap`) keeps one cursor per configured mailbox: the
//! mailbox's UIDVALIDITY and the highest UID whose message is stored. It advances the cursor
//! only over messages whose ingest committed, so a crash refetches at most the last few (and
//! ingest's deduplication makes that harmless); a new UIDVALIDITY means the UIDs were renumbered, and
//! reading starts again from the first message.

use crate::Result;
use async_trait::async_trait;
use dragoman_core::Timestamp;
use serde::Serialize;

/// How far a mailbox has been read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MailboxCursor {
    pub uid_validity: u32,
    /// Every message with a UID up to this one is stored or recorded as a failure (0: none yet).
    pub last_uid: u32,
}

/// A message the poller gave up on after repeated ingest failures; it stays in the mailbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MailboxFailure {
    pub mailbox: String,
    pub uid_validity: u32,
    pub uid: u32,
    pub error: String,
    pub created_at: Timestamp,
}

/// Where inbound mail is fetched from, and how far each mailbox has been read. Implemented for both backends in `sql/mailbox.rs`.
#[async_trait]
pub trait MailboxStore: Send + Sync {
    /// Where reading `mailbox` stopped; `None` before its first message.
    async fn mailbox_cursor(&self, mailbox: &str) -> Result<Option<MailboxCursor>>;

    /// Records that `mailbox` has been read up to `cursor`. Under the same UIDVALIDITY the
    /// cursor never moves back (two pollers of one mailbox may finish out of order); a
    /// different UIDVALIDITY replaces the old cursor.
    async fn advance_mailbox(&self, mailbox: &str, cursor: MailboxCursor, now: Timestamp) -> Result<()>;

    /// Records that the message at `cursor.last_uid` could not be ingested, with the reason,
    /// and advances the cursor past it, in one transaction.
    async fn record_mailbox_failure(
        &self,
        mailbox: &str,
        cursor: MailboxCursor,
        error: &str,
        now: Timestamp,
    ) -> Result<()>;

    /// The messages of `mailbox` the poller gave up on, newest first.
    async fn list_mailbox_failures(&self, mailbox: &str) -> Result<Vec<MailboxFailure>>;
}
