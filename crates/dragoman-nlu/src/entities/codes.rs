//! SKUs, model numbers and discount codes: tokens a translation must leave alone.
//!
//! A discount code is the code-shaped token right after a coupon word ("Gutscheincode
//! WELCOME10", "优惠码SAVE10"). A SKU or model number is the code-shaped token after a product
//! word ("SKU LH-FL-200", "型番 XR500"), or, without a label, an upper-case token of letters
//! and at least two digits ("LH-FL200", "XR500"): the shape of catalogue numbers, which no
//! language translates. Specifications (`240V`, `256GB`) start with their digits and are left
//! to the text.

use super::carriers::alternation;
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

const COUPON_LATIN: &[&str] = &[
    r"(?:discount|promo|promotion|coupon|voucher|gift\s*card|referral)\s*code|coupon|voucher",
    r"rabatt-?code|gutschein(?:code)?|aktionscode|promocode",
    r"code\s+promo|code\s+de\s+r[ée]duction|bon\s+de\s+r[ée]duction",
    r"c[óo]digo\s+(?:de\s+)?(?:descuento|desconto|promocional|cup[óo]n)|cup[óo]n|cupom",
    r"codice\s+(?:sconto|promozionale)|buono\s+sconto",
    r"kortingscode|actiecode|waardebon",
    r"kod\s+(?:rabatowy|promocyjny)|kupon",
];
const COUPON_OTHER: &[&str] = &[
    "クーポンコード|クーポン|割引コード|プロモーションコード",
    "优惠码|優惠碼|优惠券|優惠券|折扣码|促销码|兑换码",
    "쿠폰\\s*코드|쿠폰|할인\\s*코드|프로모션\\s*코드",
];

const PRODUCT_LATIN: &[&str] = &[
    r"sku|asin|mpn|item\s*(?:no\.?|number|#)|part\s*(?:no\.?|number)|model(?:\s*(?:no\.?|number))?",
    r"art(?:ikel)?\.?\s*-?\s*nr\.?|artikelnummer|modell(?:nummer)?",
    r"r[ée]f[ée]rence|r[ée]f\.?|mod[èe]le",
    r"referencia|modelo|codice\s+articolo|modello|artikelnummer|numer\s+katalogowy",
];
const PRODUCT_OTHER: &[&str] = &["型番|品番", "型号|型號|货号|貨號", "모델명?|품번|상품번호"];

static COUPON: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!("(?i){}", alternation(COUPON_LATIN, COUPON_OTHER))).expect("valid"));
static PRODUCT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!("(?i){}", alternation(PRODUCT_LATIN, PRODUCT_OTHER))).expect("valid"));
/// A code-shaped ASCII token.
static TOKEN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[A-Za-z0-9](?:[A-Za-z0-9._/-]*[A-Za-z0-9])?").expect("valid"));
/// Upper-case letters and digits, hyphens between: a catalogue number without a label.
static CATALOGUE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?-u:\b)[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*(?-u:\b)").expect("valid"));

/// How far after a label its code may stand, and how many words may come between
/// ("coupon code is SAVE10").
const MAX_GAP_BYTES: usize = 24;
const MAX_TOKENS: usize = 3;

/// Discount codes with their spans, skipping `taken`.
pub(super) fn discount_codes(text: &str, taken: &[Range<usize>]) -> Vec<Range<usize>> {
    labelled(text, &COUPON, taken)
}

/// SKUs and model numbers with their spans, skipping `taken`.
pub(super) fn skus(text: &str, taken: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut found = labelled(text, &PRODUCT, taken);
    for m in CATALOGUE.find_iter(text) {
        let token = m.as_str();
        let digits = token.bytes().filter(u8::is_ascii_digit).count();
        let glued = text[..m.start()].ends_with(['#', '@', '/', '.', '_', '-'])
            || text[m.end()..].starts_with(['@', '/', '_', '-']);
        if (4..=24).contains(&token.len()) && digits >= 2 && !glued && free(&m.range(), taken, &found) {
            found.push(m.range());
        }
    }
    found.sort_by_key(|r| r.start);
    found
}

fn labelled(text: &str, label: &Regex, taken: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut found: Vec<Range<usize>> = Vec::new();
    for cue in label.find_iter(text) {
        let window_end = floor_char_boundary(text, (cue.end() + MAX_GAP_BYTES).min(text.len()));
        let code = TOKEN
            .find_iter(&text[cue.end()..window_end])
            .take(MAX_TOKENS)
            .map(|t| cue.end() + t.start()..cue.end() + t.end())
            .find(|r| code_shaped(&text[r.clone()]));
        if let Some(range) = code
            && free(&range, taken, &found)
        {
            found.push(range);
        }
    }
    found
}

/// Letters with digits, or an upper-case word of four letters or more ("WELCOME"); not a plain
/// word, not a bare number (an amount, a year).
fn code_shaped(token: &str) -> bool {
    let letters = token.bytes().filter(u8::is_ascii_alphabetic).count();
    let digits = token.bytes().filter(u8::is_ascii_digit).count();
    let upper = !token.bytes().any(|b| b.is_ascii_lowercase());
    (3..=32).contains(&token.len()) && letters > 0 && (digits > 0 || (upper && letters >= 4))
}

fn free(range: &Range<usize>, taken: &[Range<usize>], found: &[Range<usize>]) -> bool {
    !taken.iter().chain(found).any(|t| t.start < range.end && range.start < t.end)
}

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(text: &str) -> Vec<&str> {
        discount_codes(text, &[]).into_iter().map(|r| &text[r]).collect()
    }

    fn products(text: &str) -> Vec<&str> {
        skus(text, &[]).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn discount_codes_after_coupon_words() {
        assert_eq!(codes("My coupon code is SAVE10 but it fails"), ["SAVE10"]);
        assert_eq!(codes("Der Gutscheincode WELCOME funktioniert nicht"), ["WELCOME"]);
        assert_eq!(codes("el código de descuento «VERANO-25» no va"), ["VERANO-25"]);
        assert_eq!(codes("优惠码SAVE10无效"), ["SAVE10"]);
        assert_eq!(codes("쿠폰 코드 KR2024SALE 적용이 안돼요"), ["KR2024SALE"]);
        assert!(codes("I have a coupon but it expired").is_empty());
        assert!(codes("Gutschein über 50 Euro").is_empty());
    }

    #[test]
    fn skus_labelled_or_catalogue_shaped() {
        assert_eq!(products("SKU: lh-fl-200, qty 2"), ["lh-fl-200"]);
        assert_eq!(products("型番 XR500 の在庫"), ["XR500"]);
        assert_eq!(products("Is the LH-FL200 lamp dimmable? And the TL-4500-BK?"), ["LH-FL200", "TL-4500-BK"]);
        assert_eq!(products("Art.-Nr. 4711-B"), ["4711-B"]);
        // Specifications, words and single-digit names are no SKUs.
        assert!(products("does the 65W charger work at 240V with 256GB? MP3 USB-C A4").is_empty());
    }

    #[test]
    fn taken_spans_are_skipped() {
        let text = "order #LH-10517 model LH-FL200";
        let order = 6..15;
        let found: Vec<&str> = skus(text, std::slice::from_ref(&order)).into_iter().map(|r| &text[r]).collect();
        assert_eq!(found, ["LH-FL200"]);
    }
}
