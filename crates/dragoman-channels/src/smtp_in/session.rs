//! One SMTP session, from the greeting to QUIT (RFC 5321, with the extensions the receiver
//! announces). Replies are collected and sent when the client has nothing more pipelined, so a
//! pipelining client gets one packet per command group.

use super::SmtpInConfig;
use crate::mail_sink::{DeliveryError, MailSink, ReceivedMail};
use smtp_proto::request::receiver::DataReceiver;
use smtp_proto::{
    EXT_8BIT_MIME, EXT_ENHANCED_STATUS_CODES, EXT_PIPELINING, EXT_SIZE, EXT_SMTP_UTF8, EXT_START_TLS, EhloResponse,
    Error as ParseError, Request, Response,
};
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader, ReadHalf, WriteHalf};
use tokio::net::TcpStream;
use tokio::sync::Semaphore;
use tokio_rustls::TlsAcceptor;

/// What every session of one receiver shares.
pub(super) struct Context {
    pub config: SmtpInConfig,
    /// `config.domains`, lower case, without a leading `@`.
    pub domains: Vec<String>,
    pub tls: Option<TlsAcceptor>,
    pub sink: Arc<dyn MailSink>,
    pub connections: Arc<Semaphore>,
    pub timeout: Duration,
}

/// Longest command line, CRLF included (RFC 5321 asks for 512; extensions add parameters).
const MAX_LINE: usize = smtp_proto::request::receiver::MAX_LINE_LENGTH;

/// Runs a session on a fresh connection: plain first, then over TLS if the client asks.
pub(super) async fn run(stream: TcpStream, peer: SocketAddr, context: &Context) -> io::Result<()> {
    let mut plain = Session::new(stream, peer, context, false);
    plain.reply(220, [0, 0, 0], &format!("{} ESMTP Dragoman ready", context.config.hostname));
    let Some(stream) = plain.serve().await? else {
        return Ok(());
    };
    let acceptor = context.tls.as_ref().expect("STARTTLS is offered only when TLS is configured");
    let tls = tokio::time::timeout(context.timeout, acceptor.accept(stream))
        .await
        .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "TLS handshake timed out"))??;
    // RFC 3207: the session starts over; the client greets again and gets no banner.
    Session::new(tls, peer, context, true).serve().await?;
    Ok(())
}

struct Envelope {
    from: String,
    to: Vec<String>,
}

struct Session<'a, S> {
    reader: BufReader<ReadHalf<S>>,
    writer: WriteHalf<S>,
    /// Replies not yet sent.
    out: Vec<u8>,
    context: &'a Context,
    peer: SocketAddr,
    tls: bool,
    helo: Option<String>,
    envelope: Option<Envelope>,
}

/// How the message text of DATA ended.
enum Data {
    Complete(Vec<u8>),
    TooLarge,
}

impl<'a, S: AsyncRead + AsyncWrite + Unpin> Session<'a, S> {
    fn new(stream: S, peer: SocketAddr, context: &'a Context, tls: bool) -> Self {
        let (reader, writer) = tokio::io::split(stream);
        Self { reader: BufReader::new(reader), writer, out: Vec::new(), context, peer, tls, helo: None, envelope: None }
    }

    fn reply(&mut self, code: u16, [class, subject, detail]: [u8; 3], message: &str) {
        Response::new(code, class, subject, detail, message)
            .write(&mut self.out)
            .expect("writing to a Vec cannot fail");
    }

    async fn flush(&mut self) -> io::Result<()> {
        if !self.out.is_empty() {
            self.writer.write_all(&self.out).await?;
            self.writer.flush().await?;
            self.out.clear();
        }
        Ok(())
    }

    /// Serves commands until QUIT or disconnection (`None`), or until the client asked for
    /// STARTTLS: then the connection comes back, with any plaintext it pipelined after the
    /// command thrown away (so nothing sent in the clear can pose as sent over TLS).
    async fn serve(mut self) -> io::Result<Option<S>> {
        while let Some(line) = self.read_line().await? {
            match Request::parse(&mut line.iter()) {
                Ok(Request::Quit) => {
                    self.reply(221, [2, 0, 0], "Bye");
                    break;
                }
                Ok(Request::StartTls) if self.can_start_tls() => {
                    self.reply(220, [2, 0, 0], "Ready to start TLS");
                    self.flush().await?;
                    return Ok(Some(self.reader.into_inner().unsplit(self.writer)));
                }
                Ok(Request::Bdat { .. }) => {
                    // The chunk that follows would be read as commands: end the session instead.
                    self.reply(554, [5, 5, 1], "CHUNKING is not offered; use DATA");
                    break;
                }
                Ok(request) => {
                    if !self.command(request).await? {
                        break;
                    }
                }
                Err(e) => self.refuse(e),
            }
        }
        self.flush().await?;
        Ok(None)
    }

    fn can_start_tls(&self) -> bool {
        self.context.tls.is_some() && !self.tls
    }

