//! Reply templates (the store's SOPs) and reply suggestions.
//!
//! A [`ReplyTemplate`] is a [minijinja](https://docs.rs/minijinja) text for one intent, one
//! language and one situation ([`Condition`]: the order has shipped, the refund is issued, the
//! buyer is angry, …). Store owners edit them, so:
//! - rendering is plain text (no HTML autoescaping: replies go out as text through the
//!   marketplaces' messaging);
//! - undefined variables are *strict*: printing a fact the conversation does not have (a
//!   tracking number before shipping) is an error naming the variable, never a silent
//!   "Tracking: ". Optional facts are guarded with `is defined` or `| default(...)`;
//! - [`validate`] reports syntax errors with their line, unknown variables (typos), and
//!   errors a full sample context reveals (unknown filters), before a template is saved.
//!
//! [`suggest`] ranks the templates that fit a message (intent, escalation, order state) in
//! the agent's language, falling back to English template by template, and leaves out the
//! ones the context cannot fill, saying which and why.
//!
//! [`default_templates`] are the shipped SOPs (one TOML file per language under
//! `templates/`): every intent in en, de, fr, es, it, pt, ja, zh, ko, nl and pl, written for
//! each culture's expectations of a seller (formal *Sie*, keigo with a proper お詫び, warm
//! Brazilian *você*, 합니다체, 您).

mod context;
mod defaults;

#[cfg(test)]
mod tests;

pub use context::{ItemFacts, OrderFacts, OrderState, ReplyContext};
pub use defaults::{DEFAULT_LANGUAGES, default_templates, parse_templates};

use dragoman_core::{Intent, LanguageTag};
use minijinja::{Environment, ErrorKind, UndefinedBehavior};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// The language replies fall back to when a template is missing in the agent's language.
pub const FALLBACK_LANGUAGE: &str = "en";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReplyTemplate {
    /// `intent.variant`, e.g. `order_status.shipped`; the same key in several languages is
    /// the same SOP translated.
    pub key: String,
    pub intent: Intent,
    pub language: LanguageTag,
    pub title: String,
    /// minijinja source.
    pub body: String,
    #[serde(default)]
    pub when: Condition,
}

/// The situation a template is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    #[default]
    Any,
    /// No order is linked yet ("could you send me your order number?").
    NoOrder,
    NotShipped,
    /// In transit; also fits a delivered order when no delivered variant exists.
    Shipped,
    Delivered,
    Cancelled,
    /// A refund is expected but not issued yet.
    RefundPending,
    RefundIssued,
    /// The message was escalated (anger, threats): apology-first variants.
    Escalated,
}

impl Condition {
    pub const ALL: &'static [Condition] = &[
        Condition::Any,
        Condition::NoOrder,
        Condition::NotShipped,
        Condition::Shipped,
        Condition::Delivered,
        Condition::Cancelled,
        Condition::RefundPending,
        Condition::RefundIssued,
        Condition::Escalated,
    ];

    /// The wire name, as stored next to a template (`not_shipped`).
    pub fn as_str(self) -> &'static str {
        match self {
            Condition::Any => "any",
            Condition::NoOrder => "no_order",
            Condition::NotShipped => "not_shipped",
            Condition::Shipped => "shipped",
            Condition::Delivered => "delivered",
            Condition::Cancelled => "cancelled",
            Condition::RefundPending => "refund_pending",
            Condition::RefundIssued => "refund_issued",
            Condition::Escalated => "escalated",
        }
    }

    /// How well the template fits, or `None` when it does not apply. Specific variants beat
    /// generic ones, so "it has shipped, here is the tracking" outranks "thanks for your message".
    fn fit(self, state: OrderState, escalated: bool) -> Option<f32> {
        use OrderState as S;
        match (self, state) {
            (Condition::Escalated, _) => escalated.then_some(1.0),
            (Condition::Any, _) => Some(0.6),
            (Condition::NoOrder, S::Unknown)
            | (Condition::NotShipped, S::NotShipped)
            | (Condition::Shipped, S::Shipped)
            | (Condition::Delivered, S::Delivered)
            | (Condition::Cancelled, S::Cancelled)
            | (Condition::RefundIssued, S::Refunded)
            | (Condition::RefundPending, S::NotShipped | S::Shipped | S::Delivered | S::Cancelled) => Some(0.9),
            (Condition::Shipped, S::Delivered) => Some(0.75),
            _ => None,
        }
    }
}

