//! Mail that a marketplace relays on a buyer's behalf: Amazon's buyer–seller messaging, eBay's
//! member messages, Shopify's contact form. Each arrives from the platform's own address
//! wrapped in the platform's template; the buyer's words and the alias that replies must go
//! to are taken out of it here.
//!
//! Templates change their wording and are localised per storefront, so the rules go by
//! their structure (marker lines, a `Label: value` block, a field list), never by
//! sentences, and an unrecognised template keeps the whole text with a warning.

use super::Mailbox;
use dragoman_core::{Channel, EmailAddress, Marketplace};
use regex::Regex;
use std::sync::LazyLock;

/// Where a mail came from, as far as the addresses tell.
#[derive(Debug)]
pub(crate) struct Origin {
    pub channel: Channel,
    pub marketplace: Option<Marketplace>,
    /// The platform's alias for the buyer, when replies must go through it.
    pub alias: Option<String>,
    pub buyer_name: Option<String>,
}

static AMAZON_RELAY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^marketplace\.amazon\.([a-z]{2,3}(?:\.[a-z]{2})?)$").expect("valid regex"));
static EBAY_MEMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^members\.ebay\.([a-z]{2,3}(?:\.[a-z]{2})?)$").expect("valid regex"));
static EBAY_SITE_LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bhttps?://(?:[a-z0-9-]+\.)*ebay\.([a-z]{2,3}(?:\.[a-z]{2})?)[/:?#\s]").expect("valid regex")
});

fn domain(mailbox: &Mailbox) -> &str {
    mailbox.address.rsplit_once('@').map_or("", |(_, d)| d)
}

/// Recognises the channel from the `From` and `Reply-To` mailboxes; `body` (HTML and text)
/// is searched for the eBay site the member wrote on.
///
/// These are header claims: whether the mail really came from the platform (DKIM, SPF) is
/// the receiving mail server's call.
pub(crate) fn identify(from: Option<&Mailbox>, reply_to: Option<&Mailbox>, body: &str) -> Origin {
    let candidates = || from.into_iter().chain(reply_to);

    if let Some((mailbox, site)) =
        candidates().find_map(|m| AMAZON_RELAY.captures(domain(m)).map(|c| (m, c[1].to_owned())))
    {
        return Origin {
            channel: Channel::Amazon,
            marketplace: Marketplace::parse(&format!("amazon.{site}")).ok(),
            alias: Some(mailbox.address.clone()),
            buyer_name: mailbox.name.as_deref().map(amazon_buyer_name),
        };
    }

    if let Some((mailbox, member_site)) =
        candidates().find_map(|m| EBAY_MEMBER.captures(domain(m)).map(|c| (m, c[1].to_owned())))
    {
        // eBay mails members from one address for all its sites; the links in the mail
        // point to the site the buyer uses.
        let sites: Vec<String> = EBAY_SITE_LINK.captures_iter(body).map(|c| c[1].to_ascii_lowercase()).collect();
        let site = sites
            .iter()
            .find(|s| *s != "com")
            .or(sites.first())
            .cloned()
            .or((member_site != "com").then_some(member_site));
        let marketplace = match site {
            Some(site) => Marketplace::parse(&format!("ebay.{site}")),
            None => Marketplace::parse("ebay"),
        };
        return Origin {
            channel: Channel::Ebay,
            marketplace: marketplace.ok(),
            alias: Some(mailbox.address.clone()),
            buyer_name: mailbox.name.clone(),
        };
    }

    let shopify = from.is_some_and(|m| {
        let d = domain(m);
        d == "shopify.com" || d.ends_with(".shopify.com")
    });
    if shopify {
        // The contact form sets Reply-To to the address the customer typed in.
        let customer = reply_to.filter(|m| !domain(m).ends_with("shopify.com"));
        return Origin {
            channel: Channel::Shopify,
            marketplace: Marketplace::parse("shopify").ok(),
            alias: customer.map(|m| m.address.clone()),
            buyer_name: customer.and_then(|m| m.name.clone()),
        };
    }

    Origin {
        channel: Channel::Email,
        marketplace: None,
        alias: None,
        buyer_name: reply_to.or(from).and_then(|m| m.name.clone()),
    }
}

