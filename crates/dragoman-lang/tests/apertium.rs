//! Apertium for real (Debian `apertium`, `apertium-eng-spa`, `apertium-es-pt`; installed by
//! `scripts/test-prereqs`). Without it the tests say SKIPPED, unless `CI` is set: then they fail.
//!
//! The central check: every entity of the labelled dev messages (`shared/data`) in a language
//! Apertium translates comes out of the translation — and of the translation back — byte for
//! byte, carried through by Apertium itself (no repair needed).

use dragoman_lang::translate::apertium::{Apertium, ApertiumSettings};
use dragoman_lang::translate::{
    LanguagePair, NoCache, ProtectedSpan, SpanKind, TranslateRequest, Translated, TranslationService, Translator,
};
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

async fn apertium() -> Option<Apertium> {
    let settings =
        ApertiumSettings { command: "apertium".into(), modes: BTreeMap::new(), timeout: Duration::from_secs(60) };
    match Apertium::discover(settings).await {
        Ok(apertium) => Some(apertium),
        Err(e) if std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0") => {
            panic!("CI needs Apertium with apertium-eng-spa and apertium-es-pt (scripts/test-prereqs): {e}")
        }
        Err(e) => {
            eprintln!(
                "SKIPPED: Apertium is not available ({e}); apt-get install apertium apertium-eng-spa apertium-es-pt"
            );
            None
        }
    }
}

fn pair(s: &str) -> LanguagePair {
    LanguagePair::parse(s).unwrap()
}

async fn translate(service: &TranslationService, text: &str, spans: &[ProtectedSpan], p: &str) -> Translated {
    let request = TranslateRequest { text, pair: pair(p), protected: spans, glossary: &[] };
    service.translate(&request, &NoCache).await.unwrap_or_else(|e| panic!("{p}: {e}"))
}

#[tokio::test]
async fn discovers_the_installed_modes() {
    let Some(apertium) = apertium().await else { return };
    for (p, mode) in [("en-es", "eng-spa"), ("es-en", "spa-eng"), ("es-pt", "es-pt"), ("pt-es", "pt-es")] {
        assert_eq!(apertium.modes().get(&pair(p)).map(String::as_str), Some(mode), "{p}");
    }
    assert!(apertium.model(&pair("en-pt")).is_none(), "no direct en-pt pair is installed");
}

#[tokio::test]
async fn english_to_portuguese_pivots_through_spanish() {
    let Some(apertium) = apertium().await else { return };
    let service = TranslationService::new(vec![Arc::new(apertium)], Vec::new());
    let text = "The lamp arrived broken. Order #1187, refund $35.20 please.";
    let spans = [
        ProtectedSpan { range: 31..36, kind: SpanKind::OrderId },
        ProtectedSpan { range: 45..51, kind: SpanKind::Amount },
    ];
    assert_eq!((&text[31..36], &text[45..51]), ("#1187", "$35.20"));
    let done = translate(&service, text, &spans, "en-pt").await;
    let hops: Vec<String> = done.hops.iter().map(|h| format!("{}→{} {:?}", h.from, h.to, h.model)).collect();
    assert_eq!(hops, ["en→es Some(\"eng-spa\")", "es→pt Some(\"es-pt\")"]);
    assert_eq!(done.engine(), "apertium");
    assert!(done.text.contains("chegou"), "Portuguese: {}", done.text);
    assert!(done.text.contains("#1187") && done.text.contains("$35.20"), "{}", done.text);
    assert!(done.all_kept() && done.warnings.is_empty(), "{:?}", done.warnings);
}

#[tokio::test]
async fn characters_apertium_reserves_pass_through() {
    let Some(apertium) = apertium().await else { return };
    let service = TranslationService::new(vec![Arc::new(apertium)], Vec::new());
    let text = "Price ^5$ / @home \\ [box] {a} <b> * # ⟦ and [[7]]\nSecond line\n\nThird";
    let done = translate(&service, text, &[], "en-es").await;
    for reserved in "^$/@\\[]{}<>*#⟦".chars() {
        let count = |s: &str| s.matches(reserved).count();
        assert_eq!(count(&done.text), count(text), "{reserved:?} in {:?}", done.text);
    }
    assert!(done.text.contains("[[7]]"), "{}", done.text);
    assert_eq!(done.text.lines().count(), 4, "{:?}", done.text);
}

/// The labelled entities of a dev message, as spans of its text (every occurrence).
fn labelled_spans(message: &Value) -> Vec<ProtectedSpan> {
    let text = message["text"].as_str().unwrap();
    let mut spans: Vec<ProtectedSpan> = Vec::new();
    for (field, kind) in [
        ("order_ids", SpanKind::OrderId),
        ("tracking_numbers", SpanKind::TrackingNumber),
        ("emails", SpanKind::Email),
        ("urls", SpanKind::Url),
        ("amounts", SpanKind::Amount),
    ] {
        for entity in message["entities"][field].as_array().unwrap() {
            let entity = entity.as_str().unwrap();
            for (start, _) in text.match_indices(entity) {
                let range = start..start + entity.len();
                if !spans.iter().any(|s| s.range.start < range.end && range.start < s.range.end) {
                    spans.push(ProtectedSpan { range, kind });
                }
            }
        }
    }
    spans
}

#[tokio::test]
async fn every_dev_entity_survives_a_round_trip() {
    let Some(apertium) = apertium().await else { return };
    let service = TranslationService::new(vec![Arc::new(apertium)], Vec::new());
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/messages.dev.jsonl");
    let data = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let messages: Vec<Value> = data.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let mut checked = 0;
    for language in ["en", "es", "pt"] {
        // One text per language, messages separated by blank lines: a few Apertium runs
        // instead of hundreds, with every entity of every message in it.
        let mut text = String::new();
        let mut spans: Vec<ProtectedSpan> = Vec::new();
        for message in messages.iter().filter(|m| m["lang"] == language) {
            let offset = text.len();
            spans.extend(
                labelled_spans(message)
                    .into_iter()
                    .map(|s| ProtectedSpan { range: s.range.start + offset..s.range.end + offset, kind: s.kind }),
            );
            text.push_str(message["text"].as_str().unwrap());
            text.push_str("\n\n");
        }
        assert!(spans.len() > 10, "{language}: the dev set has entities to check");
        let mut entities: Vec<&str> = spans.iter().map(|s| &text[s.range.clone()]).collect();
        entities.sort_unstable();
        for target in ["en", "es", "pt"].into_iter().filter(|t| *t != language) {
            let there = translate(&service, &text, &spans, &format!("{language}-{target}")).await;
            let back =
                translate(&service, &there.text, &there.spans_in_translation(), &format!("{target}-{language}")).await;
            for (done, direction) in [(&there, format!("{language}→{target}")), (&back, format!("{target}→{language}"))]
            {
                assert!(done.all_kept() && done.warnings.is_empty(), "{direction}: {:?}", done.warnings);
                let mut survived: Vec<&str> = done.spans.iter().map(|s| &done.text[s.range.clone()]).collect();
                survived.sort_unstable();
                assert_eq!(survived, entities, "{direction}");
            }
            checked += entities.len();
        }
    }
    assert!(checked > 100, "{checked} entity translations checked");
}
