//! Escalation: does a human need to see this message first and fast?
//!
//! [`assess`] looks for the signs listed in the data set's `escalate` definition: anger, a
//! threat of a bad review, a marketplace claim (A-to-z, eBay case or Money Back Guarantee), a
//! chargeback or PayPal dispute, a legal threat (lawyer, court, consumer protection body),
//! repeated contact ("third time I write"), and profanity. It is language-independent: every
//! language's lexicon is checked against every message, because the language detector is
//! least reliable on exactly the short, angry messages that matter here, and buyers mix
//! languages ("PayPal dispute" in a German sentence).
//!
//! Each cue found becomes a [`Reason`] with the words as the buyer wrote them. Reasons are
//! combined as independent evidence (`1 − Π(1 − wᵢ)`), so one strong reason (a claim, a
//! chargeback, a lawyer, a review threat, repeated contact) reaches [`THRESHOLD`] on its own,
//! while a single angry word or a "!!!" does not: "the lamp arrived broken, unacceptable" is
//! a complaint, "UNACCEPTABLE!!! 😡" is anger.
//!
//! Negated and polite mentions do not count ("I will leave a great review", "no need to open
//! a case", "I don't want to complain"): see `context` for how negation is scoped, and the
//! lexicon's suppressors for de-escalations such as withdrawing a review or closing a case.
//!
//! Modules: `fold` (text normalisation with offsets back to the original), `lexicon` (the
//! cues per language), `context` (negation), `typography` (caps, "!!!", emoji).

mod context;
mod fold;
mod lexicon;
mod typography;

#[cfg(test)]
mod tests;

use regex::{Regex, RegexSet};
use serde::{Deserialize, Serialize};
use std::ops::Range;
use std::sync::LazyLock;

/// Score at and above which a message is escalated.
pub const THRESHOLD: f32 = 0.5;

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Escalation {
    /// 0 (calm) to 1 (certain), from the reasons' weights.
    pub score: f32,
    pub escalate: bool,
    /// In the order they appear in the message.
    pub reasons: Vec<Reason>,
}

impl Escalation {
    pub fn has(&self, kind: ReasonKind) -> bool {
        self.reasons.iter().any(|r| r.kind == kind)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    pub kind: ReasonKind,
    /// The matched words exactly as the buyer wrote them.
    pub evidence: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonKind {
    /// Angry words, SHOUTING, "!!!", 😡.
    Anger,
    /// A bad review, one star, a warning to other buyers, social media.
    ReviewThreat,
    /// Amazon A-to-z Guarantee, an eBay case or Money Back Guarantee, reporting to the marketplace.
    MarketplaceClaim,
    /// A chargeback, a PayPal dispute, the bank or card issuer.
    Chargeback,
    /// A lawyer, court, the police, a consumer protection body.
    LegalThreat,
    /// "Third time I write", "schon wieder", "何度も", "已经第三次", no answer to earlier messages.
    RepeatedContact,
    Profanity,
}

impl ReasonKind {
    pub const ALL: &'static [ReasonKind] = &[
        ReasonKind::Anger,
        ReasonKind::ReviewThreat,
        ReasonKind::MarketplaceClaim,
        ReasonKind::Chargeback,
        ReasonKind::LegalThreat,
        ReasonKind::RepeatedContact,
        ReasonKind::Profanity,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReasonKind::Anger => "anger",
            ReasonKind::ReviewThreat => "review_threat",
            ReasonKind::MarketplaceClaim => "marketplace_claim",
            ReasonKind::Chargeback => "chargeback",
            ReasonKind::LegalThreat => "legal_threat",
            ReasonKind::RepeatedContact => "repeated_contact",
            ReasonKind::Profanity => "profanity",
        }
    }
}

impl std::fmt::Display for ReasonKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

struct Cue {
    kind: ReasonKind,
    weight: f32,
    negatable: bool,
    regex: Regex,
}

