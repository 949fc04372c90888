//! Entity extraction with patterns: each entity is returned exactly as written.

use dragoman_core::OrderNumber;
use regex::Regex;
use serde::Serialize;
use std::sync::LazyLock;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Entities {
    pub order_ids: Vec<String>,
    pub emails: Vec<String>,
    pub urls: Vec<String>,
}

static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}").expect("valid"));
// A URL ends before trailing punctuation that closes the sentence around it.
static URL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?i)\bhttps?://[^\s<>"'「」（）]+[^\s<>"'.,;:!?)\]」（）。、]"#).expect("valid"));

pub fn extract(text: &str) -> Entities {
    Entities {
        order_ids: OrderNumber::find_all(text).into_iter().map(|o| o.text).collect(),
        emails: unique(EMAIL.find_iter(text).map(|m| m.as_str())),
        urls: unique(URL.find_iter(text).map(|m| m.as_str())),
    }
}

fn unique<'a>(found: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for f in found {
        if !out.iter().any(|o| o == f) {
            out.push(f.to_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extracts_as_written() {
        let e = extract(
            "Order 113-0094417-2286630: see https://example.com/track?id=1. Mail me at a.b@example.co.uk, thanks",
        );
        assert_eq!(e.order_ids, ["113-0094417-2286630"]);
        assert_eq!(e.urls, ["https://example.com/track?id=1"]);
        assert_eq!(e.emails, ["a.b@example.co.uk"]);
    }
}
