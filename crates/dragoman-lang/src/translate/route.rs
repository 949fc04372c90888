//! Which engines translate a language pair, directly or through a chain (pivoting).
//!
//! Each engine covers some directions ([`Coverage`]); configuration may say, per pair, which
//! engines to use and in what order ([`PairRule`]). A pair no single engine serves is reached
//! through intermediate languages: Apertium has en↔es and es↔pt but no en↔pt, so en→pt goes
//! en→es→pt. Routes are ranked by number of hops, then pivots through English (the language
//! every engine knows best), then the engines' order of preference.

use super::{Coverage, LanguagePair};
use dragoman_core::LanguageTag;

/// Longest chain considered: each hop costs quality, and three already carry a text far.
const MAX_HOPS: usize = 3;
/// Routes tried before giving up on a pair.
const MAX_ROUTES: usize = 4;

/// "For this pair, use these engines, in this order." `None` on a side matches any language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairRule {
    pub from: Option<LanguageTag>,
    pub to: Option<LanguageTag>,
    pub engines: Vec<String>,
}

impl PairRule {
    /// Parses `de-en`, `de-*`, `*-en`, `*-*` with the engine names.
    pub fn parse(key: &str, engines: Vec<String>) -> Option<Self> {
        let (from, to) = key.split_once('-')?;
        let side = |s: &str| -> Option<Option<LanguageTag>> {
            if s.trim() == "*" { Some(None) } else { LanguageTag::parse(s).ok().map(Some) }
        };
        Some(Self { from: side(from)?, to: side(to)?, engines })
    }

    fn matches(&self, pair: &LanguagePair) -> bool {
        self.from.as_ref().is_none_or(|f| *f == pair.from) && self.to.as_ref().is_none_or(|t| *t == pair.to)
    }

    fn specificity(&self) -> u8 {
        u8::from(self.from.is_some()) + u8::from(self.to.is_some())
    }
}

/// One step of a route, with the engines to try for it, best first (indices into the
/// engine list the route was planned over).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteHop {
    pub pair: LanguagePair,
    pub engines: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub hops: Vec<RouteHop>,
}

impl Route {
    fn pivots_through(&self, language: &str) -> bool {
        self.hops.iter().skip(1).any(|h| h.pair.from.as_str() == language)
    }

    fn preference(&self) -> usize {
        self.hops.iter().map(|h| h.engines.first().copied().unwrap_or(usize::MAX / MAX_HOPS)).sum()
    }
}

/// The engines that may translate `pair` directly, best first: the most specific rule that
/// matches the pair decides which and in what order; without one, every engine in `engines`
/// order.
fn hop_engines(engines: &[(&str, &Coverage)], rules: &[PairRule], pair: &LanguagePair) -> Vec<usize> {
    let rule = rules.iter().filter(|r| r.matches(pair)).max_by_key(|r| r.specificity());
    let serving = |i: &usize| engines[*i].1.serves(pair);
    match rule {
        Some(rule) => {
            rule.engines.iter().filter_map(|name| engines.iter().position(|(n, _)| n == name)).filter(serving).collect()
        }
        None => (0..engines.len()).filter(serving).collect(),
    }
}

/// The routes for `pair`, best first; empty when no chain of engines connects the languages
/// (or when the languages are the same: there is nothing to translate).
pub fn plan(engines: &[(&str, &Coverage)], rules: &[PairRule], pair: &LanguagePair) -> Vec<Route> {
    if pair.from == pair.to {
        return Vec::new();
    }
    let mut languages: Vec<LanguageTag> = engines.iter().flat_map(|(_, c)| c.languages()).collect();
    languages.sort();
    languages.dedup();
    let pivots: Vec<&LanguageTag> = languages.iter().filter(|l| **l != pair.from && **l != pair.to).collect();

    let mut routes: Vec<Route> = Vec::new();
    let mut path: Vec<&LanguageTag> = vec![&pair.from];
    for hops in 1..=MAX_HOPS {
        let before = routes.len();
        extend(engines, rules, &pivots, &pair.to, hops, &mut path, &mut Vec::new(), &mut routes);
        routes[before..].sort_by_key(|r| (!r.pivots_through("en"), r.preference()));
        if routes.len() >= MAX_ROUTES {
            break;
        }
    }
    routes.truncate(MAX_ROUTES);
    routes
}

