//! Live-chat sessions of website visitors.

use async_trait::async_trait;

/// Live-chat sessions of website visitors. Implemented for both backends in `sql/chat.rs`.
#[async_trait]
pub trait ChatStore: Send + Sync {}
