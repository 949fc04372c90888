//! Intent classification: what the buyer wants, in any language.
//!
//! Each message is embedded with a multilingual sentence encoder ([`crate::encoder`]), and its
//! character n-grams are hashed into a sparse vector; a softmax regression ([`linear`]) over
//! both is trained on two sets of examples. The embedding carries meaning across languages;
//! the n-grams carry the words that decide between close intents ("kaputt", "壊れ", "refund")
//! in the languages the examples cover. Five-fold cross-validation on the shipped examples
//! chose the combination (see the ignored `cross_validation` test). The examples:
//! - the examples shipped with Dragoman (`data/intent_examples.jsonl`, written for the
//!   project in about thirty languages; never the evaluation set), embedded once at start;
//! - the store's own examples, from agents correcting an intent. They weigh more (they are
//!   this store's buyers and products) and [`IntentClassifier::learn`] retrains in well under a
//!   second, swapping the model in place: no restart.
//!
//! Because the encoder maps languages into one space, an intent learnt from German and
//! Japanese examples is recognised in Czech or Thai too.
//!
//! A rule layer ([`cues`]) applies the labelling rule that a message asking two things is about
//! what the seller must act on first: when the buyer states the item arrived broken or is not
//! the item ordered, a model answer of refund, return, feedback, order status or other becomes
//! `damaged_defective` or `wrong_item` (never overriding cancel, change, customs or a product question).

mod cues;
mod linear;

use crate::encoder::SentenceEncoder;
use dragoman_core::Intent;
use linear::{Features, Linear, Sample};
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
/// Only the beginning is embedded: by then a buyer has said what they want, and the encoder's
/// cost grows with the text (measured on the dev set: the same macro-F1 as the whole text;
/// a long email no longer costs ten short messages).
fn for_embedding(text: &str) -> String {
    const MAX_CHARS: usize = 280;
    static NUMBERS: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"[#A-Za-z]{0,4}-?[0-9][0-9A-Za-z\-./,]{3,}").expect("valid pattern"));
    let head = match text.char_indices().nth(MAX_CHARS) {
        Some((end, _)) => &text[..end],
        None => text,
    };
    NUMBERS.replace_all(head, " ").into_owned()
}

/// Hash buckets for character n-grams: enough that collisions are rare among the few tens of
/// thousands of distinct n-grams the examples have.
const NGRAM_BUCKETS: usize = 1 << 15;

/// Sublinear-TF, L2-normalised character 2- to 4-grams of the lower-cased text, hashed.
fn ngrams(text: &str) -> Vec<(u32, f32)> {
    let chars: Vec<char> = std::iter::once(' ')
        .chain(text.to_lowercase().chars().map(|c| if c.is_alphanumeric() { c } else { ' ' }))
        .chain(std::iter::once(' '))
        .collect();
    let mut counts: std::collections::HashMap<u32, f32> = std::collections::HashMap::new();
    for n in 2..=4 {
        for window in chars.windows(n) {
            if window.iter().all(|c| *c == ' ') {
                continue;
            }
            // FNV-1a: stable across runs and platforms, so a model is reproducible.
            let mut hash: u32 = 0x811c_9dc5;
            for c in window {
                for b in (*c as u32).to_le_bytes() {
                    hash = (hash ^ u32::from(b)).wrapping_mul(0x0100_0193);
                }
            }
            *counts.entry(hash % NGRAM_BUCKETS as u32).or_default() += 1.0;
        }
    }
    let mut features: Vec<(u32, f32)> = counts.into_iter().map(|(i, tf)| (i, 1.0 + tf.ln())).collect();
    let norm = features.iter().map(|(_, v)| v * v).sum::<f32>().sqrt();
    if norm > 0.0 {
        for (_, v) in &mut features {
            *v /= norm;
        }
    }
    features.sort_unstable_by_key(|(i, _)| *i);
    features
}

/// An example as the model sees it.
struct Vectorised {
    embedding: Vec<f32>,
    ngrams: Vec<(u32, f32)>,
    intent: Intent,
}

fn vectorise(encoder: &dyn SentenceEncoder, examples: &[(String, Intent)]) -> Vec<Vectorised> {
    let texts: Vec<String> = examples.iter().map(|(t, _)| for_embedding(t)).collect();
    let embeddings = encoder.encode(&texts.iter().map(String::as_str).collect::<Vec<_>>());
    embeddings
        .into_iter()
        .zip(texts.iter().zip(examples))
        .map(|(embedding, (text, (_, intent)))| Vectorised { embedding, ngrams: ngrams(text), intent: *intent })
        .collect()
}

struct Trained {
    linear: Linear,
    store_examples: usize,
}

pub struct IntentClassifier {
    encoder: Arc<dyn SentenceEncoder>,
    shipped: Vec<Vectorised>,
    trained: RwLock<Arc<Trained>>,
}

impl IntentClassifier {
    /// Embeds the shipped examples and trains on them (a few seconds on one core).
    pub fn new(encoder: Arc<dyn SentenceEncoder>) -> Self {
        let shipped = vectorise(encoder.as_ref(), &shipped_examples());
        let linear = train(&shipped, &[], encoder.dim());
        Self { encoder, shipped, trained: RwLock::new(Arc::new(Trained { linear, store_examples: 0 })) }
    }

