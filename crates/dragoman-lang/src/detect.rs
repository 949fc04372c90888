//! Language identification with `lingua`, chosen by measurement on short buyer messages
//! (BENCHMARKS.md: it was the only candidate right on every message of the dev set; `whatlang`
//! confused Portuguese with Spanish and Dutch with Afrikaans, `whichlang` knows too few
//! languages). Its n-gram models are compiled into the binary; no files to load.
//!
//! Dragoman answers `und` rather than guess: on text with almost no letters, and when the
//! best language is not clearly ahead of the next (a two-word "ok thanks" could be anything).
//! The conversation's language is then decided over the whole thread, with the storefront's
//! language as a weak prior.

use dragoman_core::LanguageTag;
use lingua::{LanguageDetector, LanguageDetectorBuilder};
use std::sync::LazyLock;

#[derive(Debug, Clone, PartialEq)]
pub struct Detection {
    pub language: LanguageTag,
    /// 0.0 ..= 1.0; 0.0 with `und`.
    pub confidence: f64,
}

impl Detection {
    pub fn undetermined() -> Self {
        Self { language: LanguageTag::undetermined(), confidence: 0.0 }
    }
}

/// Fewer letters than this say nothing about a language ("OK", "??", an order number).
const MIN_LETTERS: usize = 4;
/// Below this confidence the top language is a guess, not a detection. lingua's confidences
/// are shares of one: on a short message close languages split it (Spanish 0.28, Galician
/// 0.20, Portuguese 0.18…) while the top one is still right, so the bar is low. Measured on
/// the 3,176 labelled training examples: 0.30 answered `und` for 1.6 % of them (clear
/// sentences among them), 0.15 for 0.3 %; the dev set is right at both.
const MIN_CONFIDENCE: f64 = 0.15;
/// The n-gram scoring costs in proportion to the text; a buyer message's first hundred and
/// twenty characters tell its language as well as the whole (quoted tails and signatures are
/// already cut off by the channel adapters; measured: the same answers on the dev set and the
/// training examples as with two hundred).
const MAX_CHARS: usize = 120;

static DETECTOR: LazyLock<LanguageDetector> =
    LazyLock::new(|| LanguageDetectorBuilder::from_all_languages().with_preloaded_language_models().build());

/// Loads the models now rather than on the first message (about a second), e.g. at start-up.
pub fn warm_up() {
    LazyLock::force(&DETECTOR);
}

pub fn detect(text: &str) -> Detection {
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    if letters < MIN_LETTERS {
        return Detection::undetermined();
    }
    if let Some(by_script) = decided_by_script(text) {
        return by_script;
    }
    let text = match text.char_indices().nth(MAX_CHARS) {
        Some((end, _)) => &text[..end],
        None => text,
    };
    let ranked = DETECTOR.compute_language_confidence_values(text);
    let Some((language, confidence)) = ranked.first() else { return Detection::undetermined() };
    if *confidence < MIN_CONFIDENCE {
        return Detection::undetermined();
    }
    let code = match language.iso_code_639_1().to_string() {
        // Buyers, marketplaces and the labelled data say "no" for Norwegian (Bokmål is what
        // almost all of them write).
        bokmal if bokmal == "nb" => "no".to_owned(),
        code => code,
    };
    match LanguageTag::parse(&code) {
        Ok(language) => Detection { language, confidence: *confidence },
        Err(_) => Detection::undetermined(),
    }
}

/// Some scripts belong to one language among those Dragoman knows: when such letters make
/// most of the text, the script answers at once and the n-gram models (the costly part) need
/// not run. Kana means Japanese even among kanji; kanji without kana mean Chinese. Scripts that
/// several languages share (Latin, Cyrillic, Arabic) go to the models.
fn decided_by_script(text: &str) -> Option<Detection> {
    let mut letters = 0usize;
    // Counts per script, in the order of `SCRIPT_LANGUAGES`.
    let mut counts = [0usize; SCRIPT_LANGUAGES.len()];
    let (mut kana, mut han) = (0usize, 0usize);
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        letters += 1;
        let c = c as u32;
        match c {
            0x3040..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9D => kana += 1,
            0x4E00..=0x9FFF | 0x3400..=0x4DBF => han += 1,
            // Latin: left to the models.
            0..0x0370 => {}
            _ => {
                if let Some(i) = SCRIPT_LANGUAGES.iter().position(|(ranges, _)| ranges.iter().any(|r| r.contains(&c))) {
                    counts[i] += 1;
                }
            }
        }
    }
    let language = if kana > 0 && (kana + han) * 2 > letters {
        "ja"
    } else if han * 2 > letters && kana == 0 {
        "zh"
    } else {
        let (i, most) = counts.iter().enumerate().max_by_key(|(_, n)| **n)?;
        if most * 2 <= letters {
            return None;
        }
        SCRIPT_LANGUAGES[i].1
    };
    Some(Detection { language: LanguageTag::parse(language).expect("valid"), confidence: 1.0 })
}

