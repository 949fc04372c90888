//! The shared email fixtures (`shared/data/emails`): every raw mail parses to its expected
//! `.json`.

use dragoman_channels::email::parse_email;
use serde_json::Value;
use std::path::PathBuf;

fn fixtures_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/emails"))
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn every_fixture_parses_as_expected() {
    let mut emails: Vec<PathBuf> = std::fs::read_dir(fixtures_dir())
        .expect("shared/data/emails is next to the project")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    emails.sort();
    assert_eq!(emails.len(), 12, "{emails:?}");

    let mut failures = Vec::new();
    for path in &emails {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let raw = std::fs::read(path).unwrap();
        let expected: Value =
            serde_json::from_str(&std::fs::read_to_string(path.with_extension("json")).unwrap()).unwrap();
        let parsed = parse_email(&raw).unwrap_or_else(|e| panic!("{name}: {e}"));

        let mut check = |field: &str, got: Value, want: &Value| {
            if &got != want {
                failures.push(format!("{name}: {field}\n   got  {got}\n   want {want}"));
            }
        };
        check("from", parsed.from.clone().into(), &expected["from"]);
        check("reply_to", parsed.reply_to.clone().into(), &expected["reply_to"]);
        check("subject", parsed.subject.clone().into(), &expected["subject"]);
        check("channel", parsed.channel.as_str().into(), &expected["channel"]);
        check("order_ids", parsed.order_numbers.clone().into(), &expected["order_ids"]);
        check("text", collapse(&parsed.text).into(), &collapse(expected["text"].as_str().unwrap()).into());

        // The buyer's own words, as extracted, are what language detection sees.
        check("lang", dragoman_lang::detect(&parsed.text).language.as_str().into(), &expected["lang"]);
        assert!(parsed.warnings.is_empty(), "{name}: intact mail has warnings {:?}", parsed.warnings);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn marketplace_details_of_the_fixtures() {
    let parse = |name: &str| parse_email(&std::fs::read(fixtures_dir().join(name)).unwrap()).unwrap();

    let de = parse("01_amazon_de_qp.eml");
    assert_eq!(de.marketplace.as_ref().unwrap().as_str(), "amazon.de");
    assert_eq!(de.language_hint.as_ref().unwrap().as_str(), "de");
    assert_eq!(de.buyer_address, "3kq9wz7v1mxt4bd@marketplace.amazon.de");
    assert_eq!(de.buyer_name.as_deref(), Some("Lena"));
    assert!(de.quoted.as_deref().unwrap().contains("Ende der Nachricht"));
    let inbound = de.into_inbound(std::fs::read(fixtures_dir().join("01_amazon_de_qp.eml")).unwrap());
    assert_eq!(inbound.thread.thread_key.as_deref(), Some("3kq9wz7v1mxt4bd@marketplace.amazon.de|302-5518290-6612047"));
    assert_eq!(
        inbound.external_id,
        "0102018fe1b2c3d4-5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9-000000@eu-west-1.amazonses.com"
    );
    assert_eq!(inbound.raw.as_ref().unwrap().media_type, "message/rfc822");
    assert_eq!(inbound.sent_at.unwrap().to_rfc3339(), "2024-06-04T08:12:15.000Z");

    let jp = parse("02_amazon_jp_iso2022jp.eml");
    assert_eq!(jp.marketplace.as_ref().unwrap().as_str(), "amazon.co.jp");
    assert_eq!(jp.language_hint.as_ref().unwrap().as_str(), "ja");
    assert_eq!(jp.from_name.as_deref(), Some("美咲 - Amazon Marketplace"));

    let com = parse("03_amazon_com_photo.eml");
    assert_eq!(com.language_hint.as_ref().unwrap().as_str(), "en");
    assert_eq!(com.attachments.len(), 1);
    assert_eq!(com.attachments[0].filename, "IMG_2047.jpg");
    assert_eq!(com.attachments[0].content_type, "image/jpeg");
    assert!(com.attachments[0].data.starts_with(&[0xff, 0xd8, 0xff]));

    let ebay = parse("04_ebay_member_message.eml");
    assert_eq!(ebay.marketplace.as_ref().unwrap().as_str(), "ebay.it");
    assert_eq!(ebay.language_hint.as_ref().unwrap().as_str(), "it");
    assert_eq!(ebay.buyer_address, "m.rossi_1984.k3v9@members.ebay.com");
    let html = ebay.html.clone().unwrap();
    assert!(!html.contains("<img") && !html.contains("style="), "{html}");
    let inbound = ebay.into_inbound(Vec::new());
    assert_eq!(inbound.thread.thread_key.as_deref(), Some("m.rossi_1984.k3v9@members.ebay.com|04-11287-55310"));

    let shopify = parse("05_shopify_contact_form.eml");
    assert_eq!(shopify.marketplace.as_ref().unwrap().as_str(), "shopify");
    assert_eq!(shopify.language_hint, None);
    assert_eq!(shopify.buyer_address, "camille.dubois@orange.fr");
    assert_eq!(shopify.buyer_name.as_deref(), Some("Camille Dubois"));
    assert_eq!(shopify.into_inbound(Vec::new()).thread.thread_key, None);

    let gmail = parse("06_gmail_reply_on_wrote.eml");
    assert_eq!(gmail.buyer_address, "rachel.nguyen.au@gmail.com");
    assert_eq!(gmail.references, ["20240527080412.4F2A1C0331@mail.lumenhaus-store.com"]);
    assert!(gmail.quoted.as_deref().unwrap().contains("> Good news"));
    assert_eq!(gmail.marketplace, None);
    assert_eq!(gmail.language_hint, None);

    let webde = parse("07_webde_am_schrieb_signature.eml");
    let quoted = webde.quoted.unwrap();
    assert!(quoted.starts_with("--\nDieter Kowalski") && quoted.contains("Am 21.05.2024"), "{quoted}");

    let html_only = parse("09_html_only_script.eml");
    let html = html_only.html.unwrap();
    for banned in ["<script", "alert", "onload", "<img", "mailtrack", "style", "evil"] {
        assert!(!html.contains(banned), "{banned} in {html}");
    }
    assert!(!html_only.text.contains("alert") && !html_only.text.contains("document"));

    let korean = parse("11_korean_encoded_subject.eml");
    assert_eq!(korean.from_name.as_deref(), Some("박민지"));
    assert_eq!(korean.quoted.as_deref(), Some("iPhone에서 보냄"));

    let pt = parse("12_gmail_ptbr_reply_shopify_confirmation.eml");
    assert_eq!(pt.channel.as_str(), "email");
    assert!(pt.quoted.unwrap().contains("PEDIDO #LH-10433"));
}

/// A mail cut off anywhere (a dropped connection, a full disk) still parses, and whatever
/// of the buyer's text arrived is kept.
#[test]
fn fixtures_cut_short_anywhere_still_parse() {
    for entry in std::fs::read_dir(fixtures_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "eml") {
            continue;
        }
        let raw = std::fs::read(&path).unwrap();
        for cut in (1..raw.len()).step_by(23) {
            let truncated = &raw[..cut];
            match parse_email(truncated) {
                Ok(parsed) => {
                    let _ = parsed.into_inbound(truncated.to_vec());
                }
                Err(e) => panic!("{} cut at {cut}: {e}", path.display()),
            }
        }
    }
}
