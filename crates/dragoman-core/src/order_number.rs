//! Marketplace order numbers in free text: Amazon `3-7-7` digits, eBay `2-5-5` digits, and
//! Shopify order names (`#1187`, `#LH-10517`).

use regex::Regex;
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OrderNumberKind {
    Amazon,
    Ebay,
    Shopify,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderNumber {
    pub kind: OrderNumberKind,
    /// Exactly as written in the text.
    pub text: String,
}

static PATTERN: LazyLock<Regex> = LazyLock::new(|| {
    // Digit groups must not be glued to more digits or dashes (a longer number is something
    // else: a phone number, a tracking number); Shopify names need at least three digits so
    // "item #2" is not an order.
    Regex::new(
        r"(?x)
        (?P<amazon>(?:^|[^0-9-])(\d{3}-\d{7}-\d{7})(?:$|[^0-9-]))
      | (?P<ebay>(?:^|[^0-9-])(\d{2}-\d{5}-\d{5})(?:$|[^0-9-]))
      | (?P<shopify>(?:^|[^\w\#])(\#(?:[A-Z]{1,6}-)?\d{3,10})(?:$|[^\w-]))
        ",
    )
    .expect("order number pattern is valid")
});

impl OrderNumber {
    /// Every order number in `text`, in order of first appearance, without repeats.
    pub fn find_all(text: &str) -> Vec<OrderNumber> {
        let mut found: Vec<OrderNumber> = Vec::new();
        let mut at = 0;
        while at < text.len() {
            let Some(caps) = PATTERN.captures_at(text, at) else { break };
            let (kind, group) = if caps.name("amazon").is_some() {
                (OrderNumberKind::Amazon, 2)
            } else if caps.name("ebay").is_some() {
                (OrderNumberKind::Ebay, 4)
            } else {
                (OrderNumberKind::Shopify, 6)
            };
            let m = caps.get(group).expect("the alternative's inner group matched");
            // Resume right after the number, so the delimiter that ended it can open the next.
            at = m.end();
            if !found.iter().any(|o| o.text == m.as_str()) {
                found.push(OrderNumber { kind, text: m.as_str().to_owned() });
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        OrderNumber::find_all(s).into_iter().map(|o| o.text).collect()
    }

    #[test]
    fn finds_each_marketplace_format() {
        assert_eq!(texts("Bestellung: 302-5518290-6612047)"), ["302-5518290-6612047"]);
        assert_eq!(texts("sull'ordine 04-11287-55310"), ["04-11287-55310"]);
        assert_eq!(texts("commande #LH-10482 dimanche, (order #1187)"), ["#LH-10482", "#1187"]);
    }

    #[test]
    fn adjacent_and_repeated_numbers() {
        assert_eq!(
            texts("113-2740918-5562039,113-2740918-5562039 and 114-2740918-5562039"),
            ["113-2740918-5562039", "114-2740918-5562039"]
        );
    }

    #[test]
    fn ignores_lookalikes() {
        assert!(texts("call +49 302-5518290-66120471").is_empty());
        assert!(texts("item #2 and #12").is_empty());
        assert!(texts("color#FFF000").is_empty());
        assert!(texts("tracking 00340434298817559013").is_empty());
    }
}
