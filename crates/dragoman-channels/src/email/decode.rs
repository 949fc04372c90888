//! Bytes of a MIME part to text: transfer encodings decoded leniently, charsets decoded with
//! detection when the declared one is missing, unknown or wrong.
//!
//! mail-parser decodes bodies too, but it gives up on a damaged part without saying so (the
//! raw base64 becomes the "text") and silently decodes bad bytes as U+FFFD. A helpdesk must
//! keep what is readable and tell the agent what was not, so parts are decoded here from
//! their raw bytes, and every repair is reported as a warning.

use chardetng::EncodingDetector;
use encoding_rs::{Encoding, UTF_8};
use regex::bytes::Regex;
use std::sync::LazyLock;

/// Decodes a `Content-Transfer-Encoding`; `what` names the part in warnings.
pub(crate) fn decode_transfer(body: &[u8], encoding: Option<&str>, what: &str, warnings: &mut Vec<String>) -> Vec<u8> {
    let encoding = encoding.map(|e| e.trim().to_ascii_lowercase());
    match encoding.as_deref() {
        Some("base64") => {
            let (bytes, damage) = base64_lenient(body);
            if damage.stray > 0 {
                warnings.push(format!(
                    "{what}: invalid base64 ({} stray characters skipped); kept what decoded",
                    damage.stray
                ));
            }
            if damage.truncated {
                warnings.push(format!("{what}: base64 ends in the middle of a group (truncated?); kept what decoded"));
            }
            bytes
        }
        Some("quoted-printable") => {
            let (bytes, bad) = quoted_printable_lenient(body);
            if bad > 0 {
                warnings.push(format!("{what}: {bad} invalid quoted-printable escapes kept as written"));
            }
            bytes
        }
        None | Some("7bit" | "8bit" | "binary" | "") => body.to_vec(),
        Some(other) => {
            warnings.push(format!("{what}: unknown transfer encoding {other:?}; kept the bytes as they are"));
            body.to_vec()
        }
    }
}

#[derive(Debug, Default, PartialEq)]
struct Base64Damage {
    stray: usize,
    truncated: bool,
}

/// Decodes every complete group of four base64 characters, skipping characters outside the
/// alphabet, and what it can of a final incomplete group.
fn base64_lenient(input: &[u8]) -> (Vec<u8>, Base64Damage) {
    let mut out = Vec::with_capacity(input.len() / 4 * 3);
    let mut damage = Base64Damage::default();
    let mut group = [0u8; 4];
    let mut n = 0;
    let flush = |group: &[u8], out: &mut Vec<u8>| {
        let bits = group.iter().enumerate().fold(0u32, |acc, (i, &v)| acc | (u32::from(v) << (18 - 6 * i)));
        let bytes = bits.to_be_bytes();
        // Two characters make one byte, three make two, four make three.
        out.extend_from_slice(&bytes[1..group.len()]);
    };
    for &c in input {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => {
                // Padding closes the group; some mailers glue separately padded blocks
                // together, so decoding goes on after it.
                if n >= 2 {
                    flush(&group[..n], &mut out);
                } else if n == 1 {
                    damage.truncated = true;
                }
                n = 0;
                continue;
            }
            c if c.is_ascii_whitespace() => continue,
            _ => {
                damage.stray += 1;
                continue;
            }
        };
        group[n] = value;
        n += 1;
        if n == 4 {
            flush(&group, &mut out);
            n = 0;
        }
    }
    if n > 0 {
        damage.truncated = true;
        if n >= 2 {
            flush(&group[..n], &mut out);
        }
    }
    (out, damage)
}

