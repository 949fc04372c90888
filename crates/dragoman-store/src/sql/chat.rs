//! [`crate::ChatStore`] for both backends (compiled into each through `shared.rs`).

use super::*;

#[async_trait]
impl ChatStore for Impl {}
