//! Amazon's buyer–seller messaging: what a seller's reply through the relay may contain.
//!
//! Buyers write from an alias `…@marketplace.amazon.<tld>`; the email adapter
//! ([`crate::email`]) already files such mail as an Amazon conversation keyed by alias and order
//! number, with the marketplace (and so a language prior) from the TLD. Replies go back to the
//! alias from an address the seller approved in Seller Central, and Amazon blocks (or holds
//! against the seller) messages with links outside Amazon, email addresses, or attachments it
//! does not take. [`check_reply`] applies those rules before a reply is queued, so the agent
//! learns what to change instead of the buyer never getting the answer.

use regex::Regex;
use std::fmt;
use std::sync::LazyLock;

/// The most Amazon's relay takes in attachments per message, all files together.
pub const MAX_ATTACHMENT_BYTES: u64 = 10 * 1024 * 1024;

/// File types the relay delivers (by extension, lower case).
pub const ATTACHMENT_TYPES: &[&str] = &["pdf", "jpg", "jpeg", "png", "gif", "txt", "doc", "docx"];

/// A file meant to go with a reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingAttachment {
    pub filename: String,
    pub size: u64,
}

/// One thing in a reply Amazon does not allow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Violation {
    /// A link to a site other than Amazon.
    ExternalLink(String),
    EmailAddress(String),
    AttachmentType(String),
    AttachmentsTooLarge {
        total: u64,
    },
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Violation::ExternalLink(link) => {
                write!(f, "remove the link {link} (Amazon allows links to Amazon only; give a tracking number as text)")
            }
            Violation::EmailAddress(address) => {
                write!(f, "remove the email address {address} (Amazon does not allow email addresses in messages)")
            }
            Violation::AttachmentType(name) => {
                write!(
                    f,
                    "the attachment {name} is of a type Amazon does not deliver (use {})",
                    ATTACHMENT_TYPES.join(", ")
                )
            }
            Violation::AttachmentsTooLarge { total } => write!(
                f,
                "the attachments add up to {:.1} MB; Amazon takes at most {} MB per message",
                *total as f64 / (1024.0 * 1024.0),
                MAX_ATTACHMENT_BYTES / (1024 * 1024)
            ),
        }
    }
}

/// Everything wrong with a reply, said so an agent can fix it in one go.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Amazon would not deliver this reply: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct RuleViolations(pub Vec<Violation>);

/// `http(s)://…` or `www.…`, up to whitespace or a closing bracket or quote.
static LINK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?i)\b(?:https?://|www\.)[^\s<>"'()\[\]{}]+"#).expect("valid regex"));
static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}\b").expect("valid regex")
});

/// Amazon's own sites and short links: `amazon.de`, `www.amazon.co.jp`, `amzn.eu`, `a.co`.
fn is_amazon_host(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    let labels: Vec<&str> = host.split('.').collect();
    let brand = |name: &str| {
        labels.iter().position(|l| *l == name).is_some_and(|i| match &labels[i + 1..] {
            [tld] => tld.len() <= 3,
            [second, tld] => matches!(*second, "co" | "com") && tld.len() == 2,
            _ => false,
        })
    };
    brand("amazon") || brand("amzn") || host == "a.co"
}

fn link_host(link: &str) -> &str {
    let rest = link.split_once("://").map_or(link, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    host.split(':').next().unwrap_or(host)
}

/// What in `body` and `attachments` Amazon does not allow, in order of appearance; empty when
/// the reply may go.
pub fn check_reply(body: &str, attachments: &[OutgoingAttachment]) -> Result<(), RuleViolations> {
    let mut found = Vec::new();
    for m in LINK.find_iter(body) {
        // Sentence punctuation after a link is not part of it.
        let link = m.as_str().trim_end_matches(['.', ',', ';', ':', '!', '?']);
        if !is_amazon_host(link_host(link)) {
            found.push(Violation::ExternalLink(link.to_owned()));
        }
    }
    for m in EMAIL.find_iter(body) {
        // `user@host` inside a link is the link's problem, already reported.
        let in_link = LINK.find_iter(body).any(|l| l.start() <= m.start() && m.end() <= l.end());
        if !in_link {
            found.push(Violation::EmailAddress(m.as_str().to_owned()));
        }
    }
    for a in attachments {
        let extension = a.filename.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
        if !ATTACHMENT_TYPES.contains(&extension.as_str()) {
            found.push(Violation::AttachmentType(a.filename.clone()));
        }
    }
    let total: u64 = attachments.iter().map(|a| a.size).sum();
    if total > MAX_ATTACHMENT_BYTES {
        found.push(Violation::AttachmentsTooLarge { total });
    }
    if found.is_empty() { Ok(()) } else { Err(RuleViolations(found)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn violations(body: &str) -> Vec<Violation> {
        check_reply(body, &[]).err().map(|e| e.0).unwrap_or_default()
    }

    #[test]
    fn plain_answers_pass() {
        assert_eq!(check_reply("Ihr Paket ist unterwegs: DHL 00340434161094042557. Viele Grüße", &[]), Ok(()));
        assert_eq!(check_reply("ご注文 250-1234567-1234567 は発送済みです。", &[]), Ok(()));
    }

    #[test]
    fn links_outside_amazon_are_named() {
        let body = "Tracking: https://www.dhl.de/de/privatkunden.html?piececode=1234. Or see www.our-shop.example!\n\
                    Your order: https://www.amazon.de/gp/your-account/order-details?orderID=1 and https://amzn.eu/d/abc";
        assert_eq!(
            violations(body),
            [
                Violation::ExternalLink("https://www.dhl.de/de/privatkunden.html?piececode=1234".into()),
                Violation::ExternalLink("www.our-shop.example".into()),
            ]
        );
        assert_eq!(
            violations("http://amazon.evil.example/x"),
            [Violation::ExternalLink("http://amazon.evil.example/x".into())]
        );
        assert_eq!(violations("https://sellercentral.amazon.co.jp/help"), []);
        assert_eq!(
            violations("https://amazon.evil.co/x"),
            [Violation::ExternalLink("https://amazon.evil.co/x".into())]
        );
    }

    #[test]
    fn email_addresses_are_named() {
        let body = "Schreiben Sie an service@lumenhaus.example oder an kundendienst@müller-licht.de.";
        assert_eq!(
            violations(body),
            [
                Violation::EmailAddress("service@lumenhaus.example".into()),
                Violation::EmailAddress("kundendienst@müller-licht.de".into()),
            ]
        );
        let message = check_reply(body, &[]).unwrap_err().to_string();
        assert!(message.contains("service@lumenhaus.example") && message.contains("kundendienst@"), "{message}");
    }

    #[test]
    fn attachments_are_checked() {
        let files = [
            OutgoingAttachment { filename: "Rechnung.PDF".into(), size: 6 * 1024 * 1024 },
            OutgoingAttachment { filename: "setup.exe".into(), size: 5 * 1024 * 1024 },
        ];
        assert_eq!(
            check_reply("Anbei die Rechnung.", &files).unwrap_err().0,
            [Violation::AttachmentType("setup.exe".into()), Violation::AttachmentsTooLarge { total: 11 * 1024 * 1024 }]
        );
        assert_eq!(check_reply("Anbei.", &files[..1]), Ok(()));
    }
}
