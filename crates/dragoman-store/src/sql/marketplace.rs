//! [`crate::MarketplaceStore`] for both backends (compiled into each through `shared.rs`).

use super::*;

#[async_trait]
impl MarketplaceStore for Impl {}
