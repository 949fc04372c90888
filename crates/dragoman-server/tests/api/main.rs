//! API tests: each starts the real server on port 0 over a fresh SQLite database, with the
//! background workers running. All compile into this one test binary.

mod auth;
mod conversations;
mod helpers;
mod inbound;
mod operations;
mod understanding;
mod outbox;
mod mail_in;
mod shopify;
mod ebay;
mod translation;
mod chat;
mod sla;
