//! Scoring the analyzer against labelled messages (the format of `shared/data/messages.*.jsonl`):
//! language accuracy, intent accuracy and macro-F1 with a confusion matrix, escalation
//! precision and recall, entity precision and recall per type. `dragoman eval` prints it.

use crate::Analysis;
use dragoman_core::Intent;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt::Write;

/// One labelled message; fields the analyzer does not produce are ignored.
#[derive(Debug, Clone, Deserialize)]
pub struct Labelled {
    #[serde(default)]
    pub id: serde_json::Value,
    pub text: String,
    pub lang: String,
    pub intent: String,
    pub escalate: bool,
    #[serde(default)]
    pub entities: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Counts {
    pub true_positive: usize,
    pub false_positive: usize,
    pub false_negative: usize,
}

impl Counts {
    pub fn precision(&self) -> f64 {
        ratio(self.true_positive, self.true_positive + self.false_positive)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.true_positive, self.true_positive + self.false_negative)
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) }
    }
}

/// An empty denominator means nothing was asked and nothing was wrong.
fn ratio(n: usize, d: usize) -> f64 {
    if d == 0 { 1.0 } else { n as f64 / d as f64 }
}

#[derive(Debug, Clone, Default)]
pub struct Report {
    pub messages: usize,
    pub language_correct: usize,
    pub intent_correct: usize,
    /// (expected, predicted) → count.
    pub confusion: BTreeMap<(String, String), usize>,
    pub escalation: Counts,
    pub entities: BTreeMap<&'static str, Counts>,
    /// Messages whose language or intent was wrong: (id, what, expected, got).
    pub misses: Vec<(String, &'static str, String, String)>,
}

impl Report {
    pub fn score(labelled: &[Labelled], analyses: &[Analysis]) -> Report {
        let mut report = Report { messages: labelled.len(), ..Report::default() };
        for (l, a) in labelled.iter().zip(analyses) {
            let id = match &l.id {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            if a.lang.as_str() == l.lang {
                report.language_correct += 1;
            } else {
                report.misses.push((id.clone(), "lang", l.lang.clone(), a.lang.to_string()));
            }
            let predicted = a.intent.map_or("none".to_owned(), |i| i.to_string());
            if predicted == l.intent {
                report.intent_correct += 1;
            } else {
                report.misses.push((id, "intent", l.intent.clone(), predicted.clone()));
            }
            *report.confusion.entry((l.intent.clone(), predicted)).or_default() += 1;
            let e = &mut report.escalation;
            match (l.escalate, a.escalate) {
                (true, true) => e.true_positive += 1,
                (false, true) => e.false_positive += 1,
                (true, false) => e.false_negative += 1,
                (false, false) => {}
            }
            for (kind, got) in a.entity_strings() {
                let want = l.entities.get(kind).cloned().unwrap_or_default();
                let c = report.entities.entry(kind).or_default();
                c.true_positive += got.iter().filter(|g| want.contains(g)).count();
                c.false_positive += got.iter().filter(|g| !want.contains(g)).count();
                c.false_negative += want.iter().filter(|w| !got.contains(w)).count();
            }
        }
        report
    }

    pub fn language_accuracy(&self) -> f64 {
        ratio(self.language_correct, self.messages)
    }

    pub fn intent_accuracy(&self) -> f64 {
        ratio(self.intent_correct, self.messages)
    }

    pub fn intent_counts(&self, intent: &str) -> Counts {
        let mut c = Counts::default();
        for ((expected, predicted), n) in &self.confusion {
            match (expected == intent, predicted == intent) {
                (true, true) => c.true_positive += n,
                (true, false) => c.false_negative += n,
                (false, true) => c.false_positive += n,
                (false, false) => {}
            }
        }
        c
    }

    /// Mean F1 over the intents that occur in the labels.
    pub fn intent_macro_f1(&self) -> f64 {
        let present: Vec<&str> =
            Intent::ALL.iter().map(|i| i.as_str()).filter(|i| self.confusion.keys().any(|(e, _)| e == i)).collect();
        if present.is_empty() {
            return 0.0;
        }
        present.iter().map(|i| self.intent_counts(i).f1()).sum::<f64>() / present.len() as f64
    }

    pub fn entities_micro(&self) -> Counts {
        self.entities.values().fold(Counts::default(), |acc, c| Counts {
            true_positive: acc.true_positive + c.true_positive,
            false_positive: acc.false_positive + c.false_positive,
            false_negative: acc.false_negative + c.false_negative,
        })
    }

    /// A plain-text report for people.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "messages: {}", self.messages);
        let _ = writeln!(out, "language accuracy: {:.3}", self.language_accuracy());
        let _ =
            writeln!(out, "intent accuracy: {:.3}   macro-F1: {:.3}", self.intent_accuracy(), self.intent_macro_f1());
        let _ = writeln!(out, "\n{:<20} {:>9} {:>9} {:>9}", "intent", "precision", "recall", "F1");
        for intent in Intent::ALL {
            let c = self.intent_counts(intent.as_str());
            if c.true_positive + c.false_negative + c.false_positive > 0 {
                let _ =
                    writeln!(out, "{:<20} {:>9.3} {:>9.3} {:>9.3}", intent.as_str(), c.precision(), c.recall(), c.f1());
            }
        }
        let _ = writeln!(out, "\nconfusion (expected → predicted: count), errors only:");
        for ((expected, predicted), n) in &self.confusion {
            if expected != predicted {
                let _ = writeln!(out, "  {expected} → {predicted}: {n}");
            }
        }
        let e = self.escalation;
        let _ = writeln!(out, "\nescalation precision: {:.3}   recall: {:.3}", e.precision(), e.recall());
        let _ = writeln!(out, "\n{:<18} {:>9} {:>9} {:>9}", "entities", "precision", "recall", "F1");
        for (kind, c) in &self.entities {
            let _ = writeln!(out, "{kind:<18} {:>9.3} {:>9.3} {:>9.3}", c.precision(), c.recall(), c.f1());
        }
        let m = self.entities_micro();
        let _ = writeln!(out, "{:<18} {:>9.3} {:>9.3} {:>9.3}", "all (micro)", m.precision(), m.recall(), m.f1());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_ratios() {
        let c = Counts { true_positive: 8, false_positive: 2, false_negative: 8 };
        assert!((c.precision() - 0.8).abs() < 1e-9);
        assert!((c.recall() - 0.5).abs() < 1e-9);
        assert!((c.f1() - 0.615_384_6).abs() < 1e-6);
        assert_eq!(Counts::default().f1(), 1.0, "nothing to find, nothing wrong");
    }
}
