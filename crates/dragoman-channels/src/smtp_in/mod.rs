//! Dragoman's own SMTP receiver: the store's MX (or a relay's next hop) delivers buyer mail
//! straight into ingest.
//!
//! - `session`: one SMTP conversation (RFC 5321 with PIPELINING, SIZE, 8BITMIME, SMTPUTF8,
//!   ENHANCEDSTATUSCODES and STARTTLS), commands parsed by `smtp-proto`.
//! - `tls`: the certificate and key for STARTTLS.
//!
//! Policy, decided here:
//! - **250 only after commit.** The reply to DATA waits for [`MailSink::deliver`], which
//!   returns after the ingest transaction committed; a store that cannot take the email now
//!   gets `451 4.3.0` so the sending MTA keeps it and retries. A message refused by the store
//!   gets `554 5.6.0`, so the sender gets a bounce: either way nothing is lost silently.
//! - **Size.** `SIZE` is announced; a `MAIL FROM … SIZE=` over the limit is refused at once and
//!   a longer message at the end of DATA, both with `552 5.3.4`.
//! - **Recipients.** Dragoman is a final destination and never relays, so accepting every
//!   recipient opens no relay. With `domains` configured only those domains are accepted
//!   (`550 5.1.1` otherwise), which keeps stray mail out of the inbox. One email with several
//!   recipients is stored once.
//! - **STARTTLS** is offered when `cert` and `key` are configured; plain SMTP stays allowed,
//!   because MTAs deliver to an MX over plain SMTP when TLS is not offered.
//! - **Limits.** At most `max_connections` sessions at once (more get `421 4.3.2`), a client
//!   silent for `timeout_secs` is disconnected (`421 4.4.2`), command lines are at most 4096
//!   bytes.

mod session;
mod tls;

use crate::mail_sink::MailSink;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// The `[smtp_in]` table of the configuration.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SmtpInConfig {
    /// Where the receiver listens (`dragoman serve --smtp-listen`); it does not run without one.
    pub listen: Option<SocketAddr>,
    /// The name the receiver gives in its greeting and in the `Received:` line it adds.
    pub hostname: String,
    /// Accept mail only for these domains (e.g. `["lumenhaus-store.com"]`); empty: any recipient.
    pub domains: Vec<String>,
    /// Largest message accepted, in bytes (announced with `SIZE`).
    pub max_message_bytes: usize,
    /// Recipients per message.
    pub max_recipients: usize,
    /// Sessions served at once.
    pub max_connections: usize,
    /// Seconds a client may stay silent before it is disconnected.
    pub timeout_secs: u64,
    /// PEM certificate chain for STARTTLS (with `key`).
    pub cert: Option<PathBuf>,
    /// PEM private key for STARTTLS (with `cert`).
    pub key: Option<PathBuf>,
}

impl Default for SmtpInConfig {
    fn default() -> Self {
        Self {
            listen: None,
            hostname: "dragoman".into(),
            domains: Vec::new(),
            max_message_bytes: 25 * 1024 * 1024,
            max_recipients: 100,
            max_connections: 256,
            // RFC 5321 §4.5.3.2 asks a server to wait at least 5 minutes for a command.
            timeout_secs: 300,
            cert: None,
            key: None,
        }
    }
}

/// Why the receiver cannot start.
#[derive(Debug, thiserror::Error)]
pub enum SmtpInError {
    #[error("[smtp_in] needs both `cert` and `key` for STARTTLS, or neither")]
    HalfTls,
    #[error("cannot read the STARTTLS {what} {path}: {reason}")]
    TlsFile { what: &'static str, path: String, reason: String },
    #[error("the STARTTLS certificate and key do not make a TLS configuration: {0}")]
    TlsConfig(String),
}

/// The SMTP receiver: accepts connections and runs one session per connection.
pub struct SmtpReceiver {
    context: Arc<session::Context>,
}

impl SmtpReceiver {
    /// Checks the configuration and loads the STARTTLS certificate, if any.
    pub fn new(config: SmtpInConfig, sink: Arc<dyn MailSink>) -> Result<Self, SmtpInError> {
        let tls = match (&config.cert, &config.key) {
            (Some(cert), Some(key)) => Some(tls::acceptor(cert, key)?),
            (None, None) => None,
            _ => return Err(SmtpInError::HalfTls),
        };
        let domains = config.domains.iter().map(|d| d.trim().trim_start_matches('@').to_ascii_lowercase()).collect();
        Ok(Self {
            context: Arc::new(session::Context {
                connections: Arc::new(Semaphore::new(config.max_connections.max(1))),
                timeout: Duration::from_secs(config.timeout_secs.max(1)),
                domains,
                tls,
                sink,
                config,
            }),
        })
    }

    /// Serves SMTP on `listener` until the task running it is dropped (which also ends the
    /// sessions in progress: their clients get no 250 and retry).
    pub async fn serve(self, listener: TcpListener) {
        let mut sessions = JoinSet::new();
        loop {
            tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok((stream, peer)) => {
                        // Replies are written whole; Nagle's algorithm would only hold each one
                        // back until the client acknowledges the last (tens of ms a command).
                        let _ = stream.set_nodelay(true);
                        let context = self.context.clone();
                        sessions.spawn(async move {
                            let Ok(_permit) = context.connections.clone().try_acquire_owned() else {
                                let mut stream = stream;
                                let _ = stream.write_all(b"421 4.3.2 Too many connections, try again later\r\n").await;
                                return;
                            };
                            if let Err(e) = session::run(stream, peer, &context).await {
                                tracing::debug!(%peer, error = %e, "SMTP session ended with an error");
                            }
                        });
                    }
                    // Out of file descriptors and the like: wait a little instead of spinning.
                    Err(e) => {
                        tracing::warn!(error = %e, "SMTP receiver cannot accept a connection");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                },
                Some(_) = sessions.join_next() => {}
            }
        }
    }
}
