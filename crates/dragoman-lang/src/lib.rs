//! Language work for Dragoman.
//!
//! Layout:
//! - [`detect`]: language identification of a buyer's message, with a confidence, and `und`
//!   when the text is too short or too ambiguous to say; the language of a whole conversation.
//!
//! Translation engines and protected-span masking join this crate as they are built.

pub mod detect;

pub use detect::{Detection, conversation_language, detect, warm_up};
