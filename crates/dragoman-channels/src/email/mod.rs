//! Inbound email: a raw RFC 5322 message as the store's mailbox received it, turned into the
//! buyer's own words plus everything ingest needs to file it.
//!
//! - `decode`: transfer encodings and charsets, leniently, with warnings for what was repaired.
//! - `mime`: which parts are the body and which are attachments.
//! - `marketplace`: Amazon, eBay and Shopify mail: channel, storefront, reply alias, and the
//!   buyer's words taken out of the platform template.
//! - `quotes`: quoted history, forwarded mail and signatures cut from the text.
//!
//! Damaged input is never refused while anything in it is readable: what could not be read
//! is reported in [`ParsedEmail::warnings`] and the agent sees the rest.

mod decode;
mod marketplace;
mod mime;
mod quotes;

use crate::html::{html_to_text, sanitize_html};
use dragoman_core::{
    Channel, EmailAddress, InboundAttachment, InboundMessage, LanguageTag, Marketplace, OrderNumber, OrderNumberKind,
    RawInput, ThreadHints, Timestamp,
};
use mail_parser::{Address, HeaderName, HeaderValue, MessageParser};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// A parsed inbound email.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParsedEmail {
    /// Bare address of `From:`, lower case.
    pub from: Option<String>,
    pub from_name: Option<String>,
    /// Bare address of `Reply-To:`, lower case.
    pub reply_to: Option<String>,
    /// The decoded subject.
    pub subject: Option<String>,
    /// `Message-ID` without angle brackets.
    pub message_id: Option<String>,
    /// `In-Reply-To`, then `References` newest first; without angle brackets, no repeats.
    pub references: Vec<String>,
    pub date: Option<Timestamp>,
    pub channel: Channel,
    /// The storefront: `amazon.de`, `ebay.it`, `ebay` when the site is not visible, `shopify`.
    pub marketplace: Option<Marketplace>,
    /// The language the marketplace's buyers mostly write in, as a prior for detection.
    pub language_hint: Option<LanguageTag>,
    /// Where a reply goes: the Amazon relay alias, the eBay member alias, the address the
    /// buyer typed into a Shopify form, else `Reply-To`, else `From`. Empty only when the mail
    /// names no address at all (with a warning).
    pub buyer_address: String,
    /// The buyer's name as the channel shows it ("Lena", not "Lena - Amazon Marketplace").
    pub buyer_name: Option<String>,
    /// The buyer's own words: no platform template, quoted history or signature; greeting
    /// and sign-off kept.
    pub text: String,
    /// What was cut from `text` (template, history, signature).
    pub quoted: Option<String>,
    /// The HTML body, sanitised.
    pub html: Option<String>,
    /// Order numbers in the subject and the whole body (quoted history included), as
    /// written, in order of first appearance.
    pub order_numbers: Vec<String>,
    /// Attachments and inline images, in document order.
    pub attachments: Vec<InboundAttachment>,
    /// Problems with damaged input, for the agent; the mail was read nonetheless.
    pub warnings: Vec<String>,
}

/// Input that is not an email at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("the input is empty")]
    Empty,
    #[error("the input is not an email: it has no header block and no readable text")]
    NotAnEmail,
}

/// An address with its display name, as `From:` and `Reply-To:` give it.
#[derive(Debug)]
pub(crate) struct Mailbox {
    pub address: String,
    pub name: Option<String>,
}

#[derive(Default)]
struct Headers {
    from: Option<Mailbox>,
    reply_to: Option<Mailbox>,
    subject: Option<String>,
    message_id: Option<String>,
    references: Vec<String>,
    date: Option<Timestamp>,
}

/// Parses a raw RFC 5322 message. Fails only for input with nothing readable in it.
pub fn parse_email(raw: &[u8]) -> Result<ParsedEmail, EmailError> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(EmailError::Empty);
    }
    let raw = raw.strip_prefix(b"\xef\xbb\xbf").unwrap_or(raw);
    let mut warnings = Vec::new();
    // mail-parser reads any first line as a header, which would swallow a text without
    // headers; a header block must open the input and name at least one real header field.
    let message = if starts_with_header_field(raw) { MessageParser::default().parse(raw) } else { None }
        .filter(|m| m.headers().iter().any(|h| !matches!(h.name, HeaderName::Other(_))));
    let Some(message) = message else {
        if !looks_like_text(raw) {
            return Err(EmailError::NotAnEmail);
        }
        warnings.push("no header block: the whole input was read as the message text".to_owned());
        let text = decode::decode_text(raw, None, None, "body", &mut warnings);
        let bodies = mime::Bodies { plain: Some(mime::normalize_newlines(&text)), html: None, attachments: Vec::new() };
        return Ok(assemble(Headers::default(), bodies, warnings));
    };

    let headers = read_headers(&message, &mut warnings);
    let tld = headers.from.as_ref().and_then(|m| country_tld(&m.address));
    let bodies = mime::collect(&message, raw, tld, &mut warnings);
    Ok(assemble(headers, bodies, warnings))
}

