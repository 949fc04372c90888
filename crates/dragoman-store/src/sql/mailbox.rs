//! [`crate::MailboxStore`] for both backends (compiled into each through `shared.rs`).

use super::*;

#[async_trait]
impl MailboxStore for Impl {}
