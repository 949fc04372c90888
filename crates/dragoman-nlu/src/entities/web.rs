//! Email addresses and URLs, exactly as written, without the punctuation that closes the
//! sentence or bracket around them (Latin or CJK).

use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

// The address part is ASCII: a CJK particle glued to the end ("…co.kr로") is not part of it.
static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}").expect("valid"));

// A URL runs to the next space, quote or angle bracket, or the next CJK character or CJK
// punctuation (CJK text has no spaces around a URL); trailing punctuation is trimmed after.
static URL: LazyLock<Regex> = LazyLock::new(|| {
    let stop = r#"\s<>"'`\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\x{3000}-\x{303f}\x{ff00}-\x{ffef}"#;
    Regex::new(&format!(
        r"(?i)(?-u:\b)https?://[^{stop}]+|(?-u:\b)www\.[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{{2,}}[^{stop}]*"
    ))
    .expect("valid")
});

/// Email addresses with their byte spans.
pub(super) fn emails(text: &str) -> Vec<(Range<usize>, &str)> {
    EMAIL
        .find_iter(text)
        .filter_map(|m| {
            // A local part cannot start with a dot ("…see.me@x" written after a sentence end).
            let start = m.start() + (m.as_str().len() - m.as_str().trim_start_matches('.').len());
            let span = start..m.end();
            (!text[span.clone()].starts_with('@')).then(|| (span.clone(), &text[span]))
        })
        .collect()
}

/// URLs with their byte spans.
pub(super) fn urls(text: &str) -> Vec<(Range<usize>, &str)> {
    URL.find_iter(text)
        .filter(|m| {
            // "www." inside an address or a longer host ("info@www.x", "mywww.x") is not a URL start.
            !text[..m.start()].ends_with(['@', '.', '/', '-'])
        })
        .map(|m| {
            let url = trim_url(m.as_str());
            (m.start()..m.start() + url.len(), url)
        })
        // A scheme with no host left after trimming ("https://)") is no URL.
        .filter(|(_, url)| url.contains('.'))
        .collect()
}

/// Drops trailing sentence punctuation, and closing brackets that close nothing inside the URL
/// (so `…/Foo_(bar)` keeps its bracket but `(see https://x.com/a)` loses it).
fn trim_url(url: &str) -> &str {
    let mut url = url;
    loop {
        let Some(last) = url.chars().next_back() else { return url };
        let drop = match last {
            '.' | ',' | ';' | ':' | '!' | '?' | '…' | '*' => true,
            ')' => url.matches('(').count() < url.matches(')').count(),
            ']' => url.matches('[').count() < url.matches(']').count(),
            '}' => url.matches('{').count() < url.matches('}').count(),
            _ => false,
        };
        if !drop {
            return url;
        }
        url = &url[..url.len() - last.len_utf8()];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn emails_of(text: &str) -> Vec<&str> {
        emails(text).into_iter().map(|(_, e)| e).collect()
    }

    fn urls_of(text: &str) -> Vec<&str> {
        urls(text).into_iter().map(|(_, u)| u).collect()
    }

    #[test]
    fn emails_as_written() {
        assert_eq!(emails_of("write to sales.team+eu@shop-example.co.uk."), ["sales.team+eu@shop-example.co.uk"]);
        assert_eq!(emails_of("메일 kim@example.co.kr로 보내주세요"), ["kim@example.co.kr"]);
        assert_eq!(emails_of("連絡先：yamada@example.jp。"), ["yamada@example.jp"]);
        assert!(emails_of("not@an-address and @handle").is_empty());
    }

    #[test]
    fn urls_trimmed_of_sentence_punctuation() {
        assert_eq!(urls_of("See https://example.com/a?b=1."), ["https://example.com/a?b=1"]);
        assert_eq!(urls_of("(photos: https://example.com/p/12)"), ["https://example.com/p/12"]);
        assert_eq!(urls_of("https://en.wikipedia.org/wiki/Foo_(bar), ok"), ["https://en.wikipedia.org/wiki/Foo_(bar)"]);
        assert_eq!(urls_of("详情见 www.example-factory.cn。谢谢"), ["www.example-factory.cn"]);
        assert_eq!(urls_of("詳しくはhttps://example.jp/item/9を見て"), ["https://example.jp/item/9"]);
        assert_eq!(urls_of("Angebot: https://example.de/angebot – gerne"), ["https://example.de/angebot"]);
    }

    #[test]
    fn www_only_at_a_word_start() {
        assert!(urls_of("mail info@www.example.com").is_empty());
        assert!(urls_of("the www. prefix").is_empty());
        assert_eq!(urls_of("visit WWW.Example.org!"), ["WWW.Example.org"]);
    }
}