fn read_headers(message: &mail_parser::Message<'_>, warnings: &mut Vec<String>) -> Headers {
    let from = mailbox(message.from());
    let reply_to = mailbox(message.reply_to());
    if from.is_none() {
        warnings.push("no sender address: From is missing or unreadable".to_owned());
    }
    for (header, mailbox) in [("From", &from), ("Reply-To", &reply_to)] {
        if let Some(m) = mailbox.as_ref().filter(|m| EmailAddress::parse(&m.address).is_err()) {
            warnings.push(format!("the {header} address {:?} is not a valid email address", m.address));
        }
    }

    let mut references: Vec<String> = Vec::new();
    let ids = |value: &HeaderValue<'_>| -> Vec<String> {
        value
            .as_text_list()
            .unwrap_or_default()
            .iter()
            .map(|id| id.trim().trim_start_matches('<').trim_end_matches('>').to_owned())
            .filter(|id| !id.is_empty())
            .collect()
    };
    for id in ids(message.in_reply_to()).into_iter().chain(ids(message.references()).into_iter().rev()) {
        if !references.contains(&id) {
            references.push(id);
        }
    }

    let date =
        message.date().filter(|d| d.is_valid()).map(|d| Timestamp::from_millis(d.to_timestamp().saturating_mul(1000)));
    if date.is_none() && message.header_raw("Date").is_some() {
        warnings.push("the Date header could not be read".to_owned());
    }

    let subject = message.subject().map(|s| s.trim().to_owned());
    let names = [("Subject", subject.as_deref()), ("From", from.as_ref().and_then(|m| m.name.as_deref()))];
    for (header, value) in names {
        if value.is_some_and(|v| v.contains('\u{fffd}')) {
            warnings.push(format!("the {header} header contains bytes that could not be decoded"));
        }
    }

    Headers {
        from,
        reply_to,
        subject,
        message_id: message.message_id().map(|id| id.trim().to_owned()).filter(|id| !id.is_empty()),
        references,
        date,
    }
}

