//! HTML from the outside world: made safe to show in an agent's browser, and turned into
//! plain text for quote stripping, language detection and translation.
//!
//! Both go through the same [`ammonia`] allow-list, so the text never contains anything the
//! sanitiser would have removed (script and style contents, hidden head elements).

use ammonia::{Builder, UrlRelative};
use std::collections::HashSet;
use std::sync::LazyLock;

static SANITIZER: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut builder = Builder::default();
    builder
        // Images are how newsletters and attackers learn that a mail was opened (tracking
        // pixels, remote images): an agent opening a ticket must not tell anybody. Inline
        // images arrive as attachments instead.
        .rm_tags(["img", "map", "area"])
        // Their text is not content: a `<title>` would otherwise surface as a stray first line.
        .clean_content_tags(HashSet::from(["script", "style", "title", "template"]))
        .add_generic_attributes(["dir"])
        .url_schemes(HashSet::from(["http", "https", "mailto", "tel"]))
        // A relative URL in a mail resolves against the helpdesk itself.
        .url_relative(UrlRelative::Deny)
        .link_rel(Some("noopener noreferrer nofollow"))
        .strip_comments(true);
    builder
});

/// Removes everything from `html` that could run code, load remote content or restyle the
/// page around it: scripts, styles, event handlers, frames, forms, images, `javascript:`,
/// `data:` and relative URLs. Links keep their target and get
/// `rel="noopener noreferrer nofollow"`.
pub fn sanitize_html(html: &str) -> String {
    SANITIZER.clean(html).to_string()
}

/// The readable text of `html`: one line per block, blank lines between paragraphs, and
/// `> ` in front of every line inside a `<blockquote>`, so that quoted history in HTML-only
/// mail is recognised like quoted plain text.
pub fn html_to_text(html: &str) -> String {
    let clean = sanitize_html(html);
    let mut out = TextBuilder::default();
    let mut rest = clean.as_str();
    while let Some(lt) = rest.find('<') {
        out.text(&decode_entities(&rest[..lt]));
        let tag_end = tag_end(&rest[lt..]).map_or(rest.len(), |e| lt + e);
        out.tag(&rest[lt..tag_end]);
        rest = &rest[tag_end..];
    }
    out.text(&decode_entities(rest));
    out.finish()
}

/// Length of the tag at the start of `s`, up to and including its `>`; `>` inside quoted
/// attribute values (a `title`) does not end it.
fn tag_end(s: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if q == c => quote = None,
            (None, '>') => return Some(i + 1),
            _ => {}
        }
    }
    None
}

