//! [`TranslationService`]: one request through glossary, masking, cache, engines and restoring.
//!
//! Policy, decided here once:
//! - The cache holds each engine's output per hop, keyed by (engine, model, pair, masked text):
//!   masked, so "where is ⟦1⟧?" is one entry whatever the order number, and per hop, so a
//!   pivot's first leg serves every target language.
//! - An engine that fails is skipped for the rest of the request, and the next engine of the
//!   hop (or the next route) is tried; the translation then says what failed. When everything
//!   fails, the error names each engine and why.
//! - Engines' outputs are trimmed of surrounding whitespace and their markers made canonical.

use super::glossary::{self, GlossaryTerm};
use super::route::{self, PairRule, Route};
use super::spans::{self, ProtectedSpan, SpanKind, SpanOutOfText, SpanOutcome};
use super::{Coverage, EngineError, LanguagePair, Translator};
use async_trait::async_trait;
use dragoman_core::LanguageTag;
use serde::Serialize;
use std::fmt;
use std::sync::Arc;

/// What a cached translation is filed under.
#[derive(Debug, Clone, Copy)]
pub struct CacheKey<'a> {
    pub engine: &'a str,
    /// `""` when the engine names no model.
    pub model: &'a str,
    pub pair: &'a LanguagePair,
    /// The engine's input: masked text.
    pub text: &'a str,
}

/// Where engines' outputs are kept between requests (the store, in the server). A cache that
/// cannot answer behaves as a miss: translating again is always correct.
#[async_trait]
pub trait TranslationCache: Send + Sync {
    async fn get(&self, key: &CacheKey<'_>) -> Option<String>;
    async fn put(&self, key: &CacheKey<'_>, translation: &str);
}

/// No cache: every request reaches an engine.
pub struct NoCache;

#[async_trait]
impl TranslationCache for NoCache {
    async fn get(&self, _: &CacheKey<'_>) -> Option<String> {
        None
    }

    async fn put(&self, _: &CacheKey<'_>, _: &str) {}
}

pub struct TranslateRequest<'a> {
    pub text: &'a str,
    pub pair: LanguagePair,
    /// Spans of `text` that must come out unchanged (entities).
    pub protected: &'a [ProtectedSpan],
    /// The store's glossary; the service picks the terms that apply to the pair.
    pub glossary: &'a [GlossaryTerm],
}

/// One engine call of a translation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hop {
    pub engine: String,
    pub model: Option<String>,
    pub from: LanguageTag,
    pub to: LanguageTag,
    /// Answered from the cache.
    pub cached: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Translated {
    pub text: String,
    pub from: LanguageTag,
    pub to: LanguageTag,
    /// The engines that produced it, in order (empty when the languages are the same).
    pub hops: Vec<Hop>,
    pub spans: Vec<SpanOutcome>,
    /// What an agent should know: spans an engine lost (and that were put back), engines
    /// that failed before another one succeeded.
    pub warnings: Vec<String>,
}

impl Translated {
    /// The engine to store with the translation: one name, or the chain's names joined by `+`
    /// (`none` when nothing was translated).
    pub fn engine(&self) -> String {
        let mut names: Vec<&str> = Vec::new();
        for hop in &self.hops {
            if names.last() != Some(&hop.engine.as_str()) {
                names.push(&hop.engine);
            }
        }
        if names.is_empty() { "none".to_owned() } else { names.join("+") }
    }

    /// The model(s): one, or each hop's as `from→to model`, joined by `; ` for a chain.
    pub fn model(&self) -> Option<String> {
        match self.hops.as_slice() {
            [] => None,
            [hop] => hop.model.clone(),
            hops => Some(
                hops.iter()
                    .map(|h| format!("{}→{} {}", h.from, h.to, h.model.as_deref().unwrap_or(&h.engine)))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
        }
    }

    /// True when every protected span came through the engines by itself.
    pub fn all_kept(&self) -> bool {
        self.spans.iter().all(|s| s.kept)
    }

    /// The protected spans as they stand in the translation (glossary renderings aside: the
    /// glossary of the reverse pair decides those), to translate the text back.
    pub fn spans_in_translation(&self) -> Vec<ProtectedSpan> {
        self.spans
            .iter()
            .filter(|s| s.kind != SpanKind::Glossary)
            .map(|s| ProtectedSpan { range: s.range.clone(), kind: s.kind })
            .collect()
    }
}

/// One engine's failure on one hop.
#[derive(Debug)]
pub struct EngineFailure {
    pub engine: String,
    pub pair: LanguagePair,
    pub error: EngineError,
}

impl fmt::Display for EngineFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): {}", self.engine, self.pair, self.error)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TranslateError {
    #[error("no translation engine translates {pair} (engines enabled: {engines}); configure one in [translation]")]
    NoRoute { pair: LanguagePair, engines: String },
    #[error("translating {pair} failed: {}", list(.failures))]
    Failed { pair: LanguagePair, failures: Vec<EngineFailure> },
    #[error(transparent)]
    Span(#[from] SpanOutOfText),
}

fn list(failures: &[EngineFailure]) -> String {
    failures.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
}

/// The configured engines, in order of preference, and the per-pair rules.
#[derive(Default)]
pub struct TranslationService {
    engines: Vec<Arc<dyn Translator>>,
    rules: Vec<PairRule>,
}

// By hand: engines are trait objects; their names say enough (and never a key).
impl fmt::Debug for TranslationService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let engines: Vec<&str> = self.engines.iter().map(|e| e.name()).collect();
        f.debug_struct("TranslationService").field("engines", &engines).field("rules", &self.rules).finish()
    }
}