fn assemble(headers: Headers, bodies: mime::Bodies, mut warnings: Vec<String>) -> ParsedEmail {
    let html_text = bodies.html.as_deref().map(html_to_text);
    let plain = bodies.plain.filter(|p| !p.trim().is_empty());
    if plain.is_none() && html_text.is_none() && bodies.attachments.is_empty() {
        warnings.push("the message has no body".to_owned());
    }
    let source = plain.clone().or_else(|| html_text.clone()).unwrap_or_default();

    let searched = [bodies.html.as_deref(), plain.as_deref()].into_iter().flatten().collect::<Vec<_>>().join("\n");
    let origin = marketplace::identify(headers.from.as_ref(), headers.reply_to.as_ref(), &searched);

    let (message, template, contact) = match marketplace::extract(origin.channel, &source) {
        Some(e) => (e.message, Some(e.template), e.contact),
        None => {
            if origin.channel != Channel::Email {
                warnings.push(format!("the {} template was not recognised; kept the whole text", origin.channel));
            }
            (source, None, None)
        }
    };
    let split = quotes::split(&message);
    let (text, cut) = if split.own.is_empty() && !split.cut.is_empty() {
        warnings.push("no text of the sender's own above the quoted history; kept all of it".to_owned());
        (split.cut, String::new())
    } else {
        (split.own, split.cut)
    };
    let quoted = [template.unwrap_or_default().trim(), cut.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n");

    let buyer_address = origin
        .alias
        .or(contact)
        .or_else(|| headers.reply_to.as_ref().map(|m| m.address.clone()))
        .or_else(|| headers.from.as_ref().map(|m| m.address.clone()))
        .unwrap_or_default();
    if buyer_address.is_empty() && !warnings.iter().any(|w| w.starts_with("no sender address")) {
        warnings.push("no sender address: a reply has nowhere to go".to_owned());
    }

    let scanned = [headers.subject.as_deref(), plain.as_deref(), html_text.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("\n");
    let order_numbers = OrderNumber::find_all(&scanned).into_iter().map(|o| o.text).collect();

    ParsedEmail {
        from: headers.from.as_ref().map(|m| m.address.clone()),
        from_name: headers.from.and_then(|m| m.name),
        reply_to: headers.reply_to.map(|m| m.address),
        subject: headers.subject,
        message_id: headers.message_id,
        references: headers.references,
        date: headers.date,
        channel: origin.channel,
        language_hint: origin.marketplace.as_ref().and_then(Marketplace::language_prior),
        marketplace: origin.marketplace,
        buyer_address,
        buyer_name: origin.buyer_name,
        text,
        quoted: (!quoted.is_empty()).then_some(quoted),
        html: bodies.html.as_deref().map(sanitize_html),
        order_numbers,
        attachments: bodies.attachments,
        warnings,
    }
}

impl ParsedEmail {
    /// The normalised message for ingest; `raw` is the input given to [`parse_email`].
    ///
    /// Amazon and eBay conversations are keyed by the buyer's alias and the order number
    /// (`alias|order`, or the alias alone when the mail names no order of that platform),
    /// because the platforms do not keep `References` across messages; plain email threads
    /// by `Message-ID` and `References`.
    pub fn into_inbound(self, raw: Vec<u8>) -> InboundMessage {
        let external_id =
            self.message_id.clone().unwrap_or_else(|| format!("sha256:{}", hex::encode(Sha256::digest(&raw))));
        let order_kind = match self.channel {
            Channel::Amazon => Some(OrderNumberKind::Amazon),
            Channel::Ebay => Some(OrderNumberKind::Ebay),
            Channel::Email | Channel::Shopify | Channel::Chat => None,
        };
        let thread_key = order_kind.map(|kind| {
            let order =
                self.order_numbers.iter().find(|n| OrderNumber::find_all(n).first().is_some_and(|o| o.kind == kind));
            match order {
                Some(order) => format!("{}|{order}", self.buyer_address),
                None => self.buyer_address.clone(),
            }
        });
        InboundMessage {
            channel: self.channel,
            marketplace: self.marketplace,
            external_id,
            thread: ThreadHints { thread_key, rfc_message_id: self.message_id, references: self.references },
            sender: self.buyer_address,
            sender_name: self.buyer_name,
            subject: self.subject,
            body_text: self.text,
            quoted_text: self.quoted,
            body_html: self.html,
            language_hint: self.language_hint,
            order_numbers: self.order_numbers,
            attachments: self.attachments,
            warnings: self.warnings,
            sent_at: self.date,
            raw: Some(RawInput { media_type: "message/rfc822".to_owned(), bytes: raw }),
        }
    }
}

fn mailbox(address: Option<&Address<'_>>) -> Option<Mailbox> {
    let addr = address?.first()?;
    let bare = addr.address()?.trim().trim_start_matches('<').trim_end_matches('>').to_lowercase();
    (!bare.is_empty()).then(|| Mailbox {
        address: bare,
        name: addr.name().map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned),
    })
}

/// The country code of an address's domain (`web.de` → `de`), which tells the charset
/// detector which legacy encodings are likely.
fn country_tld(address: &str) -> Option<&str> {
    let tld = address.rsplit('.').next()?;
    (tld.len() == 2 && tld.bytes().all(|b| b.is_ascii_lowercase())).then_some(tld)
}

/// Whether the input opens with a header field (or an mbox `From ` line).
fn starts_with_header_field(raw: &[u8]) -> bool {
    if raw.starts_with(b"From ") {
        return true;
    }
    let name_len = raw.iter().take_while(|&&b| (b'!'..=b'~').contains(&b) && b != b':').count();
    let rest = raw[name_len..].iter().skip_while(|&&b| b == b' ' || b == b'\t');
    name_len > 0 && rest.into_iter().next() == Some(&b':')
}

/// Text has no NUL bytes and hardly any control characters (ESC is part of ISO-2022-JP).
fn looks_like_text(raw: &[u8]) -> bool {
    let control = raw.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b)).count();
    !raw.contains(&0) && control * 100 <= raw.len()
}

#[cfg(test)]
mod tests;
