//! Translation cache and per-store glossary.

use async_trait::async_trait;

/// Translation cache and per-store glossary. Implemented for both backends in `sql/translation.rs`.
#[async_trait]
pub trait TranslationStore: Send + Sync {}
