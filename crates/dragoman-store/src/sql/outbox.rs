//! [`crate::OutboxStore`] for both backends (compiled into each through `shared.rs`).

use super::*;

#[async_trait]
impl OutboxStore for Impl {}
