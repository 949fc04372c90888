//! Understanding buyer messages.
//!
//! Layout:
//! - [`entities`]: what a message refers to — order numbers, tracking numbers (with carrier
//!   and tracking link), emails, URLs, amounts — exactly as written, so it can be linked to
//!   orders and kept intact through translation.
//! - [`escalation`]: anger, threats (bad review, A-to-z claim, chargeback, lawyer) and
//!   repeated contact, as a score with the reasons found.
//! - [`encoder`]: multilingual sentence embeddings from packaged model files.
//! - [`intent`]: the intent classifier over those embeddings.
//! - [`analysis`]: all of the above for one message, in the shape `dragoman analyze` prints.
//! - [`evaluation`]: scoring the analyzer on labelled messages (`dragoman eval`).
//! - [`replies`]: the store's reply templates (SOPs), rendered with order data and ranked.

pub mod analysis;
pub mod encoder;
pub mod entities;
pub mod escalation;
pub mod evaluation;
pub mod intent;
pub mod replies;

pub use analysis::{Analysis, Analyzer};
pub use entities::{Entities, extract, protected_spans};
