//! Channel adapters: what arrives from outside (raw email today) turned into the
//! [`dragoman_core::InboundMessage`] that ingest stores.
//!
//! - [`amazon`]: Amazon's buyer–seller messaging rules for what a reply may contain.
//! - [`chat`]: live chat on the seller's website: the widget's WebSocket frames, the visitor
//!   messages ingest stores, and the sender that puts agent replies into the visitor's chat.
//! - [`email`]: raw RFC 5322 mail, including mail relayed by Amazon, eBay and Shopify. MIME,
//!   charsets and transfer encodings are decoded leniently (damage becomes a warning, not an
//!   error); the platform template, quoted history and signature are cut so that detection,
//!   translation and the agent see the buyer's own words.
//! - [`generic`]: the JSON inbound channel, for any system that can POST a buyer message.
//! - [`html`]: the sanitiser every HTML body goes through before an agent's browser shows
//!   it, and the HTML-to-text conversion used for HTML-only mail.
//! - [`outbound`]: what a reply carries to a channel's sender, and how sending can end.
//! - [`shopify`]: signed webhooks (orders, refunds, privacy) and the Admin API.
//! - [`ebay`]: the eBay Message API (OAuth, incremental polling, replies).
//! - [`secret`]: credentials that never print.
//! - [`smtp_in`]: Dragoman's own SMTP receiver; [`imap`]: the IMAP poller. Both hand what they
//!   receive to a [`mail_sink::MailSink`] (the server's ingest) and acknowledge only after it
//!   is stored.
//! - [`smtp_out`]: replies leaving by email (email, Amazon's relay, Shopify's contact form).

pub mod amazon;
pub mod chat;
pub mod ebay;
pub mod email;
pub mod generic;
pub mod html;
pub mod imap;
pub mod mail_sink;
pub mod outbound;
pub mod secret;
pub mod shopify;
pub mod smtp_in;
pub mod smtp_out;