/// Decodes quoted-printable; an `=` not followed by two hex digits or a line break is kept
/// literally (and counted), which is what the sender most likely meant.
fn quoted_printable_lenient(input: &[u8]) -> (Vec<u8>, usize) {
    let mut out = Vec::with_capacity(input.len());
    let mut bad = 0;
    let mut i = 0;
    while i < input.len() {
        let c = input[i];
        if c != b'=' {
            out.push(c);
            i += 1;
            continue;
        }
        let hex = |b: Option<&u8>| b.and_then(|b| (*b as char).to_digit(16));
        if let (Some(h), Some(l)) = (hex(input.get(i + 1)), hex(input.get(i + 2))) {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        // A soft line break: `=`, optional trailing blanks, then CRLF or LF (or the end).
        let mut j = i + 1;
        while matches!(input.get(j), Some(b' ' | b'\t')) {
            j += 1;
        }
        match input.get(j) {
            Some(b'\r') if input.get(j + 1) == Some(&b'\n') => i = j + 2,
            Some(b'\n') => i = j + 1,
            None => i = j,
            _ => {
                bad += 1;
                out.push(b'=');
                i += 1;
            }
        }
    }
    (out, bad)
}

static META_CHARSET: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?i)<meta[^>]*?charset\s*=\s*["']?\s*([a-z0-9_:.\-]+)"#).expect("valid regex"));

/// The charset an HTML part declares for itself in a `<meta>` tag.
pub(crate) fn html_meta_charset(html: &[u8]) -> Option<String> {
    let head = &html[..html.len().min(4096)];
    META_CHARSET.captures(head).map(|c| String::from_utf8_lossy(&c[1]).into_owned())
}

/// Decodes text in the `declared` charset, falling back to detection (with a warning) when
/// the label is unknown or the bytes are not valid in it. `tld` (the sender's country code
/// top-level domain) sharpens the detector's guess between legacy encodings.
pub(crate) fn decode_text(
    bytes: &[u8],
    declared: Option<&str>,
    tld: Option<&str>,
    what: &str,
    warnings: &mut Vec<String>,
) -> String {
    let label = declared.map(|l| l.trim().trim_matches(['"', '\'']).trim()).filter(|l| !l.is_empty());
    let Some(label) = label else {
        if let Ok(text) = std::str::from_utf8(bytes) {
            return text.to_owned();
        }
        let (text, guessed) = decode_detected(bytes, tld);
        warnings.push(format!("{what}: no charset declared and not UTF-8; read as {} by detection", guessed.name()));
        return text;
    };

    let Some(encoding) = Encoding::for_label_no_replacement(label.as_bytes()) else {
        // Labels that the web never needed but old mailers still send (UTF-7, IBM code pages).
        // Labels the web maps to its "replacement" encoding (ISO-2022-KR, HZ) would decode to
        // nothing but U+FFFD, so they are detected instead.
        if Encoding::for_label(label.as_bytes()).is_none()
            && let Some(decoder) = mail_parser::decoders::charsets::map::charset_decoder(label.as_bytes())
        {
            return decoder(bytes);
        }
        let (text, guessed) = decode_detected(bytes, tld);
        warnings.push(format!("{what}: unknown charset {label:?}; read as {} by detection", guessed.name()));
        return text;
    };

    if encoding == UTF_8 {
        if let Ok(text) = std::str::from_utf8(bytes) {
            return text.trim_start_matches('\u{feff}').to_owned();
        }
        if mostly_utf8(bytes) {
            warnings.push(format!(
                "{what}: declared UTF-8 but contains invalid byte sequences; they were replaced with \u{fffd}"
            ));
            return String::from_utf8_lossy(bytes).into_owned();
        }
        let (text, guessed) = decode_detected(bytes, tld);
        warnings.push(format!("{what}: declared UTF-8 but is not; read as {} by detection", guessed.name()));
        return text;
    }

    // Text that is valid UTF-8 with multi-byte sequences is, in practice, never meant as a
    // legacy single-byte charset: it is a mislabelled UTF-8 body (mailers that stamp
    // `iso-8859-1` or `us-ascii` on whatever they send).
    if encoding.is_single_byte() && !bytes.is_ascii() && std::str::from_utf8(bytes).is_ok() {
        warnings.push(format!("{what}: declared {label} but is UTF-8; read as UTF-8"));
        return String::from_utf8_lossy(bytes).into_owned();
    }

    let (text, used, had_errors) = encoding.decode(bytes);
    if !had_errors {
        return text.into_owned();
    }
    let guessed = detect(bytes, tld);
    if guessed != used {
        let (retry, _, retry_errors) = guessed.decode(bytes);
        if !retry_errors {
            warnings.push(format!("{what}: not valid {label}; read as {} by detection", guessed.name()));
            return retry.into_owned();
        }
    }
    warnings.push(format!("{what}: invalid {label} byte sequences were replaced with \u{fffd}"));
    text.into_owned()
}

fn detect(bytes: &[u8], tld: Option<&str>) -> &'static Encoding {
    let mut detector = EncodingDetector::new();
    detector.feed(bytes, true);
    detector.guess(tld.map(str::as_bytes), true)
}

fn decode_detected(bytes: &[u8], tld: Option<&str>) -> (String, &'static Encoding) {
    let guessed = detect(bytes, tld);
    let (text, used, _) = guessed.decode(bytes);
    (text.into_owned(), used)
}

