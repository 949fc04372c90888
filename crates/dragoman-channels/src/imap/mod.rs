//! The IMAP poller: reads buyer mail from the mailboxes a store already has (`[[imap]]` in
//! the configuration), each on a task of its own, so many mailboxes are read at once.
//!
//! - `connect`: TCP, implicit TLS or STARTTLS (rustls, webpki roots plus an optional CA
//!   file), and LOGIN.
//! - `sync`: fetching what is new and handing it to the [`MailSink`].
//! - `dovecot` (feature `dovecot`): a throw-away dovecot server for tests and benchmarks.
//!
//! Policy, decided here:
//! - **Nothing fetched twice, nothing skipped.** The store keeps, per mailbox, its UIDVALIDITY
//!   and the highest UID whose message is stored ([`MailboxStore`]); messages are stored in UID
//!   order and the cursor advances only over messages whose ingest committed. When the UIDVALIDITY changes the
//!   server has renumbered the mailbox, and everything is read again: ingest recognises what it
//!   already stored by Message-ID (or digest), so the re-read stores only what is new.
//! - **Mail is only read.** Messages are fetched with `BODY.PEEK[]`, so they stay unread and in
//!   place for whoever else uses the mailbox.
//! - **No message can stop a mailbox.** One over `max_message_bytes` is stored from its first
//!   [`OVERSIZE_PREFIX_BYTES`] (its text, without attachments, with a warning); one ingest keeps
//!   refusing is recorded with the reason after [`MAX_ATTEMPTS`] tries
//!   ([`MailboxStore::record_mailbox_failure`]) and the poller goes on.
//! - **New mail at once where possible.** With IDLE (when the server has it) new mail is read
//!   as soon as the server announces it; the mailbox is also checked every `poll_secs`, which
//!   is how servers without IDLE are read.
//! - **Connection trouble** (server down, wrong password, timeouts) is logged and retried with
//!   backoff from 1 s to 5 minutes, for ever; other mailboxes are not affected.
//! - **Credentials never leave the process.** The password is a [`Secret`], which prints as
//!   `***`; errors name the user and server, never the password. (async-imap traces its
//!   commands, LOGIN included, through the `log` crate, which Dragoman does not route to its
//!   logs.)

mod connect;
#[cfg(feature = "dovecot")]
pub mod dovecot;
mod sync;

use crate::mail_sink::{DeliveryError, MailSink};
use crate::secret::Secret;
use dragoman_store::{MailboxStore, StoreError};
use serde::Deserialize;
use std::convert::Infallible;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Oversized messages are stored from this many first bytes: enough for the headers and the
/// buyer's text in all but absurd cases.
pub const OVERSIZE_PREFIX_BYTES: u32 = 1024 * 1024;

/// Ingest attempts for one message before it is recorded as a failure and passed.
pub const MAX_ATTEMPTS: u32 = 5;

/// How long one IMAP command (a login, a fetch of a batch) may take.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(300);

/// How the connection to the IMAP server is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ImapTls {
    /// TLS from the first byte (port 993).
    #[default]
    Tls,
    /// Plain connection upgraded with STARTTLS before login (port 143).
    Starttls,
    /// No TLS at all (port 143): only for a server on the same host or a trusted network.
    #[serde(rename = "none")]
    Plain,
}

/// One `[[imap]]` entry of the configuration.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ImapMailboxConfig {
    /// Names the mailbox in logs and in the store (its read position is kept under this name);
    /// default `user@host/folder`.
    pub name: Option<String>,
    pub host: String,
    /// Default 993 with `tls = "tls"`, else 143.
    pub port: Option<u16>,
    pub tls: ImapTls,
    pub user: String,
    pub password: Option<Secret>,
    /// Name of an environment variable holding the password (instead of `password`).
    pub password_env: Option<String>,
    pub folder: String,
    /// Seconds between checks of the mailbox (with IDLE too, in case a notice is lost).
    pub poll_secs: u64,
    /// Larger messages are stored from their first bytes only (see [`OVERSIZE_PREFIX_BYTES`]).
    pub max_message_bytes: u32,
    /// PEM file with CA certificates to trust besides the public ones (a private CA, a
    /// self-signed server).
    pub ca_file: Option<PathBuf>,
}

