//! Marketplace and shop integrations: webhook deliveries seen, poll cursors.

use async_trait::async_trait;

/// Marketplace and shop integrations: webhook deliveries seen, poll cursors. Implemented for both backends in `sql/marketplace.rs`.
#[async_trait]
pub trait MarketplaceStore: Send + Sync {}
