//! Email in: Dragoman's SMTP receiver and the IMAP pollers run next to the HTTP server and
//! store what they receive through the same ingest door as `POST /api/v1/inbound/email`
//! ([`crate::api::inbound::ingest`]). The protocols themselves are in
//! `dragoman_channels::{smtp_in, imap}`.

use crate::api::inbound::ingest;
use crate::state::AppState;
use async_trait::async_trait;
use dragoman_channels::imap::{ImapError, ImapMailbox, ImapMailboxConfig};
use dragoman_channels::mail_sink::{DeliveryError, MailSink, ReceivedMail, inbound_message};
use dragoman_channels::smtp_in::{SmtpInConfig, SmtpInError, SmtpReceiver};
use dragoman_store::{IngestOutcome, MailboxStore, StoreError};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::task::JoinSet;

/// Received email into the store: parsed (off the async threads: a message may be megabytes),
/// then ingested.
pub struct IngestSink {
    state: AppState,
}

impl IngestSink {
    pub fn new(state: AppState) -> Self {
        Self { state }
    }
}

#[async_trait]
impl MailSink for IngestSink {
    async fn deliver(&self, mail: ReceivedMail) -> Result<IngestOutcome, DeliveryError> {
        let message = tokio::task::spawn_blocking(move || inbound_message(mail))
            .await
            .map_err(|e| DeliveryError::Refused(format!("the email could not be parsed: {e}")))?;
        ingest(&self.state, &message).await.map_err(|e| match e {
            // The store judged this message: the same bytes will be judged the same way.
            StoreError::Invalid(_) | StoreError::Conflict(_) => DeliveryError::Refused(e.to_string()),
            _ => DeliveryError::Temporary(e.to_string()),
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MailInError {
    #[error("cannot listen for SMTP on {addr}: {source}")]
    Listen { addr: SocketAddr, source: std::io::Error },
    #[error(transparent)]
    Smtp(#[from] SmtpInError),
    #[error(transparent)]
    Imap(#[from] ImapError),
}

/// The running SMTP receiver and IMAP pollers; they stop when this is dropped.
pub struct MailIn {
    smtp_addr: Option<SocketAddr>,
    _tasks: JoinSet<()>,
}

impl MailIn {
    /// Starts the SMTP receiver (when `smtp.listen` is set) and one poller per `[[imap]]`
    /// mailbox. Every entry is checked before anything starts, so a mistake in the
    /// configuration stops the start rather than half of it.
    pub async fn start(state: &AppState, smtp: &SmtpInConfig, imap: &[ImapMailboxConfig]) -> Result<Self, MailInError> {
        let mailboxes = imap.iter().cloned().map(ImapMailbox::new).collect::<Result<Vec<_>, _>>()?;
        let sink: Arc<dyn MailSink> = Arc::new(IngestSink::new(state.clone()));
        let receiver = smtp.listen.map(|_| SmtpReceiver::new(smtp.clone(), sink.clone())).transpose()?;
        let mut tasks = JoinSet::new();
        let mut smtp_addr = None;
        if let (Some(receiver), Some(addr)) = (receiver, smtp.listen) {
            let listener = TcpListener::bind(addr).await.map_err(|source| MailInError::Listen { addr, source })?;
            smtp_addr = Some(listener.local_addr().map_err(|source| MailInError::Listen { addr, source })?);
            tasks.spawn(receiver.serve(listener));
        }
        let store: Arc<dyn MailboxStore> = state.store.clone();
        for mailbox in mailboxes {
            tracing::info!(mailbox = mailbox.name(), "polling IMAP mailbox");
            tasks.spawn(mailbox.run(store.clone(), sink.clone()));
        }
        Ok(Self { smtp_addr, _tasks: tasks })
    }

    /// Where the SMTP receiver listens (the bound port when the configuration said port 0).
    pub fn smtp_addr(&self) -> Option<SocketAddr> {
        self.smtp_addr
    }
}
