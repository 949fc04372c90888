//! Escalation on the shared labelled dev set (`shared/data/messages.dev.jsonl`): precision and
//! recall of `assess(text).escalate` against the `escalate` label.
//!
//! This measures; it is not what the lexicons were written from (they are general knowledge
//! of how buyers write in each language), so the numbers say how well that generalises.
//! Product target: recall ≥ 0.90 at precision ≥ 0.85; the assertion keeps a margin below.

use dragoman_nlu::escalation::assess;
use serde_json::Value;
use std::collections::BTreeMap;

const DEV: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/messages.dev.jsonl");

#[derive(Default)]
struct Counts {
    tp: usize,
    fp: usize,
    fn_: usize,
    tn: usize,
}

impl Counts {
    fn add(&mut self, predicted: bool, actual: bool) {
        match (predicted, actual) {
            (true, true) => self.tp += 1,
            (true, false) => self.fp += 1,
            (false, true) => self.fn_ += 1,
            (false, false) => self.tn += 1,
        }
    }
    fn precision(&self) -> f64 {
        self.tp as f64 / (self.tp + self.fp).max(1) as f64
    }
    fn recall(&self) -> f64 {
        self.tp as f64 / (self.tp + self.fn_).max(1) as f64
    }
}

#[test]
fn escalation_precision_and_recall_on_dev() {
    let data = std::fs::read_to_string(DEV).expect("shared/data/messages.dev.jsonl is next to the project");
    let mut all = Counts::default();
    let mut by_lang: BTreeMap<String, Counts> = BTreeMap::new();
    let mut misses = Vec::new();
    for line in data.lines().filter(|l| !l.trim().is_empty()) {
        let row: Value = serde_json::from_str(line).expect("valid JSON line");
        let text = row["text"].as_str().expect("text");
        let actual = row["escalate"].as_bool().expect("escalate");
        let lang = row["lang"].as_str().unwrap_or("?").to_owned();
        let e = assess(text);
        all.add(e.escalate, actual);
        by_lang.entry(lang.clone()).or_default().add(e.escalate, actual);
        if e.escalate != actual {
            let kinds: Vec<String> = e.reasons.iter().map(|r| r.kind.to_string()).collect();
            let label = if actual { "missed" } else { "false alarm" };
            misses.push(format!("  {label}: {} ({lang}) score {:.2} {kinds:?}", row["id"], e.score));
        }
    }

    println!("escalation on dev: precision {:.3}, recall {:.3}", all.precision(), all.recall());
    println!("  tp {} fp {} fn {} tn {}", all.tp, all.fp, all.fn_, all.tn);
    for (lang, c) in &by_lang {
        println!(
            "  {lang}: precision {:.2} recall {:.2} (tp {} fp {} fn {})",
            c.precision(),
            c.recall(),
            c.tp,
            c.fp,
            c.fn_
        );
    }
    for m in &misses {
        println!("{m}");
    }
    assert!(all.tp + all.fn_ > 0, "the dev set has escalations");
    assert!(all.recall() >= 0.85, "recall {:.3} < 0.85", all.recall());
    assert!(all.precision() >= 0.80, "precision {:.3} < 0.80", all.precision());
}