/// Amazon shows the buyer as "Lena - Amazon Marketplace"; the buyer is "Lena".
fn amazon_buyer_name(display: &str) -> String {
    match display.rsplit_once(" - ") {
        Some((name, platform)) if platform.to_lowercase().contains("amazon") && !name.trim().is_empty() => {
            name.trim().to_owned()
        }
        _ => display.to_owned(),
    }
}

/// The buyer's words taken out of a platform template.
#[derive(Debug)]
pub(crate) struct Extract {
    pub message: String,
    /// The template around the message.
    pub template: String,
    /// An address the template names as the buyer's (Shopify's "Email" field).
    pub contact: Option<String>,
}

/// Takes the buyer's message out of `text` if it has the template of `channel`.
pub(crate) fn extract(channel: Channel, text: &str) -> Option<Extract> {
    let lines: Vec<&str> = text.lines().collect();
    match channel {
        Channel::Amazon => amazon(&lines),
        Channel::Ebay => ebay(&lines),
        Channel::Shopify => shopify_form(&lines),
        Channel::Email | Channel::Chat => None,
    }
}

/// "------------- Begin message -------------" / "----- Beginn der Nachricht -----" /
/// "----- メッセージの開始 -----": dashes, a few words, dashes.
static MARKER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*-{5,}\s*[^-\s][^-]{0,60}?\s*-{5,}\s*$").expect("valid regex"));

/// Amazon puts the buyer's message between two marker lines; above is who wrote, below are
/// the rules for answering and the order.
fn amazon(lines: &[&str]) -> Option<Extract> {
    let begin = lines.iter().position(|l| MARKER.is_match(l))?;
    let end = lines[begin + 1..].iter().position(|l| MARKER.is_match(l)).map_or(lines.len(), |p| begin + 1 + p);
    let template: Vec<&str> = lines[..=begin].iter().chain(lines.get(end..).unwrap_or_default()).copied().collect();
    Some(Extract { message: lines[begin + 1..end].join("\n"), template: template.join("\n"), contact: None })
}

/// eBay's first line names the member and their feedback score: "New message from:
/// m.rossi_1984 (212)", "Nuovo messaggio da: m.rossi_1984 (212 ★)".
static EBAY_HEADER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*[^:]{1,80}:\s*\S+\s*\(\s*-?[\d.,]+[^)]{0,8}\)\s*$").expect("valid regex"));

/// A line of the item block under the message: "Item: …", "Order number: …".
static LABEL_VALUE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\s*[^:\s][^:]{0,40}:\s+\S").expect("valid regex"));

/// The item block always carries an item number or an order number, which a buyer's
/// "PS: …" paragraph does not.
static ITEM_OR_ORDER_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\d{9,}|\b\d{2}-\d{5}-\d{5}\b").expect("valid regex"));

/// eBay: header line, the message, a one-line instruction to reply (which names eBay), then
/// a block of `Label: value` lines about the item and order, then legal footer.
fn ebay(lines: &[&str]) -> Option<Extract> {
    let header = lines.iter().take(15).position(|l| EBAY_HEADER.is_match(l))?;
    let start = header + 1;
    let first_text = (start..lines.len()).find(|&i| !lines[i].trim().is_empty())?;
    let item_block = (first_text + 1..lines.len()).find(|&i| {
        let block: Vec<&str> = lines[i..].iter().take_while(|l| !l.trim().is_empty()).copied().collect();
        lines[i - 1].trim().is_empty()
            && !block.is_empty()
            && block.iter().all(|l| LABEL_VALUE.is_match(l))
            && block.iter().any(|l| ITEM_OR_ORDER_NUMBER.is_match(l))
    });
    let mut end = item_block.unwrap_or(lines.len());
    loop {
        while end > first_text && lines[end - 1].trim().is_empty() {
            end -= 1;
        }
        // The instruction is a paragraph of its own; a buyer's last paragraph rarely is one
        // line naming eBay.
        let single_line_paragraph = end > first_text + 1 && lines[end - 2].trim().is_empty();
        if single_line_paragraph && lines[end - 1].to_lowercase().contains("ebay") {
            end -= 1;
        } else {
            break;
        }
    }
    let template: Vec<&str> = lines[..start].iter().chain(&lines[end..]).copied().collect();
    Some(Extract { message: lines[start..end].join("\n"), template: template.join("\n"), contact: None })
}

