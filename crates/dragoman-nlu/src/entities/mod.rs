//! Entities a buyer message refers to: order numbers, tracking numbers (with carrier and tracking
//! link), email addresses, URLs and amounts of money. Each is returned exactly as written, so it
//! can be linked to orders and kept byte for byte through translation.
//!
//! Approach: formats, not guesses. Every entity is recognised by the format its issuer defines —
//! marketplace order number patterns ([`dragoman_core::OrderNumber`]), carrier number formats
//! with their check digits ([`tracking`]), RFC-shaped addresses and URLs ([`web`]), numbers with a
//! currency next to them ([`amounts`]). Where a format alone cannot tell a tracking number from
//! a phone number or a tax id (bare digits with a weak check digit), the words labelling the
//! number decide ([`context`]).
//!
//! Entities are found in order, each claiming its span of text: order numbers, IBANs, emails
//! and URLs first (their digits are not tracking numbers), then tracking numbers, then amounts.
//! Regexes are compiled once; a message of a few hundred characters takes microseconds.
//!
//! [`protected_spans`] gives every entity's place in the text, with SKUs, model numbers and
//! discount codes ([`codes`]), for translation to keep them byte for byte.

mod amounts;
mod carriers;
mod check_digits;
mod codes;
mod context;
mod tracking;
mod web;

pub use amounts::Amount;
pub use carriers::Carrier;
pub use tracking::TrackingNumber;

use dragoman_core::OrderNumber;
use dragoman_lang::translate::{ProtectedSpan, SpanKind};
use serde::Serialize;
use std::ops::Range;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Entities {
    /// Marketplace order numbers, as written, without repeats, in order of first appearance.
    pub order_ids: Vec<String>,
    pub tracking_numbers: Vec<TrackingNumber>,
    pub emails: Vec<String>,
    pub urls: Vec<String>,
    pub amounts: Vec<Amount>,
}

impl Entities {
    /// The tracking numbers as written, as the analyze JSON contract lists them.
    pub fn tracking_strings(&self) -> Vec<String> {
        self.tracking_numbers.iter().map(|t| t.number.clone()).collect()
    }

    /// The amounts as written, as the analyze JSON contract lists them.
    pub fn amount_strings(&self) -> Vec<String> {
        self.amounts.iter().map(|a| a.text.clone()).collect()
    }
}

/// Every entity in `text`.
pub fn extract(text: &str) -> Entities {
    let found = Found::scan(text);
    Entities {
        order_ids: found.order_ids,
        tracking_numbers: found.tracking.into_iter().map(|(_, t)| t).collect(),
        emails: unique(found.emails.into_iter().map(|(_, e)| e)),
        urls: unique(found.urls.into_iter().map(|(_, u)| u)),
        amounts: found.amounts.into_iter().map(|(_, a)| a).collect(),
    }
}

/// Every entity of `text` a translation must keep byte for byte, with its place: order and
/// tracking numbers, IBANs, emails, URLs, amounts, SKUs and model numbers, discount codes.
/// Each occurrence counts (an order number written twice is protected twice); spans do not
/// overlap and come in text order.
pub fn protected_spans(text: &str) -> Vec<ProtectedSpan> {
    let found = Found::scan(text);
    let mut spans: Vec<ProtectedSpan> = Vec::new();
    let mut add = |written: &str, kind: SpanKind| {
        spans.extend(text.match_indices(written).map(|m| ProtectedSpan { range: span(m), kind }));
    };
    for order in &found.order_ids {
        add(order, SpanKind::OrderId);
    }
    for (_, email) in &found.emails {
        add(email, SpanKind::Email);
    }
    for (_, url) in &found.urls {
        add(url, SpanKind::Url);
    }
    for (_, tracking) in &found.tracking {
        add(&tracking.number, SpanKind::TrackingNumber);
    }
    for (_, amount) in &found.amounts {
        add(&amount.text, SpanKind::Amount);
    }
    for iban in &found.ibans {
        add(&text[iban.clone()], SpanKind::BankAccount);
    }
    let mut taken: Vec<Range<usize>> = spans.iter().map(|s| s.range.clone()).collect();
    let discounts = codes::discount_codes(text, &taken);
    taken.extend(discounts.iter().cloned());
    spans.extend(discounts.into_iter().map(|range| ProtectedSpan { range, kind: SpanKind::DiscountCode }));
    spans.extend(codes::skus(text, &taken).into_iter().map(|range| ProtectedSpan { range, kind: SpanKind::Sku }));

    // Earliest first, the longest of those starting together; then drop what overlaps.
    spans.sort_by_key(|s| (s.range.start, std::cmp::Reverse(s.range.end)));
    let mut out: Vec<ProtectedSpan> = Vec::with_capacity(spans.len());
    for s in spans {
        if out.last().is_none_or(|last| s.range.start >= last.range.end) {
            out.push(s);
        }
    }
    out
}

/// What one scan of a text found, with places.
struct Found<'a> {
    order_ids: Vec<String>,
    ibans: Vec<Range<usize>>,
    emails: Vec<(Range<usize>, &'a str)>,
    urls: Vec<(Range<usize>, &'a str)>,
    tracking: Vec<(Range<usize>, TrackingNumber)>,
    amounts: Vec<(Range<usize>, Amount)>,
}

impl<'a> Found<'a> {
    fn scan(text: &'a str) -> Self {
        let order_ids: Vec<String> = OrderNumber::find_all(text).into_iter().map(|o| o.text).collect();
        let ibans = tracking::ibans(text);
        let emails = web::emails(text);
        let urls = web::urls(text);

        let mut taken: Vec<Range<usize>> =
            order_ids.iter().flat_map(|o| text.match_indices(o.as_str())).map(span).collect();
        taken.extend(ibans.iter().cloned());
        taken.extend(emails.iter().map(|(s, _)| s.clone()));
        taken.extend(urls.iter().map(|(s, _)| s.clone()));

        let tracking = tracking::find(text, &taken);
        taken.extend(tracking.iter().map(|(s, _)| s.clone()));
        let amounts = amounts::find(text, &taken);
        Self { order_ids, ibans, emails, urls, tracking, amounts }
    }
}

fn span((start, found): (usize, &str)) -> Range<usize> {
    start..start + found.len()
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

    fn kinds(text: &str) -> Vec<(&str, SpanKind)> {
        protected_spans(text).into_iter().map(|s| (&text[s.range], s.kind)).collect()
    }

    #[test]
    fn protected_spans_cover_every_occurrence_in_order() {
        let text = "Order 112-4839201-5573816: 49,99 € twice (49,99 €), code SAVE10, lamp LH-FL200, \
                    mail anna@example.de, order 112-4839201-5573816 again";
        assert_eq!(
            kinds(text),
            [
                ("112-4839201-5573816", SpanKind::OrderId),
                ("49,99 €", SpanKind::Amount),
                ("49,99 €", SpanKind::Amount),
                ("SAVE10", SpanKind::Sku),
                ("LH-FL200", SpanKind::Sku),
                ("anna@example.de", SpanKind::Email),
                ("112-4839201-5573816", SpanKind::OrderId),
            ]
        );
        assert_eq!(kinds("Gutscheincode SAVE10 geht nicht"), [("SAVE10", SpanKind::DiscountCode)]);
    }
}
