//! The MIME tree of a message: which parts are the body (plain and HTML) and which are
//! attachments, decoded from their raw bytes.
//!
//! mail-parser supplies the structure (headers, part boundaries); the classification is
//! done here because mail-parser reclassifies a damaged part (an HTML body with broken
//! base64 becomes an "attachment" holding the base64 text), and a helpdesk wants the body.

use super::decode::{decode_text, decode_transfer, html_meta_charset};
use dragoman_core::InboundAttachment;
use mail_parser::{Message, MessagePart, MimeHeaders, PartType};

/// Multipart nesting deeper than this is an attack on the parser, not a real mail.
const MAX_DEPTH: usize = 32;

pub(crate) struct Bodies {
    /// The inline `text/plain` parts, joined.
    pub plain: Option<String>,
    /// The inline `text/html` parts, joined, not yet sanitised.
    pub html: Option<String>,
    pub attachments: Vec<InboundAttachment>,
}

/// Walks `message` (parsed from `raw`) in document order.
pub(crate) fn collect(message: &Message<'_>, raw: &[u8], tld: Option<&str>, warnings: &mut Vec<String>) -> Bodies {
    let mut plain = Vec::new();
    let mut html = Vec::new();
    let mut attachments = Vec::new();
    let mut stack = vec![(0u32, 0usize)];
    while let Some((id, depth)) = stack.pop() {
        let Some(part) = message.parts.get(id as usize) else { continue };
        let (c_type, c_subtype) = content_type(part);
        let what =
            if id == 0 { format!("body ({c_type}/{c_subtype})") } else { format!("part {id} ({c_type}/{c_subtype})") };
        let body = raw.get(part.offset_body as usize..(part.offset_end as usize).min(raw.len())).unwrap_or_default();

        if let PartType::Multipart(children) = &part.body {
            if depth >= MAX_DEPTH {
                warnings.push(format!("{what}: nested more than {MAX_DEPTH} levels deep; the rest was skipped"));
                continue;
            }
            if let Some(boundary) = part.content_type().and_then(|ct| ct.attribute("boundary")) {
                let closing = [b"--", boundary.as_bytes(), b"--"].concat();
                if !body.windows(closing.len()).any(|w| w == closing.as_slice()) {
                    warnings
                        .push(format!("{what}: cut short (no closing boundary); kept the parts that could be read"));
                }
            }
            stack.extend(children.iter().rev().map(|&child| (child, depth + 1)));
            continue;
        }

        let transfer = part.content_transfer_encoding();
        let is_attachment = part.content_disposition().is_some_and(|d| d.c_type.eq_ignore_ascii_case("attachment"));
        let filename = part.attachment_name().and_then(clean_filename);
        let is_body = !is_attachment
            && filename.is_none()
            && !matches!(part.body, PartType::Message(_))
            && (c_type == "text" && matches!(c_subtype.as_str(), "plain" | "html") || c_type == "multipart");

        if !is_body {
            let data = decode_transfer(body, transfer, &what, warnings);
            let filename = filename.unwrap_or_else(|| format!("attachment-{}", attachments.len() + 1));
            attachments.push(InboundAttachment { filename, content_type: format!("{c_type}/{c_subtype}"), data });
            continue;
        }

        if c_type == "multipart" {
            warnings.push(format!("{what}: multipart without a usable boundary; read as plain text"));
        }
        let bytes = decode_transfer(body, transfer, &what, warnings);
        let declared = part
            .content_type()
            .and_then(|ct| ct.attribute("charset"))
            .map(str::to_owned)
            .or_else(|| (c_subtype == "html").then(|| html_meta_charset(&bytes)).flatten());
        let text = decode_text(&bytes, declared.as_deref(), tld, &what, warnings);
        if c_subtype == "html" {
            html.push(text);
            continue;
        }
        let text = normalize_newlines(&text);
        let param = |name: &str| part.content_type().and_then(|ct| ct.attribute(name)).map(str::to_ascii_lowercase);
        if param("format").as_deref() == Some("flowed") {
            plain.push(deflow(&text, param("delsp").as_deref() == Some("yes")));
        } else {
            plain.push(text);
        }
    }
    Bodies {
        plain: (!plain.is_empty()).then(|| plain.join("\n\n")),
        html: (!html.is_empty()).then(|| html.join("\n")),
        attachments,
    }
}

/// The part's type in lower case; `text/plain` when absent, as RFC 2045 says.
fn content_type(part: &MessagePart<'_>) -> (String, String) {
    match part.content_type() {
        Some(ct) => {
            (ct.c_type.to_ascii_lowercase(), ct.c_subtype.as_deref().unwrap_or("octet-stream").to_ascii_lowercase())
        }
        None => ("text".to_owned(), "plain".to_owned()),
    }
}

/// The last path component without control characters: a name like `../../x.pdf` or
/// `C:\Users\x.pdf` is where the sender's file was, not where ours goes.
fn clean_filename(name: &str) -> Option<String> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let clean: String = base.chars().filter(|c| !c.is_control()).collect();
    let clean = clean.trim().trim_start_matches('.').trim();
    (!clean.is_empty()).then(|| clean.to_owned())
}

/// Undoes `format=flowed` (RFC 3676), which Apple Mail and Thunderbird use: a line ending in
/// a space continues on the next, so paragraphs are not broken at the sender's wrap width
/// (which would break them mid-sentence for translation).
fn deflow(text: &str, delete_space: bool) -> String {
    fn render(depth: usize, line: &str) -> String {
        if depth == 0 { line.to_owned() } else { format!("{} {line}", ">".repeat(depth)) }
    }
    let mut out = Vec::new();
    let mut open: Option<(usize, String)> = None;
    for raw in text.split('\n') {
        let depth = raw.chars().take_while(|&c| c == '>').count();
        let line = &raw[depth..];
        let line = line.strip_prefix(' ').unwrap_or(line);
        let flowed = line.ends_with(' ') && line != "-- ";
        let content = if flowed && delete_space { &line[..line.len() - 1] } else { line };
        let mut acc = match open.take() {
            Some((d, acc)) if d == depth => acc,
            Some((d, acc)) => {
                out.push(render(d, &acc));
                String::new()
            }
            None => String::new(),
        };
        acc.push_str(content);
        if flowed {
            open = Some((depth, acc));
        } else {
            out.push(render(depth, &acc));
        }
    }
    if let Some((d, acc)) = open {
        out.push(render(d, &acc));
    }
    out.join("\n")
}

pub(crate) fn normalize_newlines(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\r', "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flowed_text_is_joined() {
        let text = "Hallo, das Paket ist \nnoch nicht da.\n\n-- \nD.\n> Guten Tag, wir \n>  haben es\n>> alt";
        assert_eq!(
            deflow(text, false),
            "Hallo, das Paket ist noch nicht da.\n\n-- \nD.\n> Guten Tag, wir  haben es\n>> alt"
        );
        assert_eq!(deflow("ein lan \nges Wort", true), "ein langes Wort");
    }

    #[test]
    fn filenames_lose_their_directories() {
        assert_eq!(clean_filename("../../etc/passwd").as_deref(), Some("passwd"));
        assert_eq!(clean_filename("C:\\Users\\me\\Rechnung.pdf").as_deref(), Some("Rechnung.pdf"));
        assert_eq!(clean_filename("a\u{0}b.jpg").as_deref(), Some("ab.jpg"));
        assert_eq!(clean_filename(" / "), None);
        assert_eq!(clean_filename("..").as_deref(), None);
    }
}
