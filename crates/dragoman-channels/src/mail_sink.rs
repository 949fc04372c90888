//! Where the SMTP receiver ([`crate::smtp_in`]) and the IMAP poller ([`crate::imap`]) hand each
//! email they receive, and how a received email becomes an inbound message.
//!
//! Both adapters acknowledge an email (SMTP 250, the IMAP UID recorded as read) only after
//! [`MailSink::deliver`] returned `Ok`, which the server's sink does after the ingest
//! transaction committed. Nothing received is thrown away: input the email parser cannot read
//! at all is kept as a message with a warning and its raw bytes, for an agent to look at.

use crate::email::{EmailError, ParsedEmail, parse_email};
use async_trait::async_trait;
use dragoman_core::{Channel, InboundMessage};
use dragoman_store::IngestOutcome;

/// One email as an adapter received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedMail {
    /// The RFC 5322 bytes (for an SMTP delivery, with the receiver's `Return-Path:` and `Received:` lines on top).
    pub raw: Vec<u8>,
    /// Set when `raw` is only the start of a larger email (one over the IMAP size limit): the
    /// full size in bytes.
    pub truncated_from: Option<u64>,
}

/// Why an email was not stored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeliveryError {
    /// The store cannot take it now (database unreachable, busy): worth trying again later.
    #[error("temporarily unable to store the email: {0}")]
    Temporary(String),
    /// The store refused this email; trying the same bytes again will not help.
    #[error("the email was refused: {0}")]
    Refused(String),
}

/// Stores received email. Implemented by the server over its ingest path.
#[async_trait]
pub trait MailSink: Send + Sync + 'static {
    /// Returns only after the email is committed (or was already stored).
    async fn deliver(&self, mail: ReceivedMail) -> Result<IngestOutcome, DeliveryError>;
}

/// The inbound message for a received email: parsed leniently, or, when the input is not
/// readable as an email at all, an empty message whose warning says so and whose raw bytes
/// are kept. An email cut short (see [`ReceivedMail::truncated_from`]) keeps its text but not
/// its attachments, which the cut may have damaged.
pub fn inbound_message(mail: ReceivedMail) -> InboundMessage {
    let ReceivedMail { raw, truncated_from } = mail;
    let mut parsed = parse_email(&raw).unwrap_or_else(unreadable);
    if let Some(full_size) = truncated_from {
        let dropped: Vec<String> = parsed.attachments.drain(..).map(|a| format!("{:?}", a.filename)).collect();
        parsed.warnings.push(format!(
            "this email is {full_size} bytes, over the size limit: only its first {} bytes were fetched{}; \
             the whole email is still in the mailbox",
            raw.len(),
            if dropped.is_empty() {
                String::new()
            } else {
                format!(" and its attachments ({}) were not kept", dropped.join(", "))
            }
        ));
    }
    parsed.into_inbound(raw)
}

/// An email with nothing readable in it, kept as an empty message from nobody.
fn unreadable(error: EmailError) -> ParsedEmail {
    ParsedEmail {
        from: None,
        from_name: None,
        reply_to: None,
        subject: None,
        message_id: None,
        references: Vec::new(),
        date: None,
        channel: Channel::Email,
        marketplace: None,
        language_hint: None,
        buyer_address: String::new(),
        buyer_name: None,
        text: String::new(),
        quoted: None,
        html: None,
        order_numbers: Vec::new(),
        attachments: Vec::new(),
        warnings: vec![format!("this email could not be read ({error}); its raw bytes are kept as received")],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreadable_input_is_kept_with_a_warning() {
        let raw = b"\x00\x01\x02binary\x00junk".to_vec();
        let message = inbound_message(ReceivedMail { raw: raw.clone(), truncated_from: None });
        assert_eq!(message.channel, Channel::Email);
        assert!(message.external_id.starts_with("sha256:"), "{}", message.external_id);
        assert!(message.warnings[0].contains("could not be read"), "{:?}", message.warnings);
        assert_eq!(message.raw.unwrap().bytes, raw);
    }

    #[test]
    fn a_truncated_email_keeps_its_text_but_not_its_attachments() {
        let raw = b"From: Lena <lena@example.de>\r\nMessage-ID: <big@example.de>\r\nSubject: Fotos\r\n\
            Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n\
            Das Paket ist kaputt.\r\n--b\r\nContent-Type: image/jpeg; name=a.jpg\r\n\
            Content-Disposition: attachment; filename=a.jpg\r\nContent-Transfer-Encoding: base64\r\n\r\n/9j/4AAQ"
            .to_vec();
        let message = inbound_message(ReceivedMail { raw, truncated_from: Some(31_457_280) });
        assert_eq!(message.external_id, "big@example.de");
        assert!(message.body_text.contains("Das Paket ist kaputt."), "{}", message.body_text);
        assert!(message.attachments.is_empty());
        let warning = message.warnings.last().unwrap();
        assert!(warning.contains("31457280 bytes") && warning.contains("\"a.jpg\""), "{warning}");
    }
}
