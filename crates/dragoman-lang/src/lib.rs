//! Language work for Dragoman.
//!
//! Layout:
//! - [`detect`]: language identification of a buyer's message, with a confidence, and `und`
//!   when the text is too short or too ambiguous to say.
//!
//! Translation engines and protected-span masking join this crate as they are built.

pub mod detect;

pub use detect::{Detection, detect};