impl std::fmt::Display for Condition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Condition {
    type Err = ReplyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Condition::ALL.iter().copied().find(|c| c.as_str() == s).ok_or_else(|| {
            let names: Vec<&str> = Condition::ALL.iter().map(|c| c.as_str()).collect();
            ReplyError::UnknownCondition(format!("{s:?} is not one of {}", names.join(", ")))
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    pub key: String,
    pub title: String,
    /// The rendered reply, ready for the agent to edit and send.
    pub text: String,
    pub language: LanguageTag,
    /// 0..1; higher first.
    pub score: f32,
}

/// A template that fit the message but could not be rendered for this conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Skipped {
    pub key: String,
    pub language: LanguageTag,
    /// Why: usually "`order.tracking_number` is undefined".
    pub reason: String,
    /// The variable the context lacks, when that is the reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Suggestions {
    pub suggestions: Vec<Suggestion>,
    pub skipped: Vec<Skipped>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReplyError {
    #[error("syntax error on line {line}: {message}")]
    Syntax { line: usize, message: String },
    /// The context lacks a fact the template prints.
    #[error("`{name}` is not known for this conversation{}", at_line(*line))]
    MissingVariable { name: String, line: Option<usize> },
    /// [`validate`]: a variable no context ever has, usually a typo.
    #[error("unknown variable `{name}`{}; known: {}", at_line(*line), KNOWN_VARIABLES.join(", "))]
    UnknownVariable { name: String, line: Option<usize> },
    #[error("cannot render{}: {message}", at_line(*line))]
    Render { message: String, line: Option<usize> },
    #[error("unknown condition: {0}")]
    UnknownCondition(String),
    /// A templates file that does not parse.
    #[error("templates file: {0}")]
    File(String),
}

fn at_line(line: Option<usize>) -> String {
    line.map(|l| format!(" on line {l}")).unwrap_or_default()
}

/// The variables a template may use, as `validate` checks them.
pub const KNOWN_VARIABLES: &[&str] = &[
    "buyer_name",
    "agent_name",
    "store_name",
    "order",
    "order.order_id",
    "order.items",
    "order.item_summary",
    "order.status",
    "order.state",
    "order.carrier",
    "order.tracking_number",
    "order.tracking_url",
    "order.expected_delivery",
    "order.return_window_days",
    "order.refund_amount",
    "order.total",
];

/// minijinja's global functions, which appear as undeclared variables in a template.
const GLOBALS: &[&str] = &["range", "dict", "namespace", "debug", "loop", "self", "super", "cycler", "joiner"];

static ENV: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    // Block tags on their own line leave no blank line behind: templates are plain text
    // where every newline shows.
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()
            .expect("default delimiters are valid"),
    );
    // So that an undefined-variable error names the variable.
    env.set_debug(true);
    env
});

/// Renders a template for a conversation.
pub fn render(t: &ReplyTemplate, ctx: &ReplyContext) -> Result<String, ReplyError> {
    render_body(&t.key, &t.body, ctx)
}

fn render_body(name: &str, body: &str, ctx: &ReplyContext) -> Result<String, ReplyError> {
    let value = minijinja::Value::from(minijinja::value::Serde(ctx));
    let text = ENV.render_named_str(name, body, value).map_err(|e| convert(&e, body))?;
    Ok(tidy(&text))
}

/// Trailing spaces, runs of blank lines left by optional paragraphs, and the final newline
/// are noise in a message box.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0;
    for line in text.trim().lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank_run += 1;
            if blank_run > 1 {
                continue;
            }
        } else {
            blank_run = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.truncate(out.trim_end().len());
    out
}