/// Whether invalid sequences are stray damage in UTF-8 text (a cut multi-byte character, a
/// pasted byte) rather than a sign that the whole text is in another charset.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let (mut multibyte, mut invalid) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        multibyte += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        if !chunk.invalid().is_empty() {
            invalid += 1;
        }
    }
    multibyte > 0 && multibyte >= invalid
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(bytes: &[u8], declared: Option<&str>) -> (String, Vec<String>) {
        let mut warnings = Vec::new();
        let t = decode_text(bytes, declared, None, "body", &mut warnings);
        (t, warnings)
    }

    #[test]
    fn base64_keeps_what_decodes() {
        assert_eq!(base64_lenient(b"SGVsbG8=\r\n"), (b"Hello".to_vec(), Base64Damage::default()));
        let (bytes, damage) = base64_lenient(b"SGVs!!bG8g\r\nd29y*bGQ");
        assert_eq!(bytes, b"Hello world");
        assert_eq!(damage, Base64Damage { stray: 3, truncated: true });
        // Separately padded blocks glued together.
        assert_eq!(base64_lenient(b"SGk=SGk=").0, b"HiHi");
    }

    #[test]
    fn quoted_printable_soft_breaks_and_bad_escapes() {
        let (bytes, bad) = quoted_printable_lenient(b"Fu=C3=9F ist=\r\n kaputt = 3 =ZZ=  \r\nx=");
        assert_eq!(String::from_utf8(bytes).unwrap(), "Fuß ist kaputt = 3 =ZZx");
        assert_eq!(bad, 2);
    }

    #[test]
    fn declared_charsets() {
        assert_eq!(text(b"Jos\xe9", Some("windows-1252")).0, "José");
        assert_eq!(text(b"\x1b$B$*@$OC\x1b(B", Some("ISO-2022-JP")).0, "お世話");
        let (t, w) = text(b"plain ascii", Some("us-ascii"));
        assert_eq!((t.as_str(), w.len()), ("plain ascii", 0));
    }

    #[test]
    fn unknown_charset_falls_back_to_detection() {
        let (t, w) = text("Grüße aus Köln, schöne Größe".as_bytes(), Some("x-klingon"));
        assert_eq!(t, "Grüße aus Köln, schöne Größe");
        assert!(w[0].contains("unknown charset"), "{w:?}");
        let (t, w) = text(b"Gr\xfc\xdfe aus K\xf6ln, sch\xf6ne Gr\xf6\xdfe", Some("x-klingon"));
        assert_eq!(t, "Grüße aus Köln, schöne Größe");
        assert_eq!(w.len(), 1);
    }

    #[test]
    fn invalid_utf8_is_repaired_or_redetected() {
        // One stray byte in UTF-8 text: keep the text, replace the byte.
        let (t, w) =
            text("Größe \u{fc}".as_bytes().iter().copied().chain([0xff]).collect::<Vec<_>>().as_slice(), Some("utf-8"));
        assert_eq!(t, "Größe ü\u{fffd}");
        assert!(w[0].contains("declared UTF-8"), "{w:?}");
        // Latin-1 labelled as UTF-8: the whole text is in another charset.
        let (t, w) = text(b"Buenos d\xedas, \xbfc\xf3mo est\xe1n?", Some("utf-8"));
        assert_eq!(t, "Buenos días, ¿cómo están?");
        assert!(w[0].contains("declared UTF-8 but is not"), "{w:?}");
    }

    #[test]
    fn wrong_declared_charset() {
        let (t, w) = text("Grüße".as_bytes(), Some("iso-8859-1"));
        assert_eq!(t, "Grüße");
        assert!(w[0].contains("is UTF-8"), "{w:?}");
        // Shift_JIS labelled as ISO-2022-JP (8-bit bytes are invalid there).
        let (t, w) = text(
            b"\x82\xa8\x90\xa2\x98\x62\x82\xc9\x82\xc8\x82\xc1\x82\xc4\x82\xa8\x82\xe8\x82\xdc\x82\xb7",
            Some("iso-2022-jp"),
        );
        assert_eq!(t, "お世話になっております");
        assert!(w[0].contains("read as Shift_JIS"), "{w:?}");
    }

    #[test]
    fn missing_charset() {
        assert_eq!(text("Größe".as_bytes(), None), ("Größe".to_owned(), vec![]));
        let (t, w) = text(b"Gr\xf6\xdfe und Ma\xdfe", None);
        assert_eq!(t, "Größe und Maße");
        assert!(w[0].contains("no charset"), "{w:?}");
    }

    #[test]
    fn meta_charset() {
        assert_eq!(html_meta_charset(br#"<html><head><meta charset="windows-1252">"#).as_deref(), Some("windows-1252"));
        assert_eq!(
            html_meta_charset(br#"<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">"#)
                .as_deref(),
            Some("ISO-8859-1")
        );
        assert_eq!(html_meta_charset(b"<p>no meta</p>"), None);
    }
}
