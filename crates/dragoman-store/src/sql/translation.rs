//! [`crate::TranslationStore`] for both backends (compiled into each through `shared.rs`).

use super::*;

#[async_trait]
impl TranslationStore for Impl {}
