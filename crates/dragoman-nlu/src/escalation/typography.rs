//! Anger written in the shape of the text rather than its words: SHOUTED runs of capitals,
//! "!!!", angry emoji. These work the same in every language that has them, which is why
//! they are kept apart from the lexicons.

use super::ReasonKind;
use std::ops::Range;

/// A shouted run: at least this many capitalised words (a lone "I" or "A" counts as one)…
const CAPS_MIN_WORDS: usize = 2;
/// …with at least this many capital letters in all, so that "DHL UPS" or "EU VAT" is not
/// shouting.
const CAPS_MIN_LETTERS: usize = 10;

pub(crate) const CAPS: f32 = 0.25;
pub(crate) const EXCLAMATION: f32 = 0.2;
pub(crate) const ANGRY_EMOJI: f32 = 0.3;
pub(crate) const SULKY_EMOJI: f32 = 0.2;
pub(crate) const RUDE_EMOJI: f32 = 0.5;

pub(crate) struct Mark {
    pub kind: ReasonKind,
    pub weight: f32,
    /// Byte range in the original text.
    pub range: Range<usize>,
}

pub(crate) fn marks(text: &str) -> Vec<Mark> {
    let mut out = Vec::new();
    // One caps reason and one "!!!" reason at most: shouting throughout a message is one
    // sign of anger, not one per sentence.
    if let Some(range) = longest_caps_run(text) {
        out.push(Mark { kind: ReasonKind::Anger, weight: CAPS, range });
    }
    if let Some(range) = exclamation_run(text) {
        out.push(Mark { kind: ReasonKind::Anger, weight: EXCLAMATION, range });
    }
    let mut seen = Vec::new();
    for (i, c) in text.char_indices() {
        let (kind, weight) = match c {
            '😡' | '🤬' | '😠' | '👿' | '💢' => (ReasonKind::Anger, ANGRY_EMOJI),
            '😤' | '🤮' | '🙄' => (ReasonKind::Anger, SULKY_EMOJI),
            '🖕' => (ReasonKind::Profanity, RUDE_EMOJI),
            _ => continue,
        };
        if !seen.contains(&c) {
            seen.push(c);
            out.push(Mark { kind, weight, range: i..i + c.len_utf8() });
        }
    }
    out
}

fn longest_caps_run(text: &str) -> Option<Range<usize>> {
    let mut best: Option<(usize, Range<usize>)> = None;
    let mut run: Option<(Range<usize>, usize, usize)> = None; // range, words, letters
    let mut close = |run: &mut Option<(Range<usize>, usize, usize)>| {
        if let Some((range, words, letters)) = run.take()
            && words >= CAPS_MIN_WORDS
            && letters >= CAPS_MIN_LETTERS
            && best.as_ref().is_none_or(|(l, _)| letters > *l)
        {
            best = Some((letters, range));
        }
    };
    for (start, word) in words(text) {
        let letters = word.chars().filter(|c| c.is_alphabetic()).count();
        let digits = word.chars().any(|c| c.is_ascii_digit());
        let cased = word.chars().filter(|c| c.is_alphabetic()).all(|c| c.is_uppercase());
        if letters == 0 && !digits {
            continue; // punctuation between shouted words does not end the run
        }
        if letters >= 1 && cased && !digits {
            let end = start + word.trim_end_matches(|c: char| !c.is_alphabetic()).len();
            let start = start + (word.len() - word.trim_start_matches(|c: char| !c.is_alphabetic()).len());
            match &mut run {
                Some((range, words, total)) => {
                    range.end = end;
                    *words += 1;
                    *total += letters;
                }
                None => run = Some((start..end, 1, letters)),
            }
        } else {
            close(&mut run);
        }
    }
    close(&mut run);
    best.map(|(_, range)| range)
}

fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split_whitespace().map(move |w| (w.as_ptr() as usize - text.as_ptr() as usize, w))
}

fn exclamation_run(text: &str) -> Option<Range<usize>> {
    let mut start = None;
    let mut bangs = 0;
    for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        match c {
            '!' | '！' | '?' | '？' => {
                start.get_or_insert(i);
                if matches!(c, '!' | '！') {
                    bangs += 1;
                }
            }
            _ => {
                if let Some(s) = start.take() {
                    let run = &text[s..i];
                    // "!!!" or "?!?!": three marks, at least two of them exclamations.
                    if run.chars().count() >= 3 && bangs >= 2 {
                        return Some(s..i);
                    }
                }
                bangs = 0;
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn evidence(text: &str) -> Vec<&str> {
        marks(text).into_iter().map(|m| &text[m.range]).collect()
    }

    #[test]
    fn shouting_exclamations_and_emoji() {
        assert_eq!(evidence("I WANT MY MONEY BACK NOW, order 123"), ["I WANT MY MONEY BACK NOW"]);
        assert_eq!(evidence("Where is it?!?! 😡😡"), ["?!?!", "😡"]);
        assert_eq!(evidence("Hallo!!! Wo ist mein Paket？！！"), ["!!!"]);
        assert_eq!(evidence("🖕"), ["🖕"]);
    }

    #[test]
    fn acronyms_and_single_marks_are_not_anger() {
        assert!(evidence("Sent with DHL to the USA, VAT ID DE123456789. Thanks!").is_empty());
        assert!(evidence("Is it compatible? Great!").is_empty());
        assert!(evidence("PANASONIC").is_empty());
    }
}