    /// Handles one command; `false` ends the session (the client went away during DATA).
    async fn command(&mut self, request: Request<std::borrow::Cow<'_, str>>) -> io::Result<bool> {
        let config = &self.context.config;
        match request {
            Request::Ehlo { host } => {
                self.helo = Some(host.into_owned());
                self.envelope = None;
                let mut ehlo = EhloResponse::new(config.hostname.as_str());
                ehlo.capabilities =
                    EXT_PIPELINING | EXT_SIZE | EXT_8BIT_MIME | EXT_SMTP_UTF8 | EXT_ENHANCED_STATUS_CODES;
                if self.can_start_tls() {
                    ehlo.capabilities |= EXT_START_TLS;
                }
                ehlo.size = config.max_message_bytes;
                ehlo.write(&mut self.out).expect("writing to a Vec cannot fail");
            }
            Request::Helo { host } => {
                self.helo = Some(host.into_owned());
                self.envelope = None;
                let greeting = config.hostname.clone();
                self.reply(250, [0, 0, 0], &greeting);
            }
            Request::Mail { from } => {
                if self.helo.is_none() {
                    self.reply(503, [5, 5, 1], "Send EHLO first");
                } else if self.envelope.is_some() {
                    self.reply(503, [5, 5, 1], "A transaction is already open; send RSET first");
                } else if from.size > config.max_message_bytes {
                    let limit = config.max_message_bytes;
                    self.reply(552, [5, 3, 4], &format!("Message size exceeds the limit of {limit} bytes"));
                } else {
                    self.envelope = Some(Envelope { from: from.address.into_owned(), to: Vec::new() });
                    self.reply(250, [2, 1, 0], "OK");
                }
            }
            Request::Rcpt { to } => self.recipient(to.address.into_owned()),
            Request::Data => return self.data().await,
            Request::Rset => {
                self.envelope = None;
                self.reply(250, [2, 0, 0], "OK");
            }
            Request::Noop { .. } => self.reply(250, [2, 0, 0], "OK"),
            Request::Vrfy { .. } => self.reply(252, [2, 5, 0], "Cannot verify the user; send mail and it is delivered"),
            Request::Help { .. } => self.reply(214, [2, 0, 0], "Commands: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT"),
            Request::StartTls if self.tls => self.reply(503, [5, 5, 1], "TLS is already active"),
            Request::StartTls => self.reply(502, [5, 5, 1], "STARTTLS is not offered: no certificate is configured"),
            other => {
                let name = other.name();
                self.reply(502, [5, 5, 1], &format!("{name} is not implemented"));
            }
        }
        Ok(true)
    }

    fn recipient(&mut self, address: String) {
        let accepted = recipient_accepted(&address, &self.context.domains);
        let max = self.context.config.max_recipients;
        let Some(envelope) = &mut self.envelope else {
            return self.reply(503, [5, 5, 1], "Send MAIL FROM first");
        };
        if !accepted {
            let domains = self.context.domains.join(", ");
            return self.reply(
                550,
                [5, 1, 1],
                &format!("No mailbox here by that name; this server takes mail for {domains}"),
            );
        }
        if envelope.to.len() >= max {
            return self.reply(452, [4, 5, 3], &format!("Too many recipients; at most {max} per message"));
        }
        envelope.to.push(address);
        self.reply(250, [2, 1, 5], "OK");
    }

    async fn data(&mut self) -> io::Result<bool> {
        let Some(envelope) = self.envelope.take_if(|e| !e.to.is_empty()) else {
            let what = if self.envelope.is_some() { "Send RCPT TO first" } else { "Send MAIL FROM first" };
            self.reply(503, [5, 5, 1], what);
            return Ok(true);
        };
        self.reply(354, [0, 0, 0], "Send the message, end with <CRLF>.<CRLF>");
        let data = match self.read_data().await? {
            Some(Data::Complete(data)) => data,
            Some(Data::TooLarge) => {
                let limit = self.context.config.max_message_bytes;
                self.reply(552, [5, 3, 4], &format!("Message size exceeds the limit of {limit} bytes"));
                return Ok(true);
            }
            None => return Ok(false),
        };
        let mut raw = self.trace_lines(&envelope).into_bytes();
        raw.extend_from_slice(&data);
        drop(data);
        match self.context.sink.deliver(ReceivedMail { raw, truncated_from: None }).await {
            Ok(outcome) => {
                let what = if outcome.duplicate { "Already stored as message" } else { "Stored as message" };
                self.reply(250, [2, 0, 0], &format!("{what} {}", outcome.message_id));
            }
            Err(DeliveryError::Temporary(reason)) => {
                tracing::warn!(peer = %self.peer, %reason, "SMTP message not stored; the sender will retry");
                self.reply(451, [4, 3, 0], "Cannot store the message right now; try again later");
            }
            Err(DeliveryError::Refused(reason)) => {
                tracing::warn!(peer = %self.peer, %reason, "SMTP message refused by the store");
                self.reply(554, [5, 6, 0], &format!("Message refused: {}", one_line(&reason)));
            }
        }
        Ok(true)
    }

