//! Replies leaving by email: the [`ChannelSender`] for email, Amazon's relay and Shopify's
//! contact form, over SMTP (lettre on tokio, TLS by rustls with the ring provider).
//!
//! Policy, decided here:
//! - **The Message-ID is the idempotency key** (`<key@sender-domain>`), fixed before the
//!   attempt ([`ChannelSender::planned_external_id`]), so the outbox records it first and the
//!   buyer's answer threads onto the conversation whatever happens to the process.
//! - **4xx and network trouble are temporary** (the worker backs off and retries); **5xx is
//!   permanent** (the reply is failed with the server's words), except a refused login
//!   (530/534/535/538): that is this server's configuration, not the reply, so replies wait for
//!   it to be fixed instead of failing one by one.
//! - **SMTP cannot be asked** whether an earlier attempt arrived: [`ChannelSender::reconcile`]
//!   answers `Unknown`, and the worker marks such a reply uncertain rather than risk a duplicate.
//! - **Amazon**: replies come from the approved sender address (`amazon_from`) and are checked
//!   against [`crate::amazon::check_reply`] once more before they leave.
//! - Replies are UTF-8 `text/plain`, with `In-Reply-To`, `References` and the buyer's language
//!   in `Content-Language`.

use crate::amazon;
use crate::outbound::{ChannelSender, Delivered, OutboundReply, Reconciled, SendError};
use async_trait::async_trait;
use dragoman_core::Channel;
use lettre::message::header::{Header, HeaderName, HeaderValue, InReplyTo, MessageId, References};
use lettre::message::{Mailbox, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use serde::Deserialize;
use std::path::PathBuf;
use std::time::Duration;

/// The channels whose replies are email.
pub const CHANNELS: &[Channel] = &[Channel::Email, Channel::Amazon, Channel::Shopify];

/// How the connection to the relay is protected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TlsMode {
    /// Plain connection upgraded with STARTTLS, which must succeed (submission, port 587).
    #[default]
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: only for a relay on the same machine or network.
    None,
}

impl std::str::FromStr for TlsMode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "starttls" => Ok(TlsMode::Starttls),
            "tls" => Ok(TlsMode::Tls),
            "none" => Ok(TlsMode::None),
            other => Err(format!("{other:?} is not a TLS mode: use starttls, tls or none")),
        }
    }
}

impl TlsMode {
    fn default_port(self) -> u16 {
        match self {
            TlsMode::Starttls => 587,
            TlsMode::Tls => 465,
            TlsMode::None => 25,
        }
    }
}

/// The `[smtp_out]` table of the configuration. The password is never in the file: it is read
/// from the environment variable `password_env` names.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SmtpOutConfig {
    /// The relay (submission server) replies go through.
    pub host: String,
    /// Default by `tls`: 587, 465, or 25.
    pub port: Option<u16>,
    pub tls: TlsMode,
    /// Login at the relay, when it wants one.
    pub username: Option<String>,
    /// The environment variable holding the password.
    pub password_env: String,
    /// Who replies come from, e.g. `"Lumenhaus Support <support@lumenhaus.example>"`.
    pub from: String,
    /// The address approved under Messaging Permissions in Seller Central, for replies to
    /// Amazon buyers; default `from`.
    pub amazon_from: Option<String>,
    /// Seconds to wait on the relay before an attempt counts as failed (temporarily).
    pub timeout_secs: u64,
    /// A PEM certificate to trust besides the public roots (a relay with a private CA).
    pub ca_file: Option<PathBuf>,
}

impl Default for SmtpOutConfig {
    fn default() -> Self {
        Self {
            host: String::new(),
            port: None,
            tls: TlsMode::default(),
            username: None,
            password_env: "DRAGOMAN_SMTP_PASSWORD".into(),
            from: String::new(),
            amazon_from: None,
            timeout_secs: 60,
            ca_file: None,
        }
    }
}