struct Compiled {
    /// All cue patterns at once, so a message only runs the few cues that can match.
    set: RegexSet,
    cues: Vec<Cue>,
    suppressors: Vec<(&'static [ReasonKind], Regex)>,
}

/// Folds a lexicon pattern and narrows its word classes to ASCII. Folded Latin text is ASCII
/// (accents are gone), so nothing is lost, and Unicode `\w`/`\b` would make the combined set
/// of several hundred patterns too large to compile.
fn prepare(pattern: &str) -> String {
    fold::fold_pattern(pattern).replace(r"\b", r"(?-u:\b)").replace(r"\w", "[0-9a-z_]").replace(r"\d", "[0-9]")
}

static COMPILED: LazyLock<Compiled> = LazyLock::new(|| {
    let mut patterns = Vec::new();
    let mut cues = Vec::new();
    for group in lexicon::GROUPS {
        for pattern in group.patterns {
            let folded = prepare(pattern);
            let regex = Regex::new(&folded).unwrap_or_else(|e| panic!("lexicon pattern {pattern:?}: {e}"));
            cues.push(Cue { kind: group.kind, weight: group.weight, negatable: group.negatable, regex });
            patterns.push(folded);
        }
    }
    // The lazy DFA of several hundred patterns outgrows regex's default cache and falls back
    // to the (much slower) PikeVM on every message; a larger cache keeps it on the DFA.
    let set = regex::RegexSetBuilder::new(&patterns)
        .dfa_size_limit(64 << 20)
        .build()
        .expect("lexicon patterns compile as a set");
    let suppressors = lexicon::SUPPRESSORS
        .iter()
        .map(|s| (s.kinds, Regex::new(&prepare(s.pattern)).expect("suppressor pattern compiles")))
        .collect();
    Compiled { set, cues, suppressors }
});

/// A cue found in the text, before overlapping cues are resolved.
struct Hit {
    kind: ReasonKind,
    weight: f32,
    /// Byte range in the original text.
    range: Range<usize>,
    /// Folded text of the match, to count "unacceptable" and "UNACCEPTABLE" once.
    key: String,
}

/// Assesses one buyer message in any language.
pub fn assess(text: &str) -> Escalation {
    let compiled = &*COMPILED;
    let folded = fold::Folded::new(text);
    let haystack = folded.text.as_str();

    let mut hits = Vec::new();
    for index in compiled.set.matches(haystack).iter() {
        let cue = &compiled.cues[index];
        for m in cue.regex.find_iter(haystack) {
            if cue.negatable && context::negated(haystack, m.start(), m.end()) {
                continue;
            }
            if suppressed(compiled, haystack, cue.kind, m.range()) {
                continue;
            }
            hits.push(Hit {
                kind: cue.kind,
                weight: cue.weight,
                range: folded.original_range(m.range()),
                key: m.as_str().to_owned(),
            });
        }
    }
    let mut hits = resolve_overlaps(hits);
    // After overlap resolution: a shouted run contains words that are cues of their own
    // ("THIS IS A SCAM"), and both count.
    for mark in typography::marks(text) {
        let key = text[mark.range.clone()].to_owned();
        hits.push(Hit { kind: mark.kind, weight: mark.weight, range: mark.range, key });
    }

    let mut reasons: Vec<(Range<usize>, Reason)> = Vec::new();
    let mut counted: Vec<(ReasonKind, &str)> = Vec::new();
    let mut calm = 1.0f32;
    for hit in &hits {
        if counted.contains(&(hit.kind, hit.key.as_str())) {
            continue;
        }
        counted.push((hit.kind, hit.key.as_str()));
        calm *= 1.0 - hit.weight;
        let evidence = text[hit.range.clone()].to_owned();
        reasons.push((hit.range.clone(), Reason { kind: hit.kind, evidence }));
    }
    reasons.sort_by_key(|(range, r)| (range.start, r.kind));
    // Rounded so that the score is stable in JSON and in tests.
    let score = ((1.0 - calm) * 1000.0).round() / 1000.0;
    Escalation { score, escalate: score >= THRESHOLD, reasons: reasons.into_iter().map(|(_, r)| r).collect() }
}

fn suppressed(compiled: &Compiled, haystack: &str, kind: ReasonKind, range: Range<usize>) -> bool {
    compiled
        .suppressors
        .iter()
        .filter(|(kinds, _)| kinds.contains(&kind))
        .any(|(_, regex)| regex.find_iter(haystack).any(|m| m.start() < range.end && range.start < m.end()))
}

/// Keeps the longest of overlapping cues: "PayPal-Käuferschutz" is one chargeback, not also
/// a marketplace claim for the "Käuferschutz" inside it.
fn resolve_overlaps(mut hits: Vec<Hit>) -> Vec<Hit> {
    hits.sort_by(|a, b| {
        (b.range.len(), b.weight).partial_cmp(&(a.range.len(), a.weight)).unwrap_or(std::cmp::Ordering::Equal)
    });
    let mut kept: Vec<Hit> = Vec::with_capacity(hits.len());
    for hit in hits {
        let inside = kept.iter().any(|k| k.range.start <= hit.range.start && hit.range.end <= k.range.end);
        if !inside {
            kept.push(hit);
        }
    }
    kept.sort_by_key(|h| h.range.start);
    kept
}
