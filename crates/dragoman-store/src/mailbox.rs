//! Where inbound mail is fetched from, and how far each mailbox has been read.

use async_trait::async_trait;

/// Where inbound mail is fetched from, and how far each mailbox has been read. Implemented for both backends in `sql/mailbox.rs`.
#[async_trait]
pub trait MailboxStore: Send + Sync {}