/// Scripts that, among the languages Dragoman detects, only one language writes.
const SCRIPT_LANGUAGES: [(&[std::ops::RangeInclusive<u32>], &str); 6] = [
    (&[0xAC00..=0xD7A3, 0x1100..=0x11FF, 0x3130..=0x318F], "ko"),
    (&[0x0E00..=0x0E7F], "th"),
    (&[0x0370..=0x03FF, 0x1F00..=0x1FFF], "el"),
    (&[0x0590..=0x05FF], "he"),
    (&[0x0900..=0x097F], "hi"),
    (&[0x0980..=0x09FF], "bn"),
];

/// The language of a conversation from its buyer messages (oldest first) and the storefront's
/// usual language. Each message votes with its confidence, weighted by length (a long message
/// says more than "thanks!"); the prior counts like one short, unsure message, so it decides
/// only when the messages do not.
pub fn conversation_language(messages: &[(Detection, usize)], prior: Option<&LanguageTag>) -> Option<LanguageTag> {
    const PRIOR_WEIGHT: f64 = 0.25;
    let mut votes: Vec<(&LanguageTag, f64)> = Vec::new();
    for (detection, chars) in messages {
        if detection.language.is_undetermined() {
            continue;
        }
        let weight = detection.confidence * (*chars as f64 / 40.0).clamp(0.25, 3.0);
        add(&mut votes, &detection.language, weight);
    }
    if let Some(prior) = prior {
        add(&mut votes, prior, PRIOR_WEIGHT);
    }
    votes.into_iter().max_by(|a, b| a.1.total_cmp(&b.1)).map(|(l, _)| l.clone())
}

fn add<'a>(votes: &mut Vec<(&'a LanguageTag, f64)>, language: &'a LanguageTag, weight: f64) {
    match votes.iter_mut().find(|(l, _)| *l == language) {
        Some((_, w)) => *w += weight,
        None => votes.push((language, weight)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_buyer_messages() {
        let cases = [
            ("Die Stehleuchte ist heute angekommen, aber der Fuß hat einen Riss.", "de"),
            ("まだ発送のご連絡をいただいておりません。", "ja"),
            ("주문번호 관련해서 문의드립니다. 오늘 관부가세를 결제하라는 문자가 왔어요.", "ko"),
            ("Fiz o pedido ontem mas vi que escolhi a cor errada do abajur.", "pt"),
            ("Goedemiddag, ik wil de jas graag retourneren, hij is te klein.", "nl"),
            ("请问我的包裹什么时候到？已经等了两个星期了。", "zh"),
            ("請問我的包裹什麼時候到？已經等了兩個星期了。", "zh"),
            ("Το δέμα δεν έχει φτάσει ακόμα, πού βρίσκεται;", "el"),
            ("พัสดุยังไม่มาถึงเลยค่ะ ช่วยตรวจสอบให้หน่อย", "th"),
            ("החבילה עדיין לא הגיעה, מתי היא תגיע?", "he"),
            ("मेरा ऑर्डर अभी तक नहीं आया है", "hi"),
            ("Hei! Pakken min har ikke kommet ennå, og sporingen har stått stille i en uke.", "no"),
        ];
        for (text, want) in cases {
            let d = detect(text);
            assert_eq!(d.language.as_str(), want, "{text}");
            assert!(d.confidence > MIN_CONFIDENCE);
        }
    }

    #[test]
    fn too_little_text_is_undetermined() {
        assert!(detect("ok").language.is_undetermined());
        assert!(detect("").language.is_undetermined());
        assert!(detect("302-5518290-6612047 !!!").language.is_undetermined());
    }

    fn d(language: &str, confidence: f64) -> Detection {
        Detection { language: LanguageTag::parse(language).unwrap(), confidence }
    }

    #[test]
    fn conversation_language_weighs_messages_over_the_prior() {
        let de = LanguageTag::parse("de").unwrap();
        // A German storefront, but the buyer writes English at length.
        let thread = [(d("en", 0.9), 200), (d("de", 0.4), 6)];
        assert_eq!(conversation_language(&thread, Some(&de)).unwrap().as_str(), "en");
        // Nothing detectable: the prior decides.
        let thread = [(Detection::undetermined(), 3)];
        assert_eq!(conversation_language(&thread, Some(&de)).unwrap().as_str(), "de");
        assert_eq!(conversation_language(&thread, None), None);
    }
}
