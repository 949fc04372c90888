//! Channel adapters: what arrives from outside (raw email today) turned into the
//! [`dragoman_core::InboundMessage`] that ingest stores.
//!
//! - [`email`]: raw RFC 5322 mail, including mail relayed by Amazon, eBay and Shopify. MIME,
//!   charsets and transfer encodings are decoded leniently (damage becomes a warning, not an
//!   error); the platform template, quoted history and signature are cut so that detection,
//!   translation and the agent see the buyer's own words.
//! - [`generic`]: the JSON inbound channel, for any system that can POST a buyer message.
//! - [`html`]: the sanitiser every HTML body goes through before an agent's browser shows
//!   it, and the HTML-to-text conversion used for HTML-only mail.

pub mod email;
pub mod generic;
pub mod html;