/// Why the sender cannot be set up from its configuration.
#[derive(Debug, thiserror::Error)]
pub enum SmtpOutError {
    #[error("[smtp_out] needs `host`, the relay replies are sent through")]
    NoHost,
    #[error("[smtp_out] {field} {value:?} is not an address such as \"Shop <support@shop.example>\": {reason}")]
    Address { field: &'static str, value: String, reason: String },
    #[error("[smtp_out] has `username` but the environment variable {0} with its password is not set")]
    NoPassword(String),
    #[error("cannot read the [smtp_out] ca_file {path}: {reason}")]
    CaFile { path: String, reason: String },
    #[error("cannot set up TLS for the relay: {0}")]
    Tls(String),
}

/// `Content-Language: de` — lettre has no type for it.
#[derive(Debug, Clone)]
struct ContentLanguage(String);

impl Header for ContentLanguage {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Content-Language")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(s.trim().to_owned()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// Sends replies through one SMTP relay.
pub struct SmtpSender {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    amazon_from: Mailbox,
}

fn mailbox(field: &'static str, value: &str) -> Result<Mailbox, SmtpOutError> {
    value.trim().parse::<Mailbox>().map_err(|e| SmtpOutError::Address {
        field,
        value: value.to_owned(),
        reason: e.to_string(),
    })
}

impl SmtpSender {
    /// A sender for `config`; `password` is the value of the variable `config.password_env`.
    pub fn new(config: &SmtpOutConfig, password: Option<String>) -> Result<Self, SmtpOutError> {
        let host = config.host.trim();
        if host.is_empty() {
            return Err(SmtpOutError::NoHost);
        }
        let from = mailbox("from", &config.from)?;
        let amazon_from = match &config.amazon_from {
            Some(a) => mailbox("amazon_from", a)?,
            None => from.clone(),
        };
        let tls = match config.tls {
            TlsMode::None => Tls::None,
            mode => {
                let mut params = TlsParameters::builder(host.to_owned());
                if let Some(path) = &config.ca_file {
                    let read_error = |reason: String| SmtpOutError::CaFile { path: path.display().to_string(), reason };
                    let pem = std::fs::read(path).map_err(|e| read_error(e.to_string()))?;
                    params = params
                        .add_root_certificate(Certificate::from_pem(&pem).map_err(|e| read_error(e.to_string()))?);
                }
                let params = params.build_rustls().map_err(|e| SmtpOutError::Tls(e.to_string()))?;
                if mode == TlsMode::Tls { Tls::Wrapper(params) } else { Tls::Required(params) }
            }
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(config.port.unwrap_or(config.tls.default_port()))
            .tls(tls)
            .hello_name(ClientId::Domain(from.email.domain().to_owned()))
            .timeout(Some(Duration::from_secs(config.timeout_secs.max(1))));
        if let Some(username) = &config.username {
            let password = password.ok_or_else(|| SmtpOutError::NoPassword(config.password_env.clone()))?;
            builder = builder.credentials(Credentials::new(username.clone(), password));
        }
        Ok(Self { transport: builder.build(), from, amazon_from })
    }

    fn sender_for(&self, channel: Channel) -> &Mailbox {
        if channel == Channel::Amazon { &self.amazon_from } else { &self.from }
    }

    /// The Message-ID of `reply`, without angle brackets.
    fn message_id(&self, reply: &OutboundReply) -> String {
        format!("{}@{}", reply.idempotency_key, self.sender_for(reply.channel).email.domain())
    }

    /// The email for `reply`, or why it cannot be written (which no retry changes).
    pub fn message(&self, reply: &OutboundReply) -> Result<lettre::Message, SendError> {
        let recipient = reply
            .recipient
            .as_deref()
            .ok_or_else(|| SendError::Permanent("the conversation has no buyer address to reply to".into()))?;
        let to = recipient.parse::<Mailbox>().map_err(|e| {
            SendError::Permanent(format!("the buyer's address {recipient:?} is not a valid email address: {e}"))
        })?;
        if reply.channel == Channel::Amazon {
            amazon::check_reply(&reply.body, &[]).map_err(|e| SendError::Permanent(e.to_string()))?;
        }
        let mut builder = lettre::Message::builder()
            .from(self.sender_for(reply.channel).clone())
            .to(to)
            .header(MessageId::from(format!("<{}>", self.message_id(reply))));
        if let Some(subject) = reply.subject.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            builder = builder.subject(reply_subject(subject));
        }
        if let Some(parent) = &reply.in_reply_to {
            builder = builder.header(InReplyTo::from(format!("<{parent}>")));
        }
        if !reply.references.is_empty() {
            let chain: Vec<String> = reply.references.iter().map(|r| format!("<{r}>")).collect();
            builder = builder.header(References::from(chain.join(" ")));
        }
        if let Some(language) = reply.language.as_ref().filter(|l| !l.is_undetermined()) {
            builder = builder.header(ContentLanguage(language.as_str().to_owned()));
        }
        builder
            .singlepart(SinglePart::plain(reply.body.clone()))
            .map_err(|e| SendError::Permanent(format!("the reply cannot be written as an email: {e}")))
    }
}

/// "Re: " once, however many the thread has collected ("Re: Re: AW: x" stays as it is).
fn reply_subject(subject: &str) -> String {
    let lower = subject.to_lowercase();
    if ["re:", "aw:", "sv:", "vs:", "antw:", "réf:", "rif:"].iter().any(|p| lower.starts_with(p)) {
        subject.to_owned()
    } else {
        format!("Re: {subject}")
    }
}

/// Relay codes that mean "this login is wrong", whatever their first digit says.
const LOGIN_REFUSED: &[&str] = &["530", "534", "535", "538"];

fn classify(e: &lettre::transport::smtp::Error) -> SendError {
    let code = e.status().map(|c| c.to_string());
    if code.as_deref().is_some_and(|c| LOGIN_REFUSED.contains(&c)) {
        return SendError::Temporary(format!(
            "the relay refused the login ({e}); check [smtp_out] username and its password variable"
        ));
    }
    if e.is_permanent() || e.is_client() {
        SendError::Permanent(format!("the mail server refused the reply: {e}"))
    } else {
        SendError::Temporary(format!("the mail server could not take the reply now: {e}"))
    }
}

#[async_trait]
impl ChannelSender for SmtpSender {
    async fn send(&self, reply: &OutboundReply) -> Result<Delivered, SendError> {
        let message = self.message(reply)?;
        self.transport.send(message).await.map_err(|e| classify(&e))?;
        Ok(Delivered { external_id: Some(self.message_id(reply)) })
    }

    /// SMTP has no way to ask whether a message arrived.
    async fn reconcile(&self, _reply: &OutboundReply) -> Result<Reconciled, SendError> {
        Ok(Reconciled::Unknown)
    }

    fn planned_external_id(&self, reply: &OutboundReply) -> Option<String> {
        Some(self.message_id(reply))
    }
}

#[cfg(test)]
mod tests;
