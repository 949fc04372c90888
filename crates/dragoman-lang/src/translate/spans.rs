//! Protected spans: what must come out of a translation byte for byte.
//!
//! The caller says where they are (byte ranges: entity detection lives in `dragoman-nlu`,
//! which depends on this crate, not the other way round). Before an engine sees the text each
//! span becomes a marker `⟦n⟧` — a form Apertium passes through untouched, chat models copy,
//! and DeepL receives as an XML tag. After the engine, every marker is replaced by its span
//! (or by the glossary's fixed rendering). An engine may lose a marker, repeat it, invent one
//! or mangle its brackets; each case is repaired where possible and always reported: a lost
//! span is re-inserted near its original place and marked as not kept.

use regex::Regex;
use serde::{Deserialize, Serialize};
use std::ops::Range;
use std::sync::LazyLock;

/// What a protected span is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpanKind {
    OrderId,
    TrackingNumber,
    Email,
    Url,
    Amount,
    /// An IBAN.
    BankAccount,
    /// A SKU or model number.
    Sku,
    DiscountCode,
    /// A glossary term, kept as written or rendered the glossary's way.
    Glossary,
    /// Text that looks like a marker itself; protected so it cannot be mistaken for one.
    Marker,
}

impl SpanKind {
    /// How a warning names it.
    pub fn describe(self) -> &'static str {
        match self {
            SpanKind::OrderId => "order number",
            SpanKind::TrackingNumber => "tracking number",
            SpanKind::Email => "email address",
            SpanKind::Url => "link",
            SpanKind::Amount => "amount",
            SpanKind::BankAccount => "bank account number",
            SpanKind::Sku => "SKU",
            SpanKind::DiscountCode => "discount code",
            SpanKind::Glossary => "glossary term",
            SpanKind::Marker => "marker-like text",
        }
    }
}

/// A stretch of the source text (byte range) that must survive translation unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtectedSpan {
    pub range: Range<usize>,
    pub kind: SpanKind,
}

/// One protected span as it came out of a translation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpanOutcome {
    pub kind: SpanKind,
    /// As written in the source text.
    pub original: String,
    /// As written in the translation: the original, or the glossary's rendering.
    pub text: String,
    /// Where `text` stands in the translation.
    #[serde(skip)]
    pub range: Range<usize>,
    /// True when the engine carried the span through; false when Dragoman had to put it back.
    pub kept: bool,
}

/// A span to mask, with what to put back in its place (`None`: the span itself).
#[derive(Debug, Clone)]
pub(crate) struct Slot {
    pub kind: SpanKind,
    pub original: String,
    pub replacement: Option<String>,
    /// Where its marker stands in the masked text, to re-insert it near there if lost.
    pub masked_at: usize,
}

impl Slot {
    fn output(&self) -> &str {
        self.replacement.as_deref().unwrap_or(&self.original)
    }
}

/// Source text with its spans replaced by markers.
#[derive(Debug, Clone)]
pub(crate) struct Masked {
    pub text: String,
    pub slots: Vec<Slot>,
}

/// Translated text with its spans back in place.
#[derive(Debug, Clone)]
pub(crate) struct Restored {
    pub text: String,
    pub spans: Vec<SpanOutcome>,
    pub warnings: Vec<String>,
}

pub(crate) fn marker(n: usize) -> String {
    format!("⟦{n}⟧")
}

/// A marker as engines give it back: the canonical `⟦n⟧`, with spaces inside, or with the
/// look-alike brackets some engines and fonts substitute (`〚n〛`, `[[n]]`).
static MARKER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:⟦|〚|\[\[)\s*([0-9]{1,4})\s*(?:⟧|〛|\]\])").expect("valid"));

/// Source text that a marker could be confused with.
static MARKER_LIKE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:⟦|〚|\[\[)\s*[0-9]{1,4}\s*(?:⟧|〛|\]\])|[⟦⟧〚〛]").expect("valid"));