/// The serialiser behind ammonia escapes only `&`, `<`, `>`, `"` and no-break spaces; numeric
/// references are decoded too so that text from other sources survives.
fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest.find(';').filter(|&semi| semi <= 10).and_then(|semi| {
            let name = &rest[1..semi];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => name.strip_prefix('#').and_then(|num| {
                    let code = match num.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok(),
                        None => num.parse().ok(),
                    };
                    code.and_then(char::from_u32)
                }),
            };
            c.map(|c| (c, semi + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[derive(Default)]
struct TextBuilder {
    /// Finished lines with the blockquote depth they were written at.
    lines: Vec<(usize, String)>,
    line: String,
    quote_depth: usize,
    pre_depth: usize,
    pending_space: bool,
}

impl TextBuilder {
    fn tag(&mut self, tag: &str) {
        let inner = tag.trim_start_matches('<').trim_end_matches('>');
        let closing = inner.starts_with('/');
        let name: String = inner
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        match name.as_str() {
            "br" => self.break_line(),
            "p" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "ul" | "ol" | "table" | "dl" => self.paragraph(),
            // The blank line around a quote belongs to the outer level.
            "blockquote" if closing => {
                self.end_line();
                self.quote_depth = self.quote_depth.saturating_sub(1);
                self.paragraph();
            }
            "blockquote" => {
                self.paragraph();
                self.quote_depth += 1;
            }
            "pre" => {
                self.paragraph();
                if closing {
                    self.pre_depth = self.pre_depth.saturating_sub(1);
                } else {
                    self.pre_depth += 1;
                }
            }
            "li" => {
                self.end_line();
                if !closing {
                    self.line.push_str("- ");
                }
            }
            "div" | "tr" | "hr" | "dt" | "dd" | "article" | "section" | "header" | "footer" | "aside" | "nav"
            | "figure" | "figcaption" | "center" | "caption" | "details" | "summary" | "address" | "thead"
            | "tbody" | "tfoot" => self.end_line(),
            "td" | "th" => self.pending_space = true,
            _ => {}
        }
    }

    fn text(&mut self, s: &str) {
        if self.pre_depth > 0 {
            for (i, part) in s.split('\n').enumerate() {
                if i > 0 {
                    self.break_line();
                }
                self.line.push_str(part.trim_end_matches('\r'));
            }
            return;
        }
        for c in s.chars() {
            if c.is_whitespace() {
                self.pending_space = true;
            } else {
                if self.pending_space && !self.line.is_empty() && !self.line.ends_with(' ') {
                    self.line.push(' ');
                }
                self.pending_space = false;
                self.line.push(c);
            }
        }
    }

    /// `<br>`: always a new line, even an empty one.
    fn break_line(&mut self) {
        let line = std::mem::take(&mut self.line);
        self.lines.push((self.quote_depth, line));
        self.pending_space = false;
    }

    /// A block boundary: a new line unless one was just started.
    fn end_line(&mut self) {
        if !self.line.trim().is_empty() {
            self.break_line();
        }
        self.line.clear();
        self.pending_space = false;
    }

    /// A paragraph boundary: the current line ends and one blank line follows.
    fn paragraph(&mut self) {
        self.end_line();
        if self.lines.last().is_some_and(|(_, l)| !l.trim().is_empty()) {
            self.lines.push((self.quote_depth, String::new()));
        }
    }

    fn finish(mut self) -> String {
        self.end_line();
        let mut out = String::new();
        let mut blank_run = 0;
        for (depth, line) in &self.lines {
            let line = line.trim_end();
            if line.is_empty() && *depth == 0 {
                blank_run += 1;
                if blank_run > 1 {
                    continue;
                }
            } else {
                blank_run = 0;
            }
            let quote = ">".repeat(*depth);
            match (depth, line.is_empty()) {
                (0, _) => out.push_str(line),
                (_, true) => out.push_str(&quote),
                _ => {
                    out.push_str(&quote);
                    out.push(' ');
                    out.push_str(line);
                }
            }
            out.push('\n');
        }
        out.trim_matches('\n').to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_active_content_and_remote_resources() {
        let hostile = r#"<html><head><title>t</title><style>body{display:none}</style>
            <script>steal(document.cookie)</script></head>
            <body onload="pwn()" style="color:red">
            <p style="font-weight:bold" onclick="pwn()" class="x" id="y">Hello</p>
            <img src="https://px.example/open.gif?u=1" width="1" height="1">
            <img src="cid:part1">
            <iframe src="https://evil.example/"></iframe>
            <object data="https://evil.example/x.swf"></object><embed src="x.swf">
            <form action="https://evil.example/"><input name="q"><button>Go</button></form>
            <a href="javascript:alert(1)">js</a>
            <a href="JaVaScRiPt&#58;alert(1)">js2</a>
            <a href="data:text/html;base64,PHNjcmlwdD4=">data</a>
            <a href="vbscript:msgbox(1)">vb</a>
            <a href="/relative">rel</a>
            <a href="https://shop.example/track" target="_blank" onmouseover="x()">ok</a>
            <svg><script>alert(2)</script></svg>
            <math><mtext><style><img src=x onerror=alert(3)></style></mtext></math>
            </body></html>"#;
        let clean = sanitize_html(hostile);
        let lower = clean.to_ascii_lowercase();
        for banned in [
            "<script",
            "<style",
            "<iframe",
            "<object",
            "<embed",
            "<form",
            "<input",
            "<img",
            "<title",
            "onload",
            "onclick",
            "onmouseover",
            "onerror",
            "style=",
            "javascript",
            "vbscript",
            "data:",
            "target=",
            "steal",
            "display:none",
            "/relative",
            "class=",
            "alert",
        ] {
            assert!(!lower.contains(banned), "{banned} survived in {clean}");
        }
        assert!(
            clean.contains(r#"<a href="https://shop.example/track" rel="noopener noreferrer nofollow">ok</a>"#),
            "{clean}"
        );
        assert!(clean.contains("<p>Hello</p>"), "{clean}");
    }

    #[test]
    fn text_keeps_blocks_and_marks_quotes() {
        let html = "<div>Hi,</div><div><br></div><div>Thanks &amp; <b>bye</b>&nbsp;now</div>\
            <div class=\"gmail_quote\">On Mon, X wrote:<br><blockquote>Old <i>line</i><br>two</blockquote></div>\
            <script>var hidden = 1;</script><p>After</p>";
        assert_eq!(html_to_text(html), "Hi,\n\nThanks & bye now\nOn Mon, X wrote:\n\n> Old line\n> two\n\nAfter");
    }

    #[test]
    fn text_of_lists_tables_and_pre() {
        let html = "<ul><li>one</li><li>two</li></ul><table><tr><td>a</td><td>b</td></tr>\
            <tr><td>c</td></tr></table><pre>x  y\n z</pre>";
        assert_eq!(html_to_text(html), "- one\n- two\n\na b\nc\n\nx  y\n z");
    }

    #[test]
    fn entities() {
        assert_eq!(decode_entities("a &lt;b&gt; &#233;&#x1F600; &bogus; & x"), "a <b> é😀 &bogus; & x");
    }
}