impl ImapMailboxConfig {
    /// The name the mailbox's read position is stored under: `name`, or `user@host/folder`.
    pub fn mailbox_name(&self) -> String {
        self.name.clone().unwrap_or_else(|| format!("{}@{}/{}", self.user, self.host, self.folder))
    }
}

impl Default for ImapMailboxConfig {
    fn default() -> Self {
        Self {
            name: None,
            host: String::new(),
            port: None,
            tls: ImapTls::Tls,
            user: String::new(),
            password: None,
            password_env: None,
            folder: "INBOX".into(),
            poll_secs: 60,
            max_message_bytes: 25 * 1024 * 1024,
            ca_file: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImapError {
    #[error("[[imap]] mailbox {mailbox}: {reason}")]
    Config { mailbox: String, reason: String },
    #[error("cannot connect to {address}: {source}")]
    Connect { address: String, source: std::io::Error },
    #[error("TLS with {host} failed: {reason}")]
    Tls { host: String, reason: String },
    #[error("{host} refused the login of {user}: {reason}")]
    Login { host: String, user: String, reason: String },
    #[error("{what} timed out after {} s", COMMAND_TIMEOUT.as_secs())]
    Timeout { what: &'static str },
    #[error("the server gave no UIDVALIDITY for folder {0:?}")]
    NoUidValidity(String),
    #[error("IMAP: {0}")]
    Protocol(#[from] async_imap::error::Error),
    #[error("cannot record the mailbox's progress: {0}")]
    Store(#[from] StoreError),
    #[error(transparent)]
    Delivery(#[from] DeliveryError),
}

/// What one pass over a mailbox did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Messages fetched from the server.
    pub fetched: usize,
    /// Of those, newly stored.
    pub stored: usize,
    /// Of those, already stored before (after a UIDVALIDITY change, or a crash before the
    /// cursor moved).
    pub duplicates: usize,
    /// Of those, stored from their first bytes only, being over the size limit.
    pub truncated: usize,
    /// Messages recorded as failures and passed.
    pub failed: usize,
}

/// One configured mailbox, checked and ready to poll.
pub struct ImapMailbox {
    name: String,
    config: ImapMailboxConfig,
    password: Secret,
    tls: Option<connect::Tls>,
}

impl ImapMailbox {
    /// Checks the entry and resolves the password (from `password_env` if so configured).
    pub fn new(config: ImapMailboxConfig) -> Result<Self, ImapError> {
        let name = config.mailbox_name();
        let invalid = |reason: String| ImapError::Config { mailbox: name.clone(), reason };
        if config.host.trim().is_empty() || config.user.is_empty() {
            return Err(invalid("`host` and `user` are required".into()));
        }
        let password = match (&config.password, &config.password_env) {
            (Some(password), None) => password.clone(),
            (None, Some(var)) => Secret::new(
                std::env::var(var)
                    .map_err(|_| invalid(format!("environment variable {var} (password_env) is not set")))?,
            ),
            _ => return Err(invalid("give exactly one of `password` and `password_env`".into())),
        };
        let tls = match config.tls {
            ImapTls::Plain => None,
            ImapTls::Tls | ImapTls::Starttls => {
                Some(connect::Tls::new(&config.host, config.ca_file.as_deref()).map_err(invalid)?)
            }
        };
        Ok(Self { name, config, password, tls })
    }

    /// The name the mailbox's read position is stored under.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Polls the mailbox for ever: reads what is new, waits (IDLE or `poll_secs`), again.
    /// Connection failures are logged and retried with backoff.
    pub async fn run(self, store: Arc<dyn MailboxStore>, sink: Arc<dyn MailSink>) {
        let mut backoff = Backoff::default();
        let mut attempts = sync::Attempts::default();
        loop {
            let Err(e) = self.watch(store.as_ref(), sink.as_ref(), &mut backoff, &mut attempts).await;
            let delay = backoff.next_delay();
            tracing::warn!(mailbox = %self.name, error = %e, retry_in_secs = delay.as_secs(), "IMAP mailbox unavailable");
            tokio::time::sleep(delay).await;
        }
    }

    /// One pass: connects, reads everything new and logs out.
    pub async fn sync_once(&self, store: &dyn MailboxStore, sink: &dyn MailSink) -> Result<SyncReport, ImapError> {
        let (mut session, _) = connect::open(self).await?;
        let validity = sync::select(self, &mut session).await?;
        let report = sync::fetch_new(self, &mut session, validity, store, sink, &mut sync::Attempts::default()).await?;
        // The messages are stored: a failed goodbye changes nothing.
        let _ = tokio::time::timeout(COMMAND_TIMEOUT, session.logout()).await;
        Ok(report)
    }

    /// One connection's life: read what is new, wait for more, until something fails.
    async fn watch(
        &self,
        store: &dyn MailboxStore,
        sink: &dyn MailSink,
        backoff: &mut Backoff,
        attempts: &mut sync::Attempts,
    ) -> Result<Infallible, ImapError> {
        let (mut session, capabilities) = connect::open(self).await?;
        let validity = sync::select(self, &mut session).await?;
        backoff.reset();
        let idle = capabilities.has_str("IDLE");
        tracing::info!(mailbox = %self.name, idle, "IMAP mailbox connected");
        loop {
            let report = sync::fetch_new(self, &mut session, validity, store, sink, attempts).await?;
            if report.fetched > 0 {
                tracing::info!(mailbox = %self.name, ?report, "IMAP mail read");
            }
            session = sync::wait_for_mail(self, session, idle).await?;
        }
    }
}

/// Delays between reconnection attempts: 1 s, doubling, at most 5 minutes.
#[derive(Default)]
struct Backoff {
    failures: u32,
}

impl Backoff {
    fn next_delay(&mut self) -> Duration {
        let delay = Duration::from_secs(1 << self.failures.min(9)).min(Duration::from_secs(300));
        self.failures = self.failures.saturating_add(1);
        delay
    }

    fn reset(&mut self) {
        self.failures = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(toml_text: &str) -> ImapMailboxConfig {
        ImapMailboxConfig::deserialize(toml_like(toml_text)).unwrap()
    }

    /// The fields as a JSON object: serde's view is the same as for the TOML file.
    fn toml_like(text: &str) -> serde_json::Value {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn passwords_never_show() {
        let config = entry(r#"{"host": "imap.example.com", "user": "support", "password": "hunter2-very-secret"}"#);
        let mailbox = ImapMailbox::new(config.clone()).unwrap();
        assert_eq!(mailbox.name(), "support@imap.example.com/INBOX");
        assert!(!format!("{config:?}").contains("hunter2"), "{config:?}");
        assert_eq!(mailbox.password.expose(), "hunter2-very-secret");
    }

    #[test]
    fn one_password_source_is_required() {
        for fields in
            [r#"{"host": "h", "user": "u"}"#, r#"{"host": "h", "user": "u", "password": "p", "password_env": "X"}"#]
        {
            let err = ImapMailbox::new(entry(fields)).err().unwrap().to_string();
            assert!(err.contains("exactly one of `password` and `password_env`"), "{err}");
        }
        let err =
            ImapMailbox::new(entry(r#"{"host": "h", "user": "u", "password_env": "DRAGOMAN_TEST_UNSET_VARIABLE"}"#))
                .err()
                .unwrap()
                .to_string();
        assert!(err.contains("DRAGOMAN_TEST_UNSET_VARIABLE"), "{err}");
    }

    #[test]
    fn backoff_doubles_up_to_five_minutes() {
        let mut backoff = Backoff::default();
        let delays: Vec<u64> = (0..11).map(|_| backoff.next_delay().as_secs()).collect();
        assert_eq!(delays, [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300]);
        backoff.reset();
        assert_eq!(backoff.next_delay().as_secs(), 1);
    }
}