/// A span given by the caller does not fit the text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("protected span {start}..{end} is not on character boundaries of the {len}-byte text")]
pub struct SpanOutOfText {
    pub start: usize,
    pub end: usize,
    pub len: usize,
}

/// Replaces each span by a marker. Overlapping spans: the one starting first (the longer at
/// the same start) wins. Marker-like text in the source is protected too.
pub(crate) fn mask(text: &str, spans: Vec<(Range<usize>, SpanKind, Option<String>)>) -> Result<Masked, SpanOutOfText> {
    let mut all = spans;
    for (range, _, _) in &all {
        let fits = range.start < range.end && text.is_char_boundary(range.start) && text.is_char_boundary(range.end);
        if !fits || range.end > text.len() {
            return Err(SpanOutOfText { start: range.start, end: range.end, len: text.len() });
        }
    }
    all.extend(MARKER_LIKE.find_iter(text).map(|m| (m.range(), SpanKind::Marker, None)));
    all.sort_by(|a, b| a.0.start.cmp(&b.0.start).then(b.0.end.cmp(&a.0.end)));
    let mut masked = String::with_capacity(text.len());
    let mut slots: Vec<Slot> = Vec::new();
    let mut at = 0;
    for (range, kind, replacement) in all {
        if range.start < at {
            continue;
        }
        masked.push_str(&text[at..range.start]);
        let masked_at = masked.len();
        masked.push_str(&marker(slots.len() + 1));
        slots.push(Slot { kind, original: text[range.clone()].to_owned(), replacement, masked_at });
        at = range.end;
    }
    masked.push_str(&text[at..]);
    Ok(Masked { text: masked, slots })
}

/// Rewrites every marker an engine returned in its canonical form, so the next engine of a
/// chain (and the cache) sees `⟦n⟧` only.
pub(crate) fn canonical(text: &str) -> String {
    MARKER.replace_all(text, |c: &regex::Captures| format!("⟦{}⟧", &c[1])).into_owned()
}

/// Puts the spans back into an engine's output (see the module documentation for repairs).
/// `engine` names who translated, for the warnings.
pub(crate) fn restore(output: &str, masked: &Masked, engine: &str) -> Restored {
    let mut text = String::with_capacity(output.len() + 64);
    let mut placed: Vec<Option<Range<usize>>> = vec![None; masked.slots.len()];
    let mut warnings = Vec::new();
    let mut at = 0;
    for caps in MARKER.captures_iter(output) {
        let whole = caps.get(0).expect("group 0");
        text.push_str(&output[at..whole.start()]);
        at = whole.end();
        let index = caps[1].parse::<usize>().ok().and_then(|n| n.checked_sub(1)).filter(|&i| i < masked.slots.len());
        let Some(index) = index else {
            warnings
                .push(format!("{engine} added a marker {} that stands for nothing; it was removed", whole.as_str()));
            continue;
        };
        let slot = &masked.slots[index];
        let start = text.len();
        text.push_str(slot.output());
        if placed[index].is_some() {
            warnings.push(format!("{engine} repeated the {} \"{}\"", slot.kind.describe(), slot.output()));
        } else {
            placed[index] = Some(start..text.len());
        }
    }
    text.push_str(&output[at..]);

    let mut spans: Vec<SpanOutcome> = Vec::with_capacity(masked.slots.len());
    for (index, slot) in masked.slots.iter().enumerate() {
        let (range, kept) = match placed[index].clone() {
            Some(range) => (range, true),
            None => {
                let at = reinsertion_point(&text, slot.masked_at as f64 / masked.text.len().max(1) as f64);
                let (range, inserted) = insert(&mut text, at, slot.output());
                shift(&mut spans, &mut placed, at, inserted);
                warnings.push(format!(
                    "{engine} lost the {} \"{}\"; it was put back near its original place",
                    slot.kind.describe(),
                    slot.output()
                ));
                (range, false)
            }
        };
        spans.push(SpanOutcome {
            kind: slot.kind,
            original: slot.original.clone(),
            text: slot.output().to_owned(),
            range,
            kept,
        });
    }
    for span in &spans {
        // Holds by construction; checked because the whole point is that it must.
        if text.get(span.range.clone()) != Some(span.text.as_str()) {
            warnings.push(format!(
                "the {} \"{}\" could not be verified in the translation",
                span.kind.describe(),
                span.text
            ));
        }
    }
    Restored { text, spans, warnings }
}

