//! Language identification with `whatlang` (trigram models embedded in the crate, no files to
//! load). It reports a confidence and a reliability flag; Dragoman answers `und` rather than
//! guess when a message is too short to tell.

use dragoman_core::LanguageTag;
use whatlang::Lang;

#[derive(Debug, Clone, PartialEq)]
pub struct Detection {
    pub language: LanguageTag,
    /// 0.0 ..= 1.0; 0.0 with `und`.
    pub confidence: f64,
}

/// Below this many letters a trigram guess is noise, except for scripts that identify the
/// language on their own (kana, hangul).
const MIN_LETTERS: usize = 12;

pub fn detect(text: &str) -> Detection {
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    let undetermined = Detection { language: LanguageTag::undetermined(), confidence: 0.0 };
    let Some(info) = whatlang::detect(text) else { return undetermined };
    let script_decides =
        matches!(info.script(), whatlang::Script::Hangul | whatlang::Script::Hiragana | whatlang::Script::Katakana);
    if letters < MIN_LETTERS && !script_decides {
        return undetermined;
    }
    let Some(code) = iso639_1(info.lang()) else { return undetermined };
    let language = LanguageTag::parse(code).expect("the table holds valid codes");
    Detection { language, confidence: info.confidence() }
}

/// whatlang speaks ISO 639-3; Dragoman stores ISO 639-1 where one exists.
fn iso639_1(lang: Lang) -> Option<&'static str> {
    Some(match lang {
        Lang::Eng => "en",
        Lang::Deu => "de",
        Lang::Fra => "fr",
        Lang::Spa => "es",
        Lang::Ita => "it",
        Lang::Por => "pt",
        Lang::Nld => "nl",
        Lang::Pol => "pl",
        Lang::Swe => "sv",
        Lang::Dan => "da",
        Lang::Nob => "no",
        Lang::Fin => "fi",
        Lang::Ces => "cs",
        Lang::Slk => "sk",
        Lang::Hun => "hu",
        Lang::Ron => "ro",
        Lang::Tur => "tr",
        Lang::Ell => "el",
        Lang::Rus => "ru",
        Lang::Ukr => "uk",
        Lang::Bul => "bg",
        Lang::Hrv => "hr",
        Lang::Srp => "sr",
        Lang::Slv => "sl",
        Lang::Lit => "lt",
        Lang::Lav => "lv",
        Lang::Est => "et",
        Lang::Jpn => "ja",
        Lang::Kor => "ko",
        Lang::Cmn => "zh",
        Lang::Tha => "th",
        Lang::Vie => "vi",
        Lang::Ind => "id",
        Lang::Ara => "ar",
        Lang::Heb => "he",
        Lang::Hin => "hi",
        Lang::Ben => "bn",
        Lang::Pes => "fa",
        Lang::Tgl => "tl",
        Lang::Cat => "ca",
        _ => return None,
    })
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
        ];
        for (text, want) in cases {
            let d = detect(text);
            assert_eq!(d.language.as_str(), want, "{text}");
            assert!(d.confidence > 0.0);
        }
    }

    #[test]
    fn too_short_is_undetermined() {
        assert!(detect("ok thx").language.is_undetermined());
        assert!(detect("").language.is_undetermined());
        assert!(detect("12345 !!!").language.is_undetermined());
    }
}
