//! The STARTTLS certificate and key, loaded once when the receiver starts.

use super::SmtpInError;
use std::path::Path;
use std::sync::Arc;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::crypto::ring;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

pub(super) fn acceptor(cert: &Path, key: &Path) -> Result<TlsAcceptor, SmtpInError> {
    let file_error =
        |what, path: &Path, reason: String| SmtpInError::TlsFile { what, path: path.display().to_string(), reason };
    let cert_pem = std::fs::read(cert).map_err(|e| file_error("certificate", cert, e.to_string()))?;
    let chain = CertificateDer::pem_slice_iter(&cert_pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| file_error("certificate", cert, e.to_string()))?;
    if chain.is_empty() {
        return Err(file_error("certificate", cert, "it holds no PEM certificate".into()));
    }
    let key_pem = std::fs::read(key).map_err(|e| file_error("key", key, e.to_string()))?;
    let key = PrivateKeyDer::from_pem_slice(&key_pem).map_err(|e| file_error("key", key, e.to_string()))?;
    // The provider is named rather than taken from the process default, which is ambiguous
    // when another dependency links a second one.
    let config = ServerConfig::builder_with_provider(Arc::new(ring::default_provider()))
        .with_safe_default_protocol_versions()
        .and_then(|builder| builder.with_no_client_auth().with_single_cert(chain, key))
        .map_err(|e| SmtpInError::TlsConfig(e.to_string()))?;
    Ok(TlsAcceptor::from(Arc::new(config)))
}