/// Inserts `span` at byte `at` with a space on each side that needs one; returns its range and
/// how many bytes went in.
fn insert(text: &mut String, at: usize, span: &str) -> (Range<usize>, usize) {
    let before = text[..at].chars().next_back();
    let after = text[at..].chars().next();
    let space_before = before.is_some_and(|c| !c.is_whitespace() && uses_spaces(c));
    let space_after = after.is_some_and(|c| !c.is_whitespace() && uses_spaces(c) && !is_closing_punctuation(c));
    let mut piece = String::new();
    if space_before {
        piece.push(' ');
    }
    let start = at + piece.len();
    piece.push_str(span);
    if space_after {
        piece.push(' ');
    }
    text.insert_str(at, &piece);
    (start..start + span.len(), piece.len())
}

/// Moves ranges at or after `at` by `by` bytes (a span was inserted there).
fn shift(spans: &mut [SpanOutcome], placed: &mut [Option<Range<usize>>], at: usize, by: usize) {
    let moved = |r: &mut Range<usize>| {
        if r.start >= at {
            *r = r.start + by..r.end + by;
        }
    };
    spans.iter_mut().for_each(|s| moved(&mut s.range));
    placed.iter_mut().flatten().for_each(moved);
}

/// Where a lost span goes: at the same relative position in the translation, moved forward to
/// the end of the word there (or of the clause, in writing without spaces).
fn reinsertion_point(text: &str, relative: f64) -> usize {
    let target = ((text.len() as f64) * relative.clamp(0.0, 1.0)) as usize;
    let mut at = target.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    for (i, c) in text[at..].char_indices() {
        if c.is_whitespace() || is_closing_punctuation(c) || "，。、！？；：".contains(c) {
            // After a sentence's closing punctuation is better than before it only at the end.
            return at + i;
        }
    }
    text.len()
}

fn is_closing_punctuation(c: char) -> bool {
    matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | ')' | ']' | '}' | '"' | '\'' | '»' | '”')
}

