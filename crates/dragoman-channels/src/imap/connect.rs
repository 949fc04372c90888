//! Opening an authenticated IMAP session: TCP, TLS as configured, LOGIN.

use super::{COMMAND_TIMEOUT, ImapError, ImapMailbox, ImapTls};
use async_imap::types::Capabilities;
use std::fmt::Debug;
use std::path::Path;
use std::sync::Arc;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::crypto::ring;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};
use tokio_rustls::rustls::{ClientConfig, RootCertStore};

/// A connection with or without TLS, as one type for the IMAP client.
pub(super) trait Io: AsyncRead + AsyncWrite + Unpin + Send + Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + Debug> Io for T {}

pub(super) type ImapSession = async_imap::Session<Box<dyn Io>>;

/// The TLS client side for one server: the public roots plus the configured CA file.
pub(super) struct Tls {
    connector: TlsConnector,
    server_name: ServerName<'static>,
}

impl Tls {
    pub(super) fn new(host: &str, ca_file: Option<&Path>) -> Result<Self, String> {
        let mut roots: RootCertStore = webpki_roots::TLS_SERVER_ROOTS.iter().cloned().collect();
        if let Some(path) = ca_file {
            let unreadable = |e: &dyn std::fmt::Display| format!("cannot read the CA file {}: {e}", path.display());
            let pem = std::fs::read(path).map_err(|e| unreadable(&e))?;
            for cert in CertificateDer::pem_slice_iter(&pem) {
                roots.add(cert.map_err(|e| unreadable(&e))?).map_err(|e| unreadable(&e))?;
            }
        }
        // The provider is named rather than taken from the process default, which is ambiguous
        // when another dependency links a second one.
        let config = ClientConfig::builder_with_provider(Arc::new(ring::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_root_certificates(roots)
            .with_no_client_auth();
        let server_name = ServerName::try_from(host.trim().to_owned())
            .map_err(|e| format!("{host:?} cannot be checked against a TLS certificate: {e}"))?;
        Ok(Self { connector: TlsConnector::from(Arc::new(config)), server_name })
    }

    async fn wrap(&self, stream: Box<dyn Io>, host: &str) -> Result<Box<dyn Io>, ImapError> {
        let tls = self
            .connector
            .connect(self.server_name.clone(), stream)
            .await
            .map_err(|e| ImapError::Tls { host: host.to_owned(), reason: e.to_string() })?;
        Ok(Box::new(tls))
    }
}

/// Connects and logs in, within [`COMMAND_TIMEOUT`].
pub(super) async fn open(mailbox: &ImapMailbox) -> Result<(ImapSession, Capabilities), ImapError> {
    tokio::time::timeout(COMMAND_TIMEOUT, login(mailbox))
        .await
        .map_err(|_| ImapError::Timeout { what: "connecting and logging in" })?
}

async fn login(mailbox: &ImapMailbox) -> Result<(ImapSession, Capabilities), ImapError> {
    let config = &mailbox.config;
    let host = config.host.trim();
    let port = config.port.unwrap_or(if config.tls == ImapTls::Tls { 993 } else { 143 });
    let tcp = TcpStream::connect((host, port))
        .await
        .map_err(|source| ImapError::Connect { address: format!("{host}:{port}"), source })?;
    let mut stream: Box<dyn Io> = Box::new(tcp);
    if let (ImapTls::Tls, Some(tls)) = (config.tls, &mailbox.tls) {
        stream = tls.wrap(stream, host).await?;
    }
    let mut client = async_imap::Client::new(stream);
    client
        .read_response()
        .await
        .map_err(async_imap::error::Error::from)?
        .ok_or(async_imap::error::Error::ConnectionLost)?;
    if let (ImapTls::Starttls, Some(tls)) = (config.tls, &mailbox.tls) {
        client.run_command_and_check_ok("STARTTLS", None).await?;
        client = async_imap::Client::new(tls.wrap(client.into_inner(), host).await?);
    }
    let mut session = client.login(&config.user, mailbox.password.expose()).await.map_err(|(e, _)| {
        ImapError::Login { host: host.to_owned(), user: config.user.clone(), reason: e.to_string() }
    })?;
    let capabilities = session.capabilities().await?;
    Ok((session, capabilities))
}
