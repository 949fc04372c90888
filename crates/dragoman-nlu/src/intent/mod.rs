//! Intent classification: what the buyer wants, in any language.
//!
//! Each message is embedded with a multilingual sentence encoder ([`crate::encoder`]) and
//! classified by a softmax regression ([`linear`]) trained on two sets of examples:
//! - the examples shipped with Dragoman (`data/intent_examples.jsonl`, written for the
//!   project in about thirty languages; never the evaluation set), embedded once at start;
//! - the store's own examples, from agents correcting an intent. They weigh more (they are
//!   this store's buyers and products) and [`IntentClassifier::learn`] retrains in well under a
//!   second, swapping the model in place: no restart.
//!
//! Because the encoder maps languages into one space, an intent learnt from German and
//! Japanese examples is recognised in Czech or Thai too.

mod linear;

use crate::encoder::SentenceEncoder;
use dragoman_core::Intent;
use linear::{Linear, Sample};
use regex::Regex;
use serde::{Deserialize, Serialize};
use std::sync::{Arc, LazyLock, RwLock};

const SHIPPED_EXAMPLES: &str = include_str!("../../data/intent_examples.jsonl");
/// A store example counts as this many shipped ones.
const STORE_EXAMPLE_WEIGHT: f32 = 3.0;

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct IntentPrediction {
    pub intent: Intent,
    /// The model's probability for `intent`.
    pub confidence: f32,
}

#[derive(Deserialize)]
struct ShippedExample {
    intent: String,
    text: String,
}

/// The examples Dragoman ships, as (text, intent).
pub fn shipped_examples() -> Vec<(String, Intent)> {
    SHIPPED_EXAMPLES
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let e: ShippedExample = serde_json::from_str(line).expect("shipped intent examples are valid JSON");
            (e.text, e.intent.parse().expect("shipped intent examples use the taxonomy"))
        })
        .collect()
}

/// Order numbers, tracking numbers and amounts say nothing about the intent but take many
/// subword tokens; leaving them out makes short messages' embeddings about their words.
fn for_embedding(text: &str) -> String {
    static NUMBERS: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"[#A-Za-z]{0,4}[0-9][0-9A-Za-z\-./,]{3,}").expect("valid pattern"));
    NUMBERS.replace_all(text, " ").into_owned()
}

struct Trained {
    linear: Linear,
    store_examples: usize,
}

pub struct IntentClassifier {
    encoder: Arc<dyn SentenceEncoder>,
    shipped: Vec<(Vec<f32>, Intent)>,
    trained: RwLock<Arc<Trained>>,
}

impl IntentClassifier {
    /// Embeds the shipped examples and trains on them (a few seconds on one core).
    pub fn new(encoder: Arc<dyn SentenceEncoder>) -> Self {
        let examples = shipped_examples();
        let texts: Vec<String> = examples.iter().map(|(t, _)| for_embedding(t)).collect();
        let vectors = encoder.encode(&texts.iter().map(String::as_str).collect::<Vec<_>>());
        let shipped: Vec<(Vec<f32>, Intent)> = vectors.into_iter().zip(examples.into_iter().map(|(_, i)| i)).collect();
        let linear = train(&shipped, &[], encoder.dim());
        Self { encoder, shipped, trained: RwLock::new(Arc::new(Trained { linear, store_examples: 0 })) }
    }

    /// Retrains on the shipped examples plus `store_examples` (all of them, not only new
    /// ones), then serves the new model. Classification goes on meanwhile with the old one.
    pub fn learn(&self, store_examples: &[(String, Intent)]) {
        let texts: Vec<String> = store_examples.iter().map(|(t, _)| for_embedding(t)).collect();
        let vectors = self.encoder.encode(&texts.iter().map(String::as_str).collect::<Vec<_>>());
        let own: Vec<(Vec<f32>, Intent)> = vectors.into_iter().zip(store_examples.iter().map(|(_, i)| *i)).collect();
        let linear = train(&self.shipped, &own, self.encoder.dim());
        let trained = Arc::new(Trained { linear, store_examples: own.len() });
        *self.trained.write().expect("classifier lock is never poisoned") = trained;
    }

    /// How many store examples the current model learnt from.
    pub fn store_examples(&self) -> usize {
        self.model().store_examples
    }

    pub fn classify(&self, text: &str) -> IntentPrediction {
        self.classify_many(&[text]).pop().expect("one prediction per text")
    }

    /// Classifies a batch (the encoder is faster per text in batches).
    pub fn classify_many(&self, texts: &[&str]) -> Vec<IntentPrediction> {
        let prepared: Vec<String> = texts.iter().map(|t| for_embedding(t)).collect();
        let vectors = self.encoder.encode(&prepared.iter().map(String::as_str).collect::<Vec<_>>());
        let model = self.model();
        vectors
            .iter()
            .map(|v| {
                let probabilities = model.linear.probabilities(v);
                let (best, confidence) = probabilities
                    .iter()
                    .copied()
                    .enumerate()
                    .max_by(|a, b| a.1.total_cmp(&b.1))
                    .expect("the taxonomy is not empty");
                IntentPrediction { intent: Intent::ALL[best], confidence }
            })
            .collect()
    }

    fn model(&self) -> Arc<Trained> {
        self.trained.read().expect("classifier lock is never poisoned").clone()
    }
}

fn train(shipped: &[(Vec<f32>, Intent)], own: &[(Vec<f32>, Intent)], dim: usize) -> Linear {
    let samples: Vec<Sample> = shipped
        .iter()
        .map(|(v, i)| (v, i, 1.0))
        .chain(own.iter().map(|(v, i)| (v, i, STORE_EXAMPLE_WEIGHT)))
        .map(|(v, i, weight)| Sample { features: v, class: i.index(), weight })
        .collect();
    Linear::train(&samples, dim, Intent::ALL.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_examples_cover_every_intent() {
        let examples = shipped_examples();
        for intent in Intent::ALL {
            assert!(examples.iter().filter(|(_, i)| i == intent).count() >= 20, "{intent}");
        }
    }

    #[test]
    fn numbers_are_left_out_of_the_embedding() {
        assert_eq!(
            for_embedding("Where is 302-5518290-6612047, tracking 1Z999AA10123456784? #LH-10517 ok").split_whitespace().collect::<Vec<_>>(),
            ["Where", "is", "tracking", "ok"]
        );
        assert_eq!(for_embedding("Lieferung am 3. Mai"), "Lieferung am 3. Mai");
    }

    /// A toy encoder: one dimension per keyword, so the classifier's wiring is testable
    /// without model files.
    struct Keywords;

    impl SentenceEncoder for Keywords {
        fn name(&self) -> &str {
            "keywords"
        }
        fn dim(&self) -> usize {
            3
        }
        fn encode(&self, texts: &[&str]) -> Vec<Vec<f32>> {
            texts
                .iter()
                .map(|t| ["refund", "broken", "zoll"].iter().map(|k| if t.contains(k) { 1.0 } else { 0.0 }).collect())
                .collect()
        }
    }

    #[test]
    fn learns_store_examples_without_a_restart() {
        let classifier = IntentClassifier::new(Arc::new(Keywords));
        assert_eq!(classifier.store_examples(), 0);
        let own = vec![("zoll zoll".to_owned(), Intent::CustomsTaxInvoice); 40];
        classifier.learn(&own);
        assert_eq!(classifier.store_examples(), 40);
        let p = classifier.classify("zoll");
        assert_eq!(p.intent, Intent::CustomsTaxInvoice);
        assert!(p.confidence > 0.5, "{p:?}");
    }
}
