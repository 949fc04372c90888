//! Understanding buyer messages.
//!
//! Layout:
//! - [`entities`]: what a message refers to — order numbers, email addresses, URLs — as
//!   written, so it can be linked to orders and kept intact through translation.
//!
//! Intent, escalation and reply suggestions build on these.

pub mod entities;

pub use entities::{Entities, extract};
