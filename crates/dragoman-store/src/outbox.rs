//! Replies waiting to leave, and what became of them.

use async_trait::async_trait;

/// Replies waiting to leave, and what became of them. Implemented for both backends in `sql/outbox.rs`.
#[async_trait]
pub trait OutboxStore: Send + Sync {}
