//! The store's glossary: brand and product names kept as written ("Lumenhaus"), and terms
//! every engine must render one way ("Stehleuchte" → "floor lamp"). A matched term becomes a
//! protected span whose replacement is the fixed rendering, so no engine can vary it.

use super::LanguagePair;
use super::spans::SpanKind;
use dragoman_core::LanguageTag;
use regex::RegexBuilder;
use serde::{Deserialize, Serialize};
use std::ops::Range;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GlossaryTerm {
    /// As written in the source text (matched ignoring case).
    pub term: String,
    /// The language the term is written in; `None`: any.
    pub from: Option<LanguageTag>,
    /// The language the rendering is for; `None`: any.
    pub to: Option<LanguageTag>,
    /// The fixed rendering; `None`: the term is kept exactly as the text has it.
    pub translation: Option<String>,
}

impl GlossaryTerm {
    fn applies_to(&self, pair: &LanguagePair) -> bool {
        self.from.as_ref().is_none_or(|f| *f == pair.from) && self.to.as_ref().is_none_or(|t| *t == pair.to)
    }

    /// Entries naming both languages beat those naming one, which beat those naming none.
    fn specificity(&self) -> u8 {
        u8::from(self.from.is_some()) + u8::from(self.to.is_some())
    }
}

/// The glossary's spans in `text` for `pair`, each with its rendering. Longer terms win over
/// the shorter ones inside them; a term matches whole words only where the script has spaces.
pub(crate) fn find(
    text: &str,
    terms: &[GlossaryTerm],
    pair: &LanguagePair,
) -> Vec<(Range<usize>, SpanKind, Option<String>)> {
    let mut applicable: Vec<&GlossaryTerm> =
        terms.iter().filter(|t| !t.term.trim().is_empty() && t.applies_to(pair)).collect();
    applicable.sort_by(|a, b| b.term.len().cmp(&a.term.len()).then(b.specificity().cmp(&a.specificity())));
    let mut found: Vec<(Range<usize>, SpanKind, Option<String>)> = Vec::new();
    for term in applicable {
        let Ok(pattern) = RegexBuilder::new(&regex::escape(term.term.trim())).case_insensitive(true).build() else {
            continue;
        };
        for m in pattern.find_iter(text) {
            let taken = found.iter().any(|(r, _, _)| r.start < m.end() && m.start() < r.end);
            if !taken && whole_word(text, m.range()) {
                found.push((m.range(), SpanKind::Glossary, term.translation.clone()));
            }
        }
    }
    found
}

fn whole_word(text: &str, range: Range<usize>) -> bool {
    let spaced_word_char = |c: char| c.is_alphanumeric() && super::spans::uses_spaces(c);
    let first = text[range.clone()].chars().next();
    let last = text[range.clone()].chars().next_back();
    let before = text[..range.start].chars().next_back();
    let after = text[range.end..].chars().next();
    let open_start = !(first.is_some_and(spaced_word_char) && before.is_some_and(spaced_word_char));
    let open_end = !(last.is_some_and(spaced_word_char) && after.is_some_and(spaced_word_char));
    open_start && open_end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(s: &str) -> Option<LanguageTag> {
        Some(LanguageTag::parse(s).unwrap())
    }

    fn term(term: &str, from: Option<LanguageTag>, to: Option<LanguageTag>, translation: Option<&str>) -> GlossaryTerm {
        GlossaryTerm { term: term.into(), from, to, translation: translation.map(str::to_owned) }
    }

    fn pair(s: &str) -> LanguagePair {
        LanguagePair::parse(s).unwrap()
    }

    #[test]
    fn keeps_and_renders_terms_for_their_pair() {
        let terms = [
            term("Lumenhaus", None, None, None),
            term("Stehleuchte", tag("de"), tag("en"), Some("floor lamp")),
            term("Stehleuchte", tag("de"), tag("fr"), Some("lampadaire")),
        ];
        let text = "Die lumenhaus Stehleuchte; Stehleuchten";
        let found = find(text, &terms, &pair("de-en"));
        let got: Vec<(&str, Option<&str>)> = found.iter().map(|(r, _, t)| (&text[r.clone()], t.as_deref())).collect();
        assert_eq!(got, [("Stehleuchte", Some("floor lamp")), ("lumenhaus", None)]);
        assert!(find(text, &terms, &pair("es-en")).iter().all(|(r, _, _)| &text[r.clone()] == "lumenhaus"));
    }

    #[test]
    fn longer_terms_and_specific_entries_win() {
        let terms = [
            term("lamp", None, None, Some("LAMP")),
            term("floor lamp", None, None, Some("GENERIC")),
            term("floor lamp", tag("en"), tag("de"), Some("Stehleuchte")),
        ];
        let text = "my floor lamp and a lamp";
        let found = find(text, &terms, &pair("en-de"));
        let got: Vec<Option<&str>> = found.iter().map(|(_, _, t)| t.as_deref()).collect();
        assert_eq!(got, [Some("Stehleuchte"), Some("LAMP")]);
    }

    #[test]
    fn cjk_terms_match_inside_text_without_spaces() {
        let terms = [term("落地灯", tag("zh"), tag("en"), Some("floor lamp"))];
        let text = "我买的落地灯坏了";
        let found = find(text, &terms, &pair("zh-en"));
        assert_eq!(&text[found[0].0.clone()], "落地灯");
    }
}
