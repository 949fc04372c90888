//! The pure parts of ingest and of the other writes: normalising keys, previews, digests and
//! the attachment size rule. The SQL that uses them is in `shared.rs`.

use crate::IngestLimits;
use dragoman_core::InboundAttachment;
use sha2::{Digest, Sha256};

/// How long an inbox preview may be, in characters.
const PREVIEW_CHARS: usize = 140;

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Buyer addresses are matched without regard to case: mail systems and marketplaces treat
/// `Lena@Example.de` and `lena@example.de` as one person.
pub(crate) fn address_key(address: &str) -> String {
    address.trim().to_lowercase()
}

/// Tags as stored: trimmed, lower case, no empties, no repeats, sorted.
pub(crate) fn normalise_tags(tags: &[String]) -> Vec<String> {
    let mut out: Vec<String> = tags.iter().map(|t| t.trim().to_lowercase()).filter(|t| !t.is_empty()).collect();
    out.sort();
    out.dedup();
    out
}

/// The start of a message on one line, for inbox lists.
pub(crate) fn preview(body: &str) -> Option<String> {
    let mut words = body.split_whitespace().peekable();
    words.peek()?;
    let mut out = String::new();
    for (i, word) in words.enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(word);
        if out.chars().count() > PREVIEW_CHARS {
            let mut cut: String = out.chars().take(PREVIEW_CHARS - 1).collect();
            cut.push('…');
            return Some(cut);
        }
    }
    Some(out)
}

/// `%text%` for LIKE/ILIKE with the user's own `%`, `_` and `\` matched literally
/// (every query that uses it says `ESCAPE '\'`).
pub(crate) fn like_contains(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// One attachment as it will be stored.
pub(crate) struct PlannedAttachment<'a> {
    pub filename: &'a str,
    pub content_type: &'a str,
    pub size: i64,
    pub sha256: String,
    /// `None` when the content is over the limit and is not kept.
    pub content: Option<&'a [u8]>,
}

/// Applies the size limit: content over it is dropped, and a warning for the message says so.
pub(crate) fn plan_attachments<'a>(
    attachments: &'a [InboundAttachment],
    limits: &IngestLimits,
    warnings: &mut Vec<String>,
) -> Vec<PlannedAttachment<'a>> {
    attachments
        .iter()
        .map(|a| {
            let keep = a.data.len() <= limits.max_attachment_bytes;
            if !keep {
                warnings.push(format!(
                    "attachment {:?} ({} bytes) is over the {}-byte limit; its content was not kept",
                    a.filename,
                    a.data.len(),
                    limits.max_attachment_bytes
                ));
            }
            PlannedAttachment {
                filename: &a.filename,
                content_type: &a.content_type,
                size: i64::try_from(a.data.len()).unwrap_or(i64::MAX),
                sha256: sha256_hex(&a.data),
                content: keep.then_some(a.data.as_slice()),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preview_is_one_short_line() {
        assert_eq!(preview("  Hallo,\n\nwo ist   mein Paket?").as_deref(), Some("Hallo, wo ist mein Paket?"));
        assert_eq!(preview(" \n "), None);
        let long = "発送".repeat(100);
        let p = preview(&long).unwrap();
        assert_eq!(p.chars().count(), PREVIEW_CHARS);
        assert!(p.ends_with('…'));
    }

    #[test]
    fn like_pattern_escapes_wildcards() {
        assert_eq!(like_contains(r"50%_off\"), r"%50\%\_off\\%");
    }

    #[test]
    fn tags_are_normalised() {
        let tags = ["VIP ".to_owned(), "vip".to_owned(), String::new(), "返品".to_owned()];
        assert_eq!(normalise_tags(&tags), ["vip", "返品"]);
    }

    #[test]
    fn oversized_attachment_keeps_metadata_and_warns() {
        let attachments = vec![
            InboundAttachment { filename: "a.txt".into(), content_type: "text/plain".into(), data: vec![1; 4] },
            InboundAttachment { filename: "x.jpg".into(), content_type: "image/jpeg".into(), data: vec![2; 11] },
        ];
        let mut warnings = Vec::new();
        let plan = plan_attachments(&attachments, &IngestLimits { max_attachment_bytes: 10 }, &mut warnings);
        assert_eq!(plan[0].content, Some(&[1u8; 4][..]));
        assert!(plan[1].content.is_none());
        assert_eq!(plan[1].size, 11);
        assert_eq!(warnings, ["attachment \"x.jpg\" (11 bytes) is over the 10-byte limit; its content was not kept"]);
    }
}
