//! Buyers. One buyer may write from several addresses (an Amazon relay alias, a private email).

use crate::{Channel, CustomerId, Timestamp};
use serde::{Deserialize, Serialize};

/// One address a buyer is known by on one channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerAlias {
    pub channel: Channel,
    pub address: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Customer {
    pub id: CustomerId,
    pub name: Option<String>,
    pub aliases: Vec<CustomerAlias>,
    /// ISO 3166-1 alpha-2, upper case.
    pub country: Option<String>,
    /// Free tags such as `vip` or `first-time-buyer`.
    pub tags: Vec<String>,
    pub notes: Option<String>,
    pub created_at: Timestamp,
}
