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

mod amounts;
mod carriers;
mod check_digits;
mod context;
mod tracking;
mod web;

pub use amounts::Amount;
pub use carriers::Carrier;
pub use tracking::TrackingNumber;

use dragoman_core::OrderNumber;
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
    let order_ids: Vec<String> = OrderNumber::find_all(text).into_iter().map(|o| o.text).collect();
    let emails = web::emails(text);
    let urls = web::urls(text);

    let mut taken: Vec<Range<usize>> =
        order_ids.iter().flat_map(|o| text.match_indices(o.as_str())).map(span).collect();
    taken.extend(tracking::ibans(text));
    taken.extend(emails.iter().map(|(s, _)| s.clone()));
    taken.extend(urls.iter().map(|(s, _)| s.clone()));

    let tracking = tracking::find(text, &taken);
    taken.extend(tracking.iter().map(|(s, _)| s.clone()));
    let amounts = amounts::find(text, &taken);

    Entities {
        order_ids,
        tracking_numbers: tracking.into_iter().map(|(_, t)| t).collect(),
        emails: unique(emails.into_iter().map(|(_, e)| e)),
        urls: unique(urls.into_iter().map(|(_, u)| u)),
        amounts: amounts.into_iter().map(|(_, a)| a).collect(),
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
