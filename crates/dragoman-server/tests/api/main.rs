//! API tests: each starts the real server on port 0 over a fresh SQLite database, with the
//! background workers running. All compile into this one test binary.

mod auth;
mod chat;
mod conversations;
mod ebay;
mod helpers;
mod inbound;
mod mail_in;
mod operations;
mod outbox;
mod shopify;
mod sla;
mod translation;
mod understanding;