/// Depth-first: every simple path of exactly `hops` steps from the end of `path` to `to`.
#[allow(clippy::too_many_arguments)]
fn extend<'a>(
    engines: &[(&str, &Coverage)],
    rules: &[PairRule],
    pivots: &[&'a LanguageTag],
    to: &'a LanguageTag,
    hops: usize,
    path: &mut Vec<&'a LanguageTag>,
    steps: &mut Vec<RouteHop>,
    routes: &mut Vec<Route>,
) {
    let here = path[path.len() - 1].clone();
    let step = |next: &'a LanguageTag, path: &mut Vec<&'a LanguageTag>, steps: &mut Vec<RouteHop>| {
        let pair = LanguagePair::new(here.clone(), next.clone());
        let candidates = hop_engines(engines, rules, &pair);
        if candidates.is_empty() {
            return false;
        }
        steps.push(RouteHop { pair, engines: candidates });
        path.push(next);
        true
    };
    if hops == 1 {
        if step(to, path, steps) {
            routes.push(Route { hops: steps.clone() });
            steps.pop();
            path.pop();
        }
        return;
    }
    for &pivot in pivots {
        if path.contains(&pivot) {
            continue;
        }
        if step(pivot, path, steps) {
            extend(engines, rules, pivots, to, hops - 1, path, steps, routes);
            steps.pop();
            path.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(s: &str) -> LanguageTag {
        LanguageTag::parse(s).unwrap()
    }

    fn pairs(list: &[&str]) -> Coverage {
        Coverage::Pairs(list.iter().map(|p| LanguagePair::parse(p).unwrap()).collect())
    }

    fn shape(route: &Route) -> Vec<String> {
        route.hops.iter().map(|h| format!("{}:{:?}", h.pair, h.engines)).collect()
    }

    #[test]
    fn apertium_pivots_en_to_pt_through_es() {
        let apertium = pairs(&["en-es", "es-en", "es-pt", "pt-es"]);
        let engines = [("apertium", &apertium)];
        let routes = plan(&engines, &[], &LanguagePair::parse("en-pt").unwrap());
        assert_eq!(routes.len(), 1);
        assert_eq!(shape(&routes[0]), ["en→es:[0]", "es→pt:[0]"]);
        assert!(plan(&engines, &[], &LanguagePair::parse("de-en").unwrap()).is_empty());
        assert!(plan(&engines, &[], &LanguagePair::parse("en-en").unwrap()).is_empty());
    }

    #[test]
    fn direct_before_pivot_and_english_pivot_first() {
        let deepl = Coverage::Among(vec![tag("de"), tag("en"), tag("fr"), tag("ja")]);
        let apertium = pairs(&["en-es", "fr-es"]);
        let engines = [("deepl", &deepl), ("apertium", &apertium)];
        let routes = plan(&engines, &[], &LanguagePair::parse("de-es").unwrap());
        assert_eq!(shape(&routes[0]), ["de→en:[0]", "en→es:[1]"]);
        assert_eq!(shape(&routes[1]), ["de→fr:[0]", "fr→es:[1]"]);
        let routes = plan(&engines, &[], &LanguagePair::parse("de-fr").unwrap());
        assert_eq!(shape(&routes[0]), ["de→fr:[0]"]);
    }

    #[test]
    fn rules_choose_and_order_engines_per_pair() {
        let deepl = Coverage::Among(vec![tag("de"), tag("en"), tag("es")]);
        let chat = Coverage::Any;
        let engines = [("deepl", &deepl), ("openai", &chat)];
        let rules = [
            PairRule::parse("*-en", vec!["openai".into(), "deepl".into()]).unwrap(),
            PairRule::parse("de-en", vec!["deepl".into()]).unwrap(),
        ];
        let route = |p: &str| plan(&engines, &rules, &LanguagePair::parse(p).unwrap());
        assert_eq!(shape(&route("de-en")[0]), ["de→en:[0]"]);
        assert_eq!(shape(&route("es-en")[0]), ["es→en:[1, 0]"]);
        assert_eq!(shape(&route("en-es")[0]), ["en→es:[0, 1]"]);
        assert!(PairRule::parse("german-en", vec![]).is_none());
    }

    #[test]
    fn three_hops_at_most() {
        let chain = pairs(&["aa-ba", "ba-ca", "ca-da", "da-ea"]);
        let engines = [("x", &chain)];
        assert_eq!(plan(&engines, &[], &LanguagePair::parse("aa-da").unwrap()).len(), 1);
        assert!(plan(&engines, &[], &LanguagePair::parse("aa-ea").unwrap()).is_empty());
    }
}
