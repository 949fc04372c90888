//! Live chat on the seller's website: a visitor talks to an agent through a small widget
//! (`dragoman-server` serves it and its WebSocket; this module holds what is not HTTP).
//!
//! - [`protocol`]: the JSON frames of the WebSocket, their validation, and the inbound messages
//!   ingest stores for what a visitor writes.
//! - [`rate`]: the per-connection message budget.
//! - [`sender`]: the [`crate::outbound::ChannelSender`] that delivers agent replies into the
//!   visitor's event stream, and the in-process [`sender::ChatHub`] that wakes the sockets.
//!
//! Delivery is through the database, never a server's memory: every message a visitor sees is
//! an event of the session's stream ([`dragoman_store::ChatStore`]) with a sequence number, a
//! widget that reconnects sends the last number it saw and gets what followed, and a visitor
//! message is acknowledged only after ingest committed it (a resend with the same client id is
//! deduplicated by ingest, channel `chat`, external id `<session>:<client id>`).

pub mod protocol;
pub mod rate;
pub mod sender;

pub use protocol::{ClientFrame, ServerFrame};
pub use rate::RateLimit;
pub use sender::{ChatHub, ChatSender};