impl TranslationService {
    pub fn new(engines: Vec<Arc<dyn Translator>>, rules: Vec<PairRule>) -> Self {
        Self { engines, rules }
    }

    /// The engines with what each covers, in order of preference.
    pub fn engines(&self) -> impl Iterator<Item = (&str, &Coverage)> {
        self.engines.iter().map(|e| (e.name(), e.coverage()))
    }

    /// The routes for `pair`, best first (empty: no engine or chain serves it).
    pub fn routes(&self, pair: &LanguagePair) -> Vec<Route> {
        let engines: Vec<(&str, &Coverage)> = self.engines().collect();
        route::plan(&engines, &self.rules, pair)
    }

    /// Whether a translation of `pair` can be attempted (same languages need none).
    pub fn can_translate(&self, pair: &LanguagePair) -> bool {
        pair.from == pair.to || !self.routes(pair).is_empty()
    }

    pub async fn translate(
        &self,
        request: &TranslateRequest<'_>,
        cache: &dyn TranslationCache,
    ) -> Result<Translated, TranslateError> {
        let pair = &request.pair;
        if pair.from == pair.to {
            let protected = request.protected.iter().map(|s| (s.range.clone(), s.kind, None)).collect();
            let masked = spans::mask(request.text, protected)?;
            let restored = spans::restore(&masked.text, &masked, "none");
            return Ok(Translated {
                text: request.text.to_owned(),
                from: pair.from.clone(),
                to: pair.to.clone(),
                hops: Vec::new(),
                spans: restored.spans,
                warnings: Vec::new(),
            });
        }
        let mut protected = glossary::find(request.text, request.glossary, pair);
        protected.extend(request.protected.iter().map(|s| (s.range.clone(), s.kind, None)));
        let masked = spans::mask(request.text, protected)?;

        let routes = self.routes(pair);
        if routes.is_empty() {
            let engines = self.engines.iter().map(|e| e.name()).collect::<Vec<_>>().join(", ");
            let engines = if engines.is_empty() { "none".to_owned() } else { engines };
            return Err(TranslateError::NoRoute { pair: pair.clone(), engines });
        }
        let mut failures: Vec<EngineFailure> = Vec::new();
        for route in &routes {
            let Some((output, hops)) = self.run(route, &masked.text, cache, &mut failures).await else { continue };
            let engines = hops.iter().map(|h| h.engine.as_str()).collect::<Vec<_>>().join("+");
            let restored = spans::restore(&output, &masked, &engines);
            let mut warnings: Vec<String> =
                failures.iter().map(|f| format!("{f}; translated by {engines} instead")).collect();
            warnings.extend(restored.warnings);
            return Ok(Translated {
                text: restored.text,
                from: pair.from.clone(),
                to: pair.to.clone(),
                hops,
                spans: restored.spans,
                warnings,
            });
        }
        Err(TranslateError::Failed { pair: pair.clone(), failures })
    }

    /// Runs one route; `None` when a hop found no engine that could do it.
    async fn run(
        &self,
        route: &Route,
        text: &str,
        cache: &dyn TranslationCache,
        failures: &mut Vec<EngineFailure>,
    ) -> Option<(String, Vec<Hop>)> {
        let mut current = text.to_owned();
        let mut hops = Vec::with_capacity(route.hops.len());
        for step in &route.hops {
            let mut done: Option<(String, Hop)> = None;
            for &index in &step.engines {
                let engine = &self.engines[index];
                if failures.iter().any(|f| f.engine == engine.name() && f.pair == step.pair) {
                    continue;
                }
                let model = engine.model(&step.pair);
                let key = CacheKey {
                    engine: engine.name(),
                    model: model.as_deref().unwrap_or(""),
                    pair: &step.pair,
                    text: &current,
                };
                let hop = |cached| Hop {
                    engine: engine.name().to_owned(),
                    model: model.clone(),
                    from: step.pair.from.clone(),
                    to: step.pair.to.clone(),
                    cached,
                };
                if let Some(hit) = cache.get(&key).await {
                    done = Some((hit, hop(true)));
                    break;
                }
                match engine.translate(&current, &step.pair).await {
                    Ok(output) if !output.trim().is_empty() || current.trim().is_empty() => {
                        let output = spans::canonical(output.trim());
                        cache.put(&key, &output).await;
                        done = Some((output, hop(false)));
                        break;
                    }
                    Ok(_) => failures.push(EngineFailure {
                        engine: engine.name().to_owned(),
                        pair: step.pair.clone(),
                        error: EngineError::Protocol {
                            url: engine.name().to_owned(),
                            message: "returned an empty translation".into(),
                        },
                    }),
                    Err(error) => failures.push(EngineFailure {
                        engine: engine.name().to_owned(),
                        pair: step.pair.clone(),
                        error,
                    }),
                }
            }
            let (output, hop) = done?;
            current = output;
            hops.push(hop);
        }
        Some((current, hops))
    }
}
