//! Language work for Dragoman.
//!
//! Layout:
//! - [`detect`]: language identification of a buyer's message, with a confidence, and `und`
//!   when the text is too short or too ambiguous to say; the language of a whole conversation.
//! - [`translate`]: the [`translate::Translator`] trait, its engines (Apertium, OpenAI-compatible
//!   chat endpoints, DeepL), pivoting through chains of engines, protected-span masking, the
//!   glossary, and the `[translation]` configuration.

pub mod detect;
pub mod translate;

pub use detect::{Detection, conversation_language, detect, warm_up};