/// Scripts written without spaces between words take none around a re-inserted span.
pub(crate) fn uses_spaces(c: char) -> bool {
    !matches!(c as u32,
        0x3000..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x0E00..=0x0E7F)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans_of(text: &str, parts: &[(&str, SpanKind)]) -> Vec<(Range<usize>, SpanKind, Option<String>)> {
        parts
            .iter()
            .map(|(p, k)| {
                let start = text.find(p).unwrap();
                (start..start + p.len(), *k, None)
            })
            .collect()
    }

    const TEXT: &str = "Order 112-4839201-5573816: refund 49,99 € to anna@example.de please";

    fn masked() -> Masked {
        let spans = spans_of(
            TEXT,
            &[
                ("anna@example.de", SpanKind::Email),
                ("112-4839201-5573816", SpanKind::OrderId),
                ("49,99 €", SpanKind::Amount),
            ],
        );
        mask(TEXT, spans).unwrap()
    }

    #[test]
    fn masks_in_text_order() {
        let m = masked();
        assert_eq!(m.text, "Order ⟦1⟧: refund ⟦2⟧ to ⟦3⟧ please");
        assert_eq!(m.slots[0].original, "112-4839201-5573816");
        assert_eq!(m.slots[2].kind, SpanKind::Email);
    }

    #[test]
    fn restores_what_the_engine_kept_even_reordered_or_respaced() {
        let m = masked();
        let r = restore("Bitte ⟦3⟧ 〚 2 〛 erstatten, Bestellung [[1]].", &m, "test");
        assert_eq!(r.text, "Bitte anna@example.de 49,99 € erstatten, Bestellung 112-4839201-5573816.");
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
        assert!(r.spans.iter().all(|s| s.kept && r.text[s.range.clone()] == s.text));
    }

    #[test]
    fn lost_spans_are_put_back_and_reported() {
        let m = masked();
        let r = restore("Pedido ⟦1⟧: reembolso para ⟦3⟧ por favor", &m, "apertium");
        assert!(r.text.contains("49,99 €"), "{}", r.text);
        let amount = r.spans.iter().find(|s| s.kind == SpanKind::Amount).unwrap();
        assert!(!amount.kept);
        assert_eq!(&r.text[amount.range.clone()], "49,99 €");
        assert!(r.spans.iter().filter(|s| s.kind != SpanKind::Amount).all(|s| s.kept));
        for s in &r.spans {
            assert_eq!(&r.text[s.range.clone()], s.text, "ranges shift with the insertion");
        }
        assert_eq!(r.warnings.len(), 1);
        assert!(r.warnings[0].contains("apertium lost the amount \"49,99 €\""), "{:?}", r.warnings);
    }

    #[test]
    fn everything_lost_still_comes_back() {
        let m = masked();
        let r = restore("Gracias", &m, "x");
        for original in ["112-4839201-5573816", "49,99 €", "anna@example.de"] {
            assert!(r.text.contains(original), "{}", r.text);
        }
        assert_eq!(r.warnings.len(), 3);
    }

    #[test]
    fn invented_and_repeated_markers_are_reported() {
        let m = masked();
        let r = restore("⟦1⟧ ⟦1⟧ ⟦2⟧ ⟦3⟧ ⟦9⟧", &m, "llm");
        assert_eq!(r.text, "112-4839201-5573816 112-4839201-5573816 49,99 € anna@example.de ");
        assert_eq!(r.warnings.len(), 2, "{:?}", r.warnings);
        assert!(r.warnings.iter().any(|w| w.contains("repeated")));
        assert!(r.warnings.iter().any(|w| w.contains("⟦9⟧")));
    }

    #[test]
    fn marker_like_source_text_is_protected() {
        let text = "see [[2]] and ⟦ here";
        let m = mask(text, Vec::new()).unwrap();
        assert_eq!(m.text, "see ⟦1⟧ and ⟦2⟧ here");
        let r = restore(&m.text, &m, "x");
        assert_eq!(r.text, text);
    }

    #[test]
    fn overlapping_spans_keep_the_first_and_longest() {
        let text = "mail me at a@b.de now";
        let spans = vec![(11..17, SpanKind::Email, None), (13..17, SpanKind::Url, None), (11..12, SpanKind::Sku, None)];
        let m = mask(text, spans).unwrap();
        assert_eq!(m.text, "mail me at ⟦1⟧ now");
        assert_eq!(m.slots.len(), 1);
    }

    #[test]
    fn glossary_renderings_replace_the_span() {
        let text = "Die Stehleuchte ist kaputt";
        let m = mask(text, vec![(4..15, SpanKind::Glossary, Some("floor lamp".into()))]).unwrap();
        let r = restore("The ⟦1⟧ is broken", &m, "x");
        assert_eq!(r.text, "The floor lamp is broken");
        assert_eq!(r.spans[0].original, "Stehleuchte");
        assert_eq!(r.spans[0].text, "floor lamp");
    }

    #[test]
    fn spans_must_fit_the_text() {
        assert!(mask("añb", vec![(1..2, SpanKind::Sku, None)]).is_err());
        assert!(mask("ab", vec![(1..5, SpanKind::Sku, None)]).is_err());
    }

    #[test]
    fn cjk_reinsertion_adds_no_spaces() {
        let text = "订单号#1187什么时候发货";
        let m = mask(text, vec![(9..14, SpanKind::OrderId, None)]).unwrap();
        let r = restore("何时发货？", &m, "x");
        assert!(r.text.contains("#1187"));
        assert!(!r.text.contains(' '), "{}", r.text);
    }
}
