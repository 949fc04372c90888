//! One call that understands a message: language, intent, escalation, entities. This is what
//! `dragoman analyze` prints and what enrichment stores on every inbound message.

use crate::encoder::{EncoderError, UseM3};
use crate::entities::{self, Entities};
use crate::escalation::{self, Escalation};
use crate::intent::{IntentClassifier, IntentPrediction};
use dragoman_core::{Intent, LanguageTag};
use serde::Serialize;
use serde_json::{Value, json};
use std::path::Path;
use std::sync::Arc;

#[derive(Debug, Clone, Serialize)]
pub struct Analysis {
    pub lang: LanguageTag,
    pub lang_confidence: f64,
    /// `None` when no intent model is loaded.
    pub intent: Option<Intent>,
    pub intent_confidence: Option<f32>,
    pub escalate: bool,
    pub escalation: Escalation,
    pub entities: Entities,
}

impl Analysis {
    /// The entity lists of the `dragoman analyze` contract, by name, as plain strings.
    pub fn entity_strings(&self) -> [(&'static str, Vec<String>); 5] {
        let e = &self.entities;
        [
            ("order_ids", e.order_ids.clone()),
            ("tracking_numbers", e.tracking_strings()),
            ("emails", e.emails.clone()),
            ("urls", e.urls.clone()),
            ("amounts", e.amount_strings()),
        ]
    }

    /// The object of the `dragoman analyze` contract (DESIGN.md §4).
    pub fn contract_json(&self, id: Option<&Value>) -> Value {
        let entities: serde_json::Map<String, Value> =
            self.entity_strings().into_iter().map(|(kind, list)| (kind.to_owned(), json!(list))).collect();
        let mut out = json!({
            "lang": self.lang,
            "lang_confidence": round3(self.lang_confidence),
            "intent": self.intent,
            "intent_confidence": self.intent_confidence.map(|c| round3(f64::from(c))),
            "escalate": self.escalate,
            "entities": entities,
        });
        if let Some(id) = id {
            out.as_object_mut().expect("built as an object").insert("id".into(), id.clone());
        }
        out
    }
}

/// Loads the language models and compiles the patterns now, at start-up, rather than in the
/// first message's enrichment (about a second).
fn warm_up() {
    dragoman_lang::warm_up();
    let _ = escalation::assess("");
    let _ = entities::extract("");
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Holds the loaded models; cheap to share behind an `Arc`.
pub struct Analyzer {
    intents: Option<IntentClassifier>,
}

impl Analyzer {
    /// Loads the sentence encoder from `models_dir` (see `scripts/fetch-models`) and trains
    /// the intent classifier on the shipped examples.
    pub fn load(models_dir: &Path) -> Result<Self, EncoderError> {
        let encoder = UseM3::load(&models_dir.join("use-m3"))?;
        warm_up();
        Ok(Self { intents: Some(IntentClassifier::new(Arc::new(encoder))) })
    }

    /// Language, escalation and entities only: what runs when no model files are installed.
    pub fn without_models() -> Self {
        warm_up();
        Self { intents: None }
    }

    pub fn with_classifier(intents: IntentClassifier) -> Self {
        Self { intents: Some(intents) }
    }

    pub fn intents(&self) -> Option<&IntentClassifier> {
        self.intents.as_ref()
    }

    pub fn analyze(&self, text: &str) -> Analysis {
        self.analyze_many(&[text]).pop().expect("one analysis per text")
    }

    /// Analyses a batch; the encoder is faster per message in batches.
    pub fn analyze_many(&self, texts: &[&str]) -> Vec<Analysis> {
        let intents: Vec<Option<IntentPrediction>> = match &self.intents {
            Some(classifier) => classifier.classify_many(texts).into_iter().map(Some).collect(),
            None => vec![None; texts.len()],
        };
        texts
            .iter()
            .zip(intents)
            .map(|(text, intent)| {
                let detection = dragoman_lang::detect(text);
                let escalation = escalation::assess(text);
                Analysis {
                    lang: detection.language,
                    lang_confidence: detection.confidence,
                    intent: intent.map(|p| p.intent),
                    intent_confidence: intent.map(|p| p.confidence),
                    escalate: escalation.escalate,
                    escalation,
                    entities: entities::extract(text),
                }
            })
            .collect()
    }
}