    /// The trace lines RFC 5321 §4.4 asks a server making the final delivery to add: the
    /// envelope sender as `Return-Path`, and `Received`.
    fn trace_lines(&self, envelope: &Envelope) -> String {
        let helo = self.helo.as_deref().unwrap_or("unknown");
        let protocol = if self.tls { "ESMTPS" } else { "ESMTP" };
        let recipient = match envelope.to.as_slice() {
            [one] => format!(" for <{one}>"),
            _ => String::new(),
        };
        format!(
            "Return-Path: <{}>\r\nReceived: from {} ({})\r\n\tby {} (Dragoman) with {protocol}{recipient};\r\n\t{}\r\n",
            one_line(&envelope.from),
            one_line(helo),
            self.peer.ip(),
            self.context.config.hostname,
            chrono::Utc::now().to_rfc2822()
        )
    }

    /// The next command line, or `None` when the client went away, timed out or sent a line
    /// too long to be a command (the session ends then).
    async fn read_line(&mut self) -> io::Result<Option<Vec<u8>>> {
        if self.reader.buffer().is_empty() {
            self.flush().await?;
        }
        let mut line = Vec::new();
        let mut limited = (&mut self.reader).take(MAX_LINE as u64);
        match tokio::time::timeout(self.context.timeout, limited.read_until(b'\n', &mut line)).await {
            Ok(read) => read?,
            Err(_) => {
                self.timed_out().await?;
                return Ok(None);
            }
        };
        if line.ends_with(b"\n") {
            return Ok(Some(line));
        }
        if line.len() >= MAX_LINE {
            self.reply(500, [5, 5, 2], "Line too long");
            self.flush().await?;
        }
        Ok(None)
    }

    /// The message text after DATA, dot-unstuffed; `None` when the client went away.
    async fn read_data(&mut self) -> io::Result<Option<Data>> {
        self.flush().await?;
        let max = self.context.config.max_message_bytes;
        let mut receiver = DataReceiver::new();
        let mut data = Vec::new();
        let mut too_large = false;
        loop {
            let chunk = match tokio::time::timeout(self.context.timeout, self.reader.fill_buf()).await {
                Ok(chunk) => chunk?,
                Err(_) => {
                    self.timed_out().await?;
                    return Ok(None);
                }
            };
            if chunk.is_empty() {
                return Ok(None);
            }
            let mut bytes = chunk.iter();
            let done = receiver.ingest(&mut bytes, &mut data);
            let used = chunk.len() - bytes.as_slice().len();
            self.reader.consume(used);
            // Past the limit the rest is read and dropped, to answer 552 at the end.
            if data.len() > max {
                too_large = true;
                data.clear();
            }
            if done {
                return Ok(Some(if too_large { Data::TooLarge } else { Data::Complete(data) }));
            }
        }
    }

    async fn timed_out(&mut self) -> io::Result<()> {
        self.reply(421, [4, 4, 2], "Timeout waiting for input; closing the connection");
        self.flush().await
    }

    fn refuse(&mut self, error: ParseError) {
        match error {
            ParseError::UnknownCommand => self.reply(500, [5, 5, 1], "Unknown command"),
            ParseError::InvalidSenderAddress => self.reply(501, [5, 1, 7], "Invalid sender address"),
            ParseError::InvalidRecipientAddress => self.reply(501, [5, 1, 3], "Invalid recipient address"),
            ParseError::SyntaxError { syntax } => self.reply(501, [5, 5, 4], &format!("Syntax: {syntax}")),
            ParseError::InvalidParameter { param } => {
                self.reply(501, [5, 5, 4], &format!("Invalid value for the {param} parameter"))
            }
            ParseError::UnsupportedParameter { param } => {
                self.reply(555, [5, 5, 4], &format!("Unsupported parameter {}", one_line(&param)))
            }
            other => self.reply(500, [5, 5, 2], &format!("Syntax error: {other}")),
        }
    }
}

/// Whether mail for `address` is taken: any address when no domains are configured; else the
/// configured domains, and the bare `postmaster`, which RFC 5321 §4.5.1 says must be accepted.
fn recipient_accepted(address: &str, domains: &[String]) -> bool {
    match address.rsplit_once('@') {
        _ if domains.is_empty() => true,
        Some((_, domain)) => domains.iter().any(|d| d.eq_ignore_ascii_case(domain)),
        None => address.eq_ignore_ascii_case("postmaster"),
    }
}

/// Text from the client or the store, made safe for one reply or header line.
fn one_line(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).take(200).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipients_by_domain() {
        let domains = vec!["lumenhaus-store.com".to_owned()];
        assert!(recipient_accepted("support@Lumenhaus-Store.com", &domains));
        assert!(!recipient_accepted("someone@elsewhere.example", &domains));
        assert!(recipient_accepted("postmaster", &domains));
        assert!(!recipient_accepted("postmaster@elsewhere.example", &domains));
        assert!(recipient_accepted("anyone@anywhere.example", &[]));
    }
}