    /// Retrains on the shipped examples plus `store_examples` (all of them, not only new
    /// ones), then serves the new model. Classification goes on meanwhile with the old one.
    pub fn learn(&self, store_examples: &[(String, Intent)]) {
        let own = vectorise(self.encoder.as_ref(), store_examples);
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
            .zip(&prepared)
            .zip(texts)
            .map(|((v, text), original)| {
                let sparse = ngrams(text);
                let probabilities = model.linear.probabilities(Features { dense: v, sparse: &sparse });
                let (best, confidence) = probabilities
                    .iter()
                    .copied()
                    .enumerate()
                    .max_by(|a, b| a.1.total_cmp(&b.1))
                    .expect("the taxonomy is not empty");
                let predicted = IntentPrediction { intent: Intent::ALL[best], confidence };
                act_first_override(predicted, cues::act_first(original), &probabilities)
            })
            .collect()
    }

    fn model(&self) -> Arc<Trained> {
        self.trained.read().expect("classifier lock is never poisoned").clone()
    }
}

/// The act-first rule over the model's answer: a stated defect or wrong item wins over a refund,
/// return, feedback, order-status or other answer, with at least even confidence.
fn act_first_override(predicted: IntentPrediction, cue: Option<Intent>, probabilities: &[f32]) -> IntentPrediction {
    let overridable = matches!(
        predicted.intent,
        Intent::Refund | Intent::ReturnExchange | Intent::Feedback | Intent::OrderStatus | Intent::Other
    );
    match cue {
        Some(intent) if overridable && intent != predicted.intent => {
            IntentPrediction { intent, confidence: probabilities[intent.index()].max(0.5) }
        }
        _ => predicted,
    }
}

fn train(shipped: &[Vectorised], own: &[Vectorised], embedding_dim: usize) -> Linear {
    let samples: Vec<Sample> = shipped
        .iter()
        .map(|v| (v, 1.0))
        .chain(own.iter().map(|v| (v, STORE_EXAMPLE_WEIGHT)))
        .map(|(v, weight)| Sample {
            features: Features { dense: &v.embedding, sparse: &v.ngrams },
            class: v.intent.index(),
            weight,
        })
        .collect();
    Linear::train(&samples, embedding_dim + NGRAM_BUCKETS, Intent::ALL.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn act_first_overrides_only_what_it_may() {
        let mut probabilities = vec![0.0; Intent::ALL.len()];
        probabilities[Intent::Refund.index()] = 0.7;
        probabilities[Intent::DamagedDefective.index()] = 0.2;
        let refund = IntentPrediction { intent: Intent::Refund, confidence: 0.7 };
        let p = act_first_override(refund, Some(Intent::DamagedDefective), &probabilities);
        assert_eq!((p.intent, p.confidence), (Intent::DamagedDefective, 0.5));
        assert_eq!(act_first_override(refund, None, &probabilities), refund);
        let cancel = IntentPrediction { intent: Intent::CancelOrder, confidence: 0.7 };
        assert_eq!(act_first_override(cancel, Some(Intent::WrongItem), &probabilities), cancel);
        let question = IntentPrediction { intent: Intent::ProductQuestion, confidence: 0.4 };
        assert_eq!(act_first_override(question, Some(Intent::DamagedDefective), &probabilities), question);
    }

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
            for_embedding("Where is 302-5518290-6612047, tracking 1Z999AA10123456784? #LH-10517 ok")
                .split_whitespace()
                .collect::<Vec<_>>(),
            ["Where", "is", "tracking", "?", "ok"]
        );
        assert_eq!(for_embedding("Lieferung am 3. Mai"), "Lieferung am 3. Mai");
    }

    /// Five-fold cross-validation on the shipped examples (never the evaluation set), to choose
    /// the features: `cargo test -p dragoman-nlu --release cross_validation -- --ignored --nocapture`.
    #[test]
    #[ignore = "needs the models (scripts/fetch-models) and a minute"]
    fn cross_validation() {
        let encoder = crate::encoder::UseM3::load(&crate::encoder::models_dir().join("use-m3")).expect("models");
        let all = vectorise(&encoder, &shipped_examples());
        let dim = encoder.dim();
        let variants: [(&str, bool, bool); 3] =
            [("embedding", true, false), ("n-grams", false, true), ("embedding + n-grams", true, true)];
        let mut accuracies = Vec::new();
        for (name, dense, sparse) in variants {
            let (mut right, mut total) = (0, 0);
            for fold in 0..5 {
                let keep = |v: &Vectorised| Vectorised {
                    embedding: if dense { v.embedding.clone() } else { vec![0.0; dim] },
                    ngrams: if sparse { v.ngrams.clone() } else { Vec::new() },
                    intent: v.intent,
                };
                let train_set: Vec<Vectorised> =
                    all.iter().enumerate().filter(|(i, _)| i % 5 != fold).map(|(_, v)| keep(v)).collect();
                let model = train(&train_set, &[], dim);
                for v in all.iter().enumerate().filter(|(i, _)| i % 5 == fold).map(|(_, v)| keep(v)) {
                    let p = model.probabilities(Features { dense: &v.embedding, sparse: &v.ngrams });
                    let best = p.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).unwrap().0;
                    right += usize::from(best == v.intent.index());
                    total += 1;
                }
            }
            let accuracy = right as f64 / total as f64;
            println!("{name:<22} accuracy {accuracy:.3} ({right}/{total})");
            accuracies.push(accuracy);
        }
        // The model serves the combination: it must beat either part alone.
        assert!(accuracies[2] > accuracies[0] && accuracies[2] > accuracies[1], "{accuracies:?}");
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
