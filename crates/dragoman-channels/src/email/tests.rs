//! Hand-made mails, most of them damaged: everything readable is kept, and each repair is
//! reported.

use super::*;

fn mail(headers: &str, body: &[u8]) -> Vec<u8> {
    let mut raw = headers.replace('\n', "\r\n").into_bytes();
    raw.extend_from_slice(b"\r\n");
    raw.extend_from_slice(body);
    raw
}

fn has_warning(parsed: &ParsedEmail, needle: &str) -> bool {
    parsed.warnings.iter().any(|w| w.contains(needle))
}

#[test]
fn not_an_email() {
    assert_eq!(parse_email(b""), Err(EmailError::Empty));
    assert_eq!(parse_email(b" \r\n\t"), Err(EmailError::Empty));
    assert_eq!(parse_email(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"), Err(EmailError::NotAnEmail));
}

#[test]
fn headerless_text_is_kept_as_the_body() {
    let parsed = parse_email(b"hello, where is order 302-5518290-6612047?\n").unwrap();
    assert_eq!(parsed.text, "hello, where is order 302-5518290-6612047?");
    assert_eq!(parsed.order_numbers, ["302-5518290-6612047"]);
    assert!(has_warning(&parsed, "no header block"), "{:?}", parsed.warnings);
    assert!(has_warning(&parsed, "no sender address"), "{:?}", parsed.warnings);
    assert_eq!(parsed.buyer_address, "");
}

#[test]
fn text_whose_first_line_looks_like_a_header_is_not_swallowed() {
    let parsed = parse_email(b"Hi: I have a question.\nWhere is my order?\n").unwrap();
    assert_eq!(parsed.text, "Hi: I have a question.\nWhere is my order?");
    assert!(has_warning(&parsed, "no header block"), "{:?}", parsed.warnings);
}

#[test]
fn mbox_from_line_bom_and_invalid_addresses() {
    let raw = b"\xef\xbb\xbfFrom MAILER-DAEMON Mon Jun  3 09:00:00 2024\r\nFrom: Anna <anna at example.de>\r\nSubject: hi\r\n\r\nHallo";
    let parsed = parse_email(raw).unwrap();
    assert_eq!(parsed.subject.as_deref(), Some("hi"));
    assert_eq!(parsed.text, "Hallo");
    assert!(has_warning(&parsed, "not a valid email address"), "{:?}", parsed.warnings);
}

#[test]
fn headers_without_a_body() {
    let parsed = parse_email(b"From: Anna <Anna@Example.DE>\r\nSubject: Bestellung #LH-10001\r\n").unwrap();
    assert_eq!(parsed.from.as_deref(), Some("anna@example.de"));
    assert_eq!(parsed.text, "");
    assert_eq!(parsed.order_numbers, ["#LH-10001"]);
    assert!(has_warning(&parsed, "no body"), "{:?}", parsed.warnings);
}

#[test]
fn truncated_multipart_keeps_its_readable_parts() {
    let raw = mail(
        "From: a@example.de\nSubject: Foto\nContent-Type: multipart/mixed; boundary=\"XX\"\n",
        b"--XX\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nDer Fu\xc3\x9f ist gebrochen.\r\n\
          --XX\r\nContent-Type: image/jpeg\r\nContent-Transfer-Encoding: base64\r\n\
          Content-Disposition: attachment; filename=\"fuss.jpg\"\r\n\r\n/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAAgGBgcGBQgH",
    );
    let parsed = parse_email(&raw).unwrap();
    assert_eq!(parsed.text, "Der Fuß ist gebrochen.");
    assert_eq!(parsed.attachments.len(), 1);
    assert_eq!(parsed.attachments[0].filename, "fuss.jpg");
    assert!(parsed.attachments[0].data.starts_with(&[0xff, 0xd8, 0xff, 0xe0]));
    assert!(has_warning(&parsed, "no closing boundary"), "{:?}", parsed.warnings);
}

#[test]
fn truncated_mid_part_keeps_the_text_read_so_far() {
    let raw = mail(
        "From: a@example.de\nContent-Type: multipart/alternative; boundary=b1\n",
        b"--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n\
          Guten Tag,\r\nwo bleibt mein Paket? Ich warte seit zwei Woc",
    );
    let parsed = parse_email(&raw).unwrap();
    assert_eq!(parsed.text, "Guten Tag,\nwo bleibt mein Paket? Ich warte seit zwei Woc");
    assert!(has_warning(&parsed, "no closing boundary"), "{:?}", parsed.warnings);
}

#[test]
fn unknown_charset_falls_back_to_detection() {
    let raw = mail(
        "From: a@example.es\nContent-Type: text/plain; charset=x-mac-unknown\n",
        b"\xbfMe pueden enviar la etiqueta de devoluci\xf3n? Pagu\xe9 69,90 \x80.",
    );
    let parsed = parse_email(&raw).unwrap();
    assert_eq!(parsed.text, "¿Me pueden enviar la etiqueta de devolución? Pagué 69,90 €.");
    assert!(has_warning(&parsed, "unknown charset \"x-mac-unknown\""), "{:?}", parsed.warnings);
}

#[test]
fn wrong_charset_is_detected() {
    // Windows-1252 bytes declared as UTF-8: the whole text is in another charset.
    let raw = mail(
        "From: a@example.de\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n",
        b"Sehr geehrte Damen und Herren, die Gr\xf6\xdfe passt nicht. Mit freundlichen Gr\xfc\xdfen",
    );
    let parsed = parse_email(&raw).unwrap();
    assert_eq!(parsed.text, "Sehr geehrte Damen und Herren, die Größe passt nicht. Mit freundlichen Grüßen");
    assert!(has_warning(&parsed, "declared UTF-8 but is not"), "{:?}", parsed.warnings);

    // UTF-8 declared as ISO-8859-1.
    let raw = mail("From: a@example.de\nContent-Type: text/plain; charset=iso-8859-1\n", "Größe".as_bytes());
    let parsed = parse_email(&raw).unwrap();
    assert_eq!(parsed.text, "Größe");
    assert!(has_warning(&parsed, "is UTF-8"), "{:?}", parsed.warnings);
}

#[test]
fn invalid_utf8_gets_a_warning() {
    let raw = mail(
        "From: a@example.de\nContent-Type: text/plain; charset=UTF-8\n",
        b"Die Lampe f\xc3\xbcr 49,99 \xe2\x82 ist kaputt.",
    );
    let parsed = parse_email(&raw).unwrap();
    assert_eq!(parsed.text, "Die Lampe für 49,99 \u{fffd} ist kaputt.");
    assert!(has_warning(&parsed, "invalid byte sequences"), "{:?}", parsed.warnings);
}

#[test]
fn invalid_base64_keeps_what_decodes() {
    let raw = mail(
        "From: a@example.de\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n",
        b"SGFsbG8sIHdvIGlzdCBt!!ZWluIFBha2V0Pw==\r\n",
    );
    let parsed = parse_email(&raw).unwrap();
    assert_eq!(parsed.text, "Hallo, wo ist mein Paket?");
    assert!(has_warning(&parsed, "invalid base64 (2 stray characters skipped)"), "{:?}", parsed.warnings);
}

#[test]
fn html_body_with_broken_base64_stays_the_body() {
    let raw = mail(
        "From: a@example.nl\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: base64\n",
        // "<p>Hallo,</p><p>de lamp is kapot.</p>" with a stray character and cut short.
        b"PHA+SGFsbG8sPC9wPjxwPmRl*IGxhbXAgaXMga2Fwb3QuPC9wPg",
    );
    let parsed = parse_email(&raw).unwrap();
    assert_eq!(parsed.text, "Hallo,\n\nde lamp is kapot.");
    assert_eq!(parsed.html.as_deref(), Some("<p>Hallo,</p><p>de lamp is kapot.</p>"));
    assert!(has_warning(&parsed, "invalid base64"), "{:?}", parsed.warnings);
    assert!(has_warning(&parsed, "truncated"), "{:?}", parsed.warnings);
}

#[test]
fn hostile_html_only_mail() {
    let raw = mail(
        "From: x@example.com\nContent-Type: text/html; charset=utf-8\n",
        br#"<html><head><script>document.write('<p>injected</p>')</script><style>p{color:red}</style></head>
        <body onload="steal()"><p onclick="x()">Where is my order <a href="javascript:alert(1)">#1187</a>?</p>
        <iframe src="https://evil.example/"></iframe><img src="https://px.example/p.gif">
        <a href="https://shop.example/" target="_blank">shop</a></body></html>"#,
    );
    let parsed = parse_email(&raw).unwrap();
    assert_eq!(parsed.text, "Where is my order #1187?\n\nshop");
    assert_eq!(parsed.order_numbers, ["#1187"]);
    let html = parsed.html.unwrap();
    for banned in ["script", "injected", "style", "onload", "onclick", "javascript", "iframe", "<img", "target"] {
        assert!(!html.contains(banned), "{banned} in {html}");
    }
    assert!(html.contains(r#"rel="noopener noreferrer nofollow""#), "{html}");
}

#[test]
fn attachments_inline_images_and_forwarded_mail() {
    let raw = mail(
        "From: a@example.de\nContent-Type: multipart/mixed; boundary=outer\n",
        b"--outer\r\nContent-Type: multipart/related; boundary=rel\r\n\r\n\
          --rel\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Siehe Foto</p><img src=\"cid:img1\">\r\n\
          --rel\r\nContent-Type: image/png\r\nContent-ID: <img1>\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n\
          --rel--\r\n\
          --outer\r\nContent-Type: application/pdf; name=\"=?UTF-8?Q?Rechnung_M=C3=A4rz.pdf?=\"\r\n\
          Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQ=\r\n\
          --outer\r\nContent-Type: message/rfc822\r\n\r\nFrom: b@example.de\r\nSubject: alt\r\n\r\nalte Mail\r\n\
          --outer--\r\n",
    );
    let parsed = parse_email(&raw).unwrap();
    assert_eq!(parsed.text, "Siehe Foto");
    let summary: Vec<(&str, &str, &[u8])> =
        parsed.attachments.iter().map(|a| (a.filename.as_str(), a.content_type.as_str(), a.data.as_slice())).collect();
    assert_eq!(
        summary,
        [
            ("attachment-1", "image/png", b"\x89PNG\r\n\x1a\n".as_slice()),
            ("Rechnung März.pdf", "application/pdf", b"%PDF-1.4".as_slice()),
            ("attachment-3", "message/rfc822", b"From: b@example.de\r\nSubject: alt\r\n\r\nalte Mail".as_slice()),
        ]
    );
    assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
}

#[test]
fn flowed_plain_text() {
    let raw = mail(
        "From: a@example.de\nContent-Type: text/plain; charset=utf-8; format=flowed; delsp=no\n",
        b"Guten Tag, mein Paket ist \r\nnoch nicht angekommen.\r\n\r\nAm 21.05.2024 um 10:15 schrieb Shop <s@shop.example>:\r\n> Ihr Paket ist \r\n> unterwegs.\r\n",
    );
    let parsed = parse_email(&raw).unwrap();
    assert_eq!(parsed.text, "Guten Tag, mein Paket ist noch nicht angekommen.");
    assert!(parsed.quoted.unwrap().ends_with("> Ihr Paket ist unterwegs."));
}

#[test]
fn multipart_without_boundary_is_read_as_text() {
    let raw = mail("From: a@example.de\nContent-Type: multipart/mixed\n", b"Hallo, wo ist mein Paket?\r\n");
    let parsed = parse_email(&raw).unwrap();
    assert_eq!(parsed.text, "Hallo, wo ist mein Paket?");
    assert!(has_warning(&parsed, "without a usable boundary"), "{:?}", parsed.warnings);
}

#[test]
fn unreadable_date_and_headers() {
    let raw = mail("From: a@example.de\nDate: next tuesday\nSubject: hi\n", b"Hallo");
    let parsed = parse_email(&raw).unwrap();
    assert_eq!(parsed.date, None);
    assert!(has_warning(&parsed, "Date"), "{:?}", parsed.warnings);
}

#[test]
fn references_and_external_id() {
    let raw = mail(
        "From: Anna <anna@example.de>\nReply-To: Anna Privat <ANNA.private@example.de>\n\
         In-Reply-To: <c@shop.example>\nReferences: <a@shop.example> <b@shop.example>\n <c@shop.example>\n",
        b"Danke!",
    );
    let parsed = parse_email(&raw).unwrap();
    assert_eq!(parsed.references, ["c@shop.example", "b@shop.example", "a@shop.example"]);
    assert_eq!(parsed.reply_to.as_deref(), Some("anna.private@example.de"));
    assert_eq!(parsed.buyer_address, "anna.private@example.de");
    assert_eq!(parsed.message_id, None);
    let inbound = parsed.into_inbound(raw.clone());
    assert_eq!(inbound.external_id, format!("sha256:{}", hex::encode(Sha256::digest(&raw))));
    assert_eq!(inbound.thread.thread_key, None);
    assert_eq!(inbound.thread.references[0], "c@shop.example");
    assert_eq!(inbound.sender, "anna.private@example.de");
    assert_eq!(inbound.sender_name.as_deref(), Some("Anna Privat"));
    assert_eq!(inbound.raw.unwrap().bytes, raw);
}

#[test]
fn amazon_without_order_and_unrecognised_template() {
    let raw = mail(
        "From: \"Kai - Amazon Marketplace\" <abc123@marketplace.amazon.de>\nMessage-ID: <m1@amazonses.com>\n",
        b"Hallo, haben Sie die Lampe auch in Schwarz?\r\n",
    );
    let parsed = parse_email(&raw).unwrap();
    assert_eq!(parsed.channel, Channel::Amazon);
    assert_eq!(parsed.text, "Hallo, haben Sie die Lampe auch in Schwarz?");
    assert!(has_warning(&parsed, "amazon template was not recognised"), "{:?}", parsed.warnings);
    let inbound = parsed.into_inbound(raw);
    assert_eq!(inbound.thread.thread_key.as_deref(), Some("abc123@marketplace.amazon.de"));
    assert_eq!(inbound.external_id, "m1@amazonses.com");
    assert_eq!(inbound.sender_name.as_deref(), Some("Kai"));
}

#[test]
fn shopify_form_without_reply_to_uses_the_form_address() {
    let raw = mail(
        "From: Shopify <mailer@shopify.com>\nContent-Type: text/plain; charset=utf-8\n",
        b"You received a new message from your online store's contact form.\r\n\r\nName:\r\nLuca\r\n\r\n\
          Email:\r\nluca@example.it\r\n\r\nBody:\r\nCiao, avete la lampada in nero?\r\n",
    );
    let parsed = parse_email(&raw).unwrap();
    assert_eq!(parsed.channel, Channel::Shopify);
    assert_eq!(parsed.buyer_address, "luca@example.it");
    assert_eq!(parsed.text, "Ciao, avete la lampada in nero?");
}

#[test]
fn only_quoted_history_is_kept_whole() {
    let raw = mail(
        "From: a@example.de\nSubject: Fwd: Rechnung\n",
        b"---------- Forwarded message ---------\r\nFrom: Shop <s@shop.example>\r\nDate: Mon, 3 Jun 2024\r\n\r\nIhre Rechnung\r\n",
    );
    let parsed = parse_email(&raw).unwrap();
    assert!(parsed.text.starts_with("---------- Forwarded message") && parsed.text.ends_with("Ihre Rechnung"));
    assert_eq!(parsed.quoted, None);
    assert!(has_warning(&parsed, "quoted history"), "{:?}", parsed.warnings);
}
