//! Dragoman's domain: the types every other crate speaks, and the pure rules over them.
//!
//! Nothing here does I/O, spawns tasks or reads the clock: time is passed in, so every rule is
//! testable with plain values.
//!
//! Layout:
//! - [`ids`]: newtypes for database ids, so a `MessageId` is never passed where a `ConversationId` is due.
//! - [`time`]: [`Timestamp`], milliseconds since the Unix epoch, serialised as RFC 3339.
//! - [`lang`]: [`LanguageTag`], an ISO 639-1 code (or `und`).
//! - [`channel`]: where a conversation came from ([`Channel`]) and on which storefront ([`Marketplace`]).
//! - [`conversation`]: [`Conversation`] and its status machine, priority, tier.
//! - [`message`]: [`Message`] (inbound, outbound, internal note), translations, attachments, warnings.
//! - [`customer`], [`order`], [`agent`]: the people and orders around a conversation.
//! - [`order_number`]: recognising marketplace order numbers in free text.
//! - [`calendar`]: business hours in a team's time zone, holidays, and open-time arithmetic.
//! - [`routing`]: who answers: shifts, languages, tiers, load and round-robin, as pure decisions.
//! - [`sla`]: SLA policies, which one applies, and the clock that says when an answer is due.
//! - [`intent`]: the taxonomy of what buyers want.
//! - [`inbound`]: the normalised message every channel adapter hands to ingest.
//!
//! Policy: constructors parse (`LanguageTag::parse`, `EmailAddress::parse`, …) and return
//! [`ParseError`] with a message fit for an API client; once built, a value is valid.

pub mod agent;
pub mod calendar;
pub mod channel;
pub mod conversation;
pub mod customer;
pub mod email_address;
pub mod ids;
pub mod inbound;
pub mod intent;
pub mod lang;
pub mod message;
pub mod order;
pub mod order_number;
pub mod routing;
pub mod sla;
pub mod time;

pub use agent::{Agent, Role, Team};
pub use calendar::{BusinessCalendar, CalendarConfig, CalendarError};
pub use channel::{Channel, Marketplace};
pub use conversation::{Conversation, ConversationStatus, Priority, Tier};
pub use customer::{Customer, CustomerAlias};
pub use email_address::EmailAddress;
pub use ids::*;
pub use inbound::{InboundAttachment, InboundMessage, RawInput, ThreadHints};
pub use intent::Intent;
pub use lang::LanguageTag;
pub use message::{Attachment, Delivery, DeliveryState, Direction, Message, OriginalText, Translation};
pub use order::{Order, OrderItem, Shipment};
pub use order_number::{OrderNumber, OrderNumberKind};
pub use routing::{
    AgentAvailability, AssignReason, CurrentAssignment, LanguageFit, RoutingDecision, RoutingRequest, WaitReason,
    reoffer_at_shift_end, route,
};
pub use sla::{ConversationFacts, Deadline, SlaClock, SlaEvent, SlaPolicies, SlaPolicy};
pub use time::Timestamp;

/// The conversions every parsed string newtype has: `TryFrom<String>` through its `parse`
/// (which serde uses via `try_from`), back into `String`, and `Display`.
macro_rules! string_newtype {
    ($name:ident) => {
        impl TryFrom<String> for $name {
            type Error = $crate::ParseError;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::parse(&s)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

pub(crate) use string_newtype;

/// A value that could not be parsed into a domain type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {what}: {reason}")]
pub struct ParseError {
    pub what: &'static str,
    pub reason: String,
}

impl ParseError {
    pub fn new(what: &'static str, reason: impl Into<String>) -> Self {
        Self { what, reason: reason.into() }
    }
}