fn convert(e: &minijinja::Error, body: &str) -> ReplyError {
    let line = e.line();
    let detail = e.detail().unwrap_or_default().to_owned();
    match e.kind() {
        ErrorKind::SyntaxError => ReplyError::Syntax { line: line.unwrap_or(1), message: detail },
        ErrorKind::UndefinedError => {
            // minijinja (debug mode) says "`order.tracking_number` is undefined".
            let name = detail.split('`').nth(1).map(str::to_owned).unwrap_or_else(|| guess_missing(body));
            ReplyError::MissingVariable { name, line }
        }
        _ => ReplyError::Render { message: if detail.is_empty() { e.to_string() } else { detail }, line },
    }
}

/// Without minijinja's own account, the first variable the template uses.
fn guess_missing(body: &str) -> String {
    ENV.template_from_str(body)
        .ok()
        .and_then(|t| {
            let mut vars: Vec<String> = t.undeclared_variables(true).into_iter().collect();
            vars.sort();
            vars.into_iter().next()
        })
        .unwrap_or_else(|| "?".into())
}

/// Checks a template body a store owner is editing: syntax (with line), variables no
/// conversation ever has, and anything rendering with a complete context reveals (an
/// unknown filter, a number used as text).
pub fn validate(body: &str) -> Result<(), ReplyError> {
    let template = ENV.template_from_named_str("template", body).map_err(|e| convert(&e, body))?;
    let mut used: Vec<String> = template.undeclared_variables(true).into_iter().collect();
    used.sort();
    for name in used {
        let root = name.split('.').next().unwrap_or_default();
        // Items are objects of their own: `order.items.0.title` and the like are fine.
        let known =
            GLOBALS.contains(&root) || KNOWN_VARIABLES.contains(&name.as_str()) || name.starts_with("order.items.");
        if !known {
            let last = name.rsplit('.').next().unwrap_or(&name);
            let line = body.lines().position(|l| l.contains(last)).map(|i| i + 1);
            return Err(ReplyError::UnknownVariable { name, line });
        }
    }
    render_body("template", body, &ReplyContext::sample()).map(|_| ())
}

/// Ranks the templates for `intent` whose condition fits (`escalated` puts the apology-first
/// variants on top; the order state picks "shipped" over "not shipped"), one per key, in
/// `language` or else in English, renders them, and reports the ones the context cannot fill.
pub fn suggest(
    templates: &[ReplyTemplate],
    intent: Intent,
    escalated: bool,
    order_state: OrderState,
    language: &LanguageTag,
    ctx: &ReplyContext,
    limit: usize,
) -> Suggestions {
    // One template per key: the agent's language wins over the fallback.
    let mut chosen: BTreeMap<&str, (&ReplyTemplate, f32, bool)> = BTreeMap::new();
    for t in templates.iter().filter(|t| t.intent == intent) {
        let Some(fit) = t.when.fit(order_state, escalated) else { continue };
        let native = t.language == *language;
        if !native && t.language.as_str() != FALLBACK_LANGUAGE {
            continue;
        }
        // An angry buyer gets the apology first; everything else moves down a notch.
        let fit = if escalated && t.when != Condition::Escalated { fit * 0.8 } else { fit };
        let score = if native { fit } else { fit * 0.8 };
        match chosen.get(t.key.as_str()) {
            Some((_, _, true)) => {}
            Some(_) if !native => {}
            _ => {
                chosen.insert(&t.key, (t, score, native));
            }
        }
    }

    let mut out = Suggestions::default();
    for (t, score, _) in chosen.into_values() {
        match render(t, ctx) {
            Ok(text) => out.suggestions.push(Suggestion {
                key: t.key.clone(),
                title: t.title.clone(),
                text,
                language: t.language.clone(),
                score: (score * 1000.0).round() / 1000.0,
            }),
            Err(e) => out.skipped.push(Skipped {
                key: t.key.clone(),
                language: t.language.clone(),
                missing: match &e {
                    ReplyError::MissingVariable { name, .. } => Some(name.clone()),
                    _ => None,
                },
                reason: e.to_string(),
            }),
        }
    }
    out.suggestions.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.key.cmp(&b.key)));
    out.suggestions.truncate(limit);
    out
}