/// A field label of the contact form on a line of its own: "Body:", "Phone Number:".
static FORM_LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*([^:：\s][^:：]{0,39}?)\s*[:：]\s*$").expect("valid regex"));

/// Names themes give the message field of a contact form, lower case.
const MESSAGE_FIELDS: &[&str] = &[
    "body",
    "message",
    "comment",
    "comments",
    "your message",
    "nachricht",
    "ihre nachricht",
    "kommentar",
    "mitteilung",
    "commentaire",
    "votre message",
    "mensaje",
    "comentario",
    "mensagem",
    "comentário",
    "messaggio",
    "commento",
    "bericht",
    "opmerking",
    "wiadomość",
    "treść",
    "meddelande",
    "besked",
    "melding",
    "メッセージ",
    "本文",
    "お問い合わせ内容",
    "内容",
    "留言",
    "消息",
    "내용",
    "메시지",
    "문의 내용",
];

/// Shopify lists the contact form's fields as "Label:" lines each followed by the value;
/// the message field runs to the end of the mail.
fn shopify_form(lines: &[&str]) -> Option<Extract> {
    let first = lines.iter().position(|l| FORM_LABEL.is_match(l))?;
    let mut labels = Vec::new();
    let mut i = first;
    while i < lines.len() {
        let Some(caps) = FORM_LABEL.captures(lines[i]) else { break };
        let name = caps[1].trim().to_lowercase();
        let is_message = MESSAGE_FIELDS.contains(&name.as_str());
        labels.push(i);
        if is_message {
            break;
        }
        i += 1;
        while i < lines.len() && !lines[i].trim().is_empty() && !FORM_LABEL.is_match(lines[i]) {
            i += 1;
        }
        while i < lines.len() && lines[i].trim().is_empty() {
            i += 1;
        }
    }
    // Without a known message field the last field is taken: forms end with the message.
    let message_label = *labels.last()?;
    let contact = lines[first..message_label].iter().find_map(|l| EmailAddress::parse(l.trim()).ok()).map(String::from);
    Some(Extract {
        message: lines[message_label + 1..].join("\n"),
        template: lines[..=message_label].join("\n"),
        contact,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mailbox(address: &str, name: Option<&str>) -> Mailbox {
        Mailbox { address: address.to_owned(), name: name.map(str::to_owned) }
    }

    #[test]
    fn amazon_relay_by_domain() {
        let from = mailbox("x8m2v7qd4ktwz9n@marketplace.amazon.co.jp", Some("美咲 - Amazon Marketplace"));
        let origin = identify(Some(&from), None, "");
        assert_eq!(origin.channel, Channel::Amazon);
        assert_eq!(origin.marketplace.as_ref().map(Marketplace::as_str), Some("amazon.co.jp"));
        assert_eq!(origin.alias.as_deref(), Some("x8m2v7qd4ktwz9n@marketplace.amazon.co.jp"));
        assert_eq!(origin.buyer_name.as_deref(), Some("美咲"));
        assert_eq!(origin.marketplace.as_ref().unwrap().language_prior().unwrap().as_str(), "ja");
        for (site, lang) in [
            ("amazon.de", Some("de")),
            ("amazon.com.br", Some("pt")),
            ("amazon.com", Some("en")),
            ("ebay", None),
            ("shopify", None),
            ("amazon.com.be", None),
        ] {
            assert_eq!(
                Marketplace::parse(site).unwrap().language_prior().as_ref().map(dragoman_core::LanguageTag::as_str),
                lang,
                "{site}"
            );
        }
    }

    #[test]
    fn ebay_site_from_links() {
        let from = mailbox("ebay@ebay.com", Some("eBay"));
        let reply = mailbox("buyer.k3v9@members.ebay.com", Some("buyer"));
        let origin = identify(
            Some(&from),
            Some(&reply),
            r#"<img src="https://ir.ebaystatic.com/x.png"><a href="https://pages.ebay.com/help">h</a> <a href="https://www.ebay.it/cnt/x">r</a>"#,
        );
        assert_eq!(origin.channel, Channel::Ebay);
        assert_eq!(origin.marketplace.unwrap().as_str(), "ebay.it");
        assert_eq!(origin.alias.as_deref(), Some("buyer.k3v9@members.ebay.com"));
        let origin = identify(Some(&from), Some(&reply), "no links");
        assert_eq!(origin.marketplace.unwrap().as_str(), "ebay");
        // eBay's own notifications without a member are not member messages.
        assert_eq!(identify(Some(&from), None, "").channel, Channel::Email);
    }

    #[test]
    fn shopify_and_plain_email() {
        let from = mailbox("mailer@shopify.com", Some("Shopify"));
        let reply = mailbox("anna@example.de", Some("Anna"));
        let origin = identify(Some(&from), Some(&reply), "");
        assert_eq!(
            (origin.channel, origin.alias.as_deref(), origin.buyer_name.as_deref()),
            (Channel::Shopify, Some("anna@example.de"), Some("Anna"))
        );
        let origin = identify(Some(&reply), None, "");
        assert_eq!((origin.channel, origin.marketplace, origin.alias), (Channel::Email, None, None));
    }

    #[test]
    fn amazon_template_in_any_language() {
        let text = "Mensaje de cliente de Amazon Pablo (a@marketplace.amazon.es)\n\n------------- Inicio del mensaje -------------\n\nHola,\n\n¿dónde está mi pedido?\n\nPablo\n\n------------- Fin del mensaje -------------\n\nNúmero de pedido 405-1193827-6640218:\n";
        let e = extract(Channel::Amazon, text).unwrap();
        assert_eq!(e.message.trim(), "Hola,\n\n¿dónde está mi pedido?\n\nPablo");
        assert!(e.template.contains("Fin del mensaje") && e.template.contains("Número de pedido"));
        assert!(extract(Channel::Amazon, "no markers at all").is_none());
    }

    #[test]
    fn ebay_template_keeps_multi_paragraph_messages() {
        let text = "New message from: jdoe-42 (1,024 ★)\n\nHi,\n\nPS: colour: black\n\nthe lamp is black, not white.\nI bought it on eBay.de last week.\n\nThanks, John\n\nReply to this message on eBay or reply to this email.\n\nItem: Table lamp – Item number: 296104857213\nOrder number: 04-11287-55310\n\nOnly messages sent through eBay are covered.\n";
        let e = extract(Channel::Ebay, text).unwrap();
        assert_eq!(
            e.message.trim(),
            "Hi,\n\nPS: colour: black\n\nthe lamp is black, not white.\nI bought it on eBay.de last week.\n\nThanks, John"
        );
        assert!(e.template.starts_with("New message from") && e.template.contains("Order number"));
    }

    #[test]
    fn shopify_form_fields() {
        let text = "Sie haben eine neue Nachricht über das Kontaktformular erhalten.\n\nName:\nAnna Berg\n\nE-Mail:\nanna@example.de\n\nNachricht:\nHallo,\nich brauche die Rechnung:\nBitte per Mail.\n";
        let e = extract(Channel::Shopify, text).unwrap();
        assert_eq!(e.message.trim(), "Hallo,\nich brauche die Rechnung:\nBitte per Mail.");
        assert_eq!(e.contact.as_deref(), Some("anna@example.de"));
        // Unknown field names: the last field is the message.
        let text = "Contact form\n\nWho:\nAnna\n\nText:\nWhere is my order?\n";
        assert_eq!(extract(Channel::Shopify, text).unwrap().message.trim(), "Where is my order?");
    }
}
