//! Amounts of money, exactly as written, with their ISO 4217 currency and a normalised value.
//!
//! An amount is a number with a currency next to it: a symbol or ISO code before it (`€ 79,00`,
//! `R$ 187,43`, `CHF 37.80`, `HK$1,280`), or a symbol, code, unit or word after it (`49,99 €`,
//! `1 299 zł`, `68,400원`, `3980円`, `2万円`, `20 euros`); both (`$1,386.00 MXN`) is one amount
//! whose code decides. A bare number is not an amount.
//!
//! Separators follow the writer's locale: `.`, `,`, space, no-break space and apostrophe group
//! thousands; a final `.` or `,` followed by one or two digits is the decimal mark, followed by
//! three it groups thousands (`68,400` is 68400, `49,99` is 49.99).

use regex::Regex;
use serde::Serialize;
use std::ops::Range;
use std::sync::LazyLock;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Amount {
    /// Exactly as written, currency included.
    pub text: String,
    /// ISO 4217 code; `None` when the sign is shared by several currencies (`kr`).
    pub currency: Option<String>,
    /// Plain decimal with `.` as the decimal mark, e.g. `"1299"`, `"49.99"`, `"-5.00"`.
    pub value: Option<String>,
}

/// ISO 4217 codes recognised as written by buyers. Codes that are also common English words in
/// capitals (TRY, ALL, TOP, CUP) are left out: "TRY 2 sizes" is not an amount.
const ISO: &str = "EUR|USD|GBP|CHF|JPY|CNY|RMB|KRW|PLN|BRL|MXN|CAD|AUD|NZD|HKD|SGD|TWD|SEK|NOK|DKK|CZK|HUF|RON|BGN|\
                   INR|RUB|UAH|ZAR|AED|SAR|ILS|THB|IDR|MYR|PHP|VND|ARS|CLP|COP|PEN|ISK";

static AMOUNT: LazyLock<Regex> = LazyLock::new(|| {
    // Decimals are one or two digits, or the Swiss dash for none ("25.–").
    let num = r"[0-9]{1,3}(?:[.,'’\x20\x{a0}\x{202f}][0-9]{3})+(?:[.,](?:[0-9]{1,2}|[-–]))?|[0-9]+(?:[.,](?:[0-9]{1,2}|[-–]))?";
    let symbol = "[$€£¥￥₩₹₽₺₫฿₪₱₴₦]";
    let prefixes = r"(?:US|AU|A|CA|C|NZ|HK|SG|S|NT|MX|R)\$|Rp|RM|Rs";
    let gap = r"[\x20\x{a0}\x{202f}]?";
    let words = r"(?i:euros?|dollars?|yen|yuan|reais|z[lł]otych|z[lł]ote)";
    let units = "zł|Kč|грн|руб(?:лей|ля|ль)?|đ|บาท|ريال|درهم|円|元|원";
    Regex::new(&format!(
        r"(?P<minus>[-−])?(?:(?P<pre>(?-u:\b)(?:{prefixes})|{symbol}|(?-u:\b)(?:{ISO})){gap}(?P<n1>{num})(?:{gap}(?P<code>{ISO})(?-u:\b))?|(?P<n2>{num})(?P<myriad>{gap}[万萬만])?{gap}(?P<post>(?:{ISO}|kr|Ft|lei|TL|{words})(?-u:\b)|{symbol}|{units}))"
    ))
    .expect("amount pattern is valid")
});

/// Amounts in `text` with their byte spans, skipping any that overlap `taken`.
pub(super) fn find(text: &str, taken: &[Range<usize>]) -> Vec<(Range<usize>, Amount)> {
    let mut out: Vec<(Range<usize>, Amount)> = Vec::new();
    for caps in AMOUNT.captures_iter(text) {
        let whole = caps.get(0).expect("group 0");
        let mut span = whole.range();
        let mut negative = caps.name("minus").is_some();
        if negative && text[..span.start].chars().next_back().is_some_and(char::is_alphanumeric) {
            // "10-20 €" is a range, not minus twenty.
            negative = false;
            span.start += caps["minus"].len();
        }
        if !negative && glued_to_a_number(text, span.start) {
            continue;
        }
        let (number, sign) = match (caps.name("n1"), caps.name("pre"), caps.name("n2"), caps.name("post")) {
            (Some(n), Some(pre), _, _) => (n.as_str(), caps.name("code").map_or(pre.as_str(), |c| c.as_str())),
            (_, _, Some(n), Some(post)) => (n.as_str(), post.as_str()),
            _ => unreachable!("each alternative has a number and a currency"),
        };
        let written = &text[span.clone()];
        if (sign == "원" && korean_word_after(text, span.end, written)) || glued_to_a_word(sign, &text[span.end..]) {
            continue;
        }
        if taken.iter().any(|t| t.start < span.end && span.start < t.end) || out.iter().any(|(_, a)| a.text == written)
        {
            continue;
        }
        let value =
            normalise(number, caps.name("myriad").is_some()).map(|v| if negative { format!("-{v}") } else { v });
        let amount = Amount { text: written.to_owned(), currency: currency(sign, text).map(str::to_owned), value };
        out.push((span, amount));
    }
    out
}

/// Whether the amount starting at `start` is the tail of a longer number or word ("A4 5 €",
/// "1234.567,89 €" matched from its second digit).
fn glued_to_a_number(text: &str, start: usize) -> bool {
    let mut before = text[..start].chars().rev();
    match before.next() {
        Some(c) if c.is_ascii_alphanumeric() => true,
        Some('.' | ',') => before.next().is_some_and(|c| c.is_ascii_digit()),
        _ => false,
    }
}

/// "2 원하는" ("2, wanting…"): 원 after a space and before more Hangul is a word, not won.
fn korean_word_after(text: &str, end: usize, written: &str) -> bool {
    let spaced = written.trim_end_matches('원').ends_with([' ', '\u{a0}', '\u{202f}']);
    spaced && text[end..].chars().next().is_some_and(|c| matches!(c, '\u{ac00}'..='\u{d7af}'))
}

/// "3 đơn" ("3 orders"): a Latin, Cyrillic or Arabic unit followed by more letters is the start
/// of another word. (CJK and Thai units are followed by text without a space, as written.)
fn glued_to_a_word(sign: &str, after: &str) -> bool {
    let spaced_script =
        sign.chars().all(|c| c.is_alphabetic() && (c < '\u{e00}' || matches!(c, '\u{1e00}'..='\u{1eff}')));
    spaced_script && after.chars().next().is_some_and(char::is_alphabetic)
}

/// `¥` is the sign of both yen and yuan: Japanese text (with kana) means yen, other Chinese
/// text yuan, anything else yen (the usual reading in Latin-script messages).
fn yen_currency(text: &str) -> &'static str {
    let kana = text.chars().any(|c| matches!(c, '\u{3040}'..='\u{30ff}'));
    let han = text.chars().any(|c| matches!(c, '\u{4e00}'..='\u{9fff}'));
    if !kana && han { "CNY" } else { "JPY" }
}

/// The ISO 4217 code of a currency sign as written in `text`. A bare `$` is read as US dollars,
/// the currency cross-border listings are most often priced in; other dollars carry their prefix.
fn currency(sign: &str, text: &str) -> Option<&'static str> {
    let code = match sign {
        "$" | "US$" => "USD",
        "AU$" | "A$" => "AUD",
        "CA$" | "C$" => "CAD",
        "NZ$" => "NZD",
        "HK$" => "HKD",
        "SG$" | "S$" => "SGD",
        "NT$" => "TWD",
        "MX$" => "MXN",
        "R$" => "BRL",
        "Rp" => "IDR",
        "RM" => "MYR",
        "Rs" => "INR",
        "€" => "EUR",
        "£" => "GBP",
        "¥" | "￥" => yen_currency(text),
        "₩" | "원" => "KRW",
        "₹" => "INR",
        "₽" | "руб" | "рублей" | "рубля" | "рубль" => "RUB",
        "₺" | "TL" => "TRY",
        "₫" | "đ" => "VND",
        "฿" | "บาท" => "THB",
        "₪" => "ILS",
        "₱" => "PHP",
        "₴" | "грн" => "UAH",
        "₦" => "NGN",
        "zł" => "PLN",
        "Kč" => "CZK",
        "Ft" => "HUF",
        "lei" => "RON",
        "円" => "JPY",
        "元" => "CNY",
        "RMB" => "CNY",
        // Krone and krona (Danish, Norwegian, Swedish, Icelandic); riyal (Saudi, Qatari, Omani,
        // Yemeni, Iranian); dirham (Emirati, Moroccan).
        "kr" | "ريال" | "درهم" => return None,
        word => match word.to_lowercase().as_str() {
            "euro" | "euros" => "EUR",
            "dollar" | "dollars" => "USD",
            "yen" => "JPY",
            "yuan" => "CNY",
            "reais" => "BRL",
            "złotych" | "zlotych" | "złote" | "zlote" => "PLN",
            _ => return ISO.split('|').find(|c| *c == word),
        },
    };
    Some(code)
}

/// The value of a number as written, with `.` as decimal mark and no grouping; `myriad` when
/// it is followed by 万/萬/만 (ten thousand).
fn normalise(number: &str, myriad: bool) -> Option<String> {
    let number = number.trim_end_matches(['-', '–']);
    let (int, frac) = match number.rfind(['.', ',']) {
        Some(i) if number.len() - i - 1 <= 2 => (&number[..i], &number[i + 1..]),
        _ => (number, ""),
    };
    let int: String = int.chars().filter(char::is_ascii_digit).collect();
    if int.is_empty() {
        return None;
    }
    let (int, frac) = if myriad {
        // Shift the decimal mark four places: 1.5万 is 15000.
        (format!("{int}{frac:0<4}"), String::new())
    } else {
        (int, frac.to_owned())
    };
    let int = match int.trim_start_matches('0') {
        "" => "0",
        trimmed => trimmed,
    };
    Some(if frac.is_empty() { int.to_owned() } else { format!("{int}.{frac}") })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn amounts(text: &str) -> Vec<(String, Option<String>, Option<String>)> {
        find(text, &[]).into_iter().map(|(_, a)| (a.text, a.currency, a.value)).collect()
    }

    fn one(text: &str) -> (String, String, String) {
        let found = amounts(text);
        assert_eq!(found.len(), 1, "{text}: {found:?}");
        let (t, c, v) = found.into_iter().next().unwrap();
        (t, c.unwrap_or_default(), v.unwrap_or_default())
    }

    fn triple(t: &str, c: &str, v: &str) -> (String, String, String) {
        (t.to_owned(), c.to_owned(), v.to_owned())
    }

    #[test]
    fn symbol_before_or_after() {
        assert_eq!(one("Erstattung von 12,30 € fehlt"), triple("12,30 €", "EUR", "12.30"));
        assert_eq!(one("rimborso di € 5,00."), triple("€ 5,00", "EUR", "5.00"));
        assert_eq!(one("paid €7,50!"), triple("€7,50", "EUR", "7.50"));
        assert_eq!(one("a refund of $12.05."), triple("$12.05", "USD", "12.05"));
        assert_eq!(one("cobraram R$ 56,10 de taxa"), triple("R$ 56,10", "BRL", "56.10"));
        assert_eq!(one("for £7.99, thanks"), triple("£7.99", "GBP", "7.99"));
        assert_eq!(one("公司報銷 HK$2,460，謝謝"), triple("HK$2,460", "HKD", "2460"));
    }

    #[test]
    fn iso_codes_before_or_after() {
        assert_eq!(one("je dois payer CHF 12.40 au facteur"), triple("CHF 12.40", "CHF", "12.40"));
        assert_eq!(one("total 19.90 EUR"), triple("19.90 EUR", "EUR", "19.90"));
        assert_eq!(one("me cobran $2,450.00 MXN de impuestos"), triple("$2,450.00 MXN", "MXN", "2450.00"));
        assert!(amounts("the EURO2024 ball").is_empty());
    }

    #[test]
    fn grouping_separators_by_locale() {
        assert_eq!(one("Preis 1.234,56 €"), triple("1.234,56 €", "EUR", "1234.56"));
        assert_eq!(one("price $1,234.56"), triple("$1,234.56", "USD", "1234.56"));
        assert_eq!(one("prix 1 234,56 €"), triple("1 234,56 €", "EUR", "1234.56"));
        assert_eq!(one("Zapłaciłem 2 499 zł."), triple("2 499 zł", "PLN", "2499"));
        assert_eq!(one("Preis CHF 1'250.50"), triple("CHF 1'250.50", "CHF", "1250.50"));
        assert_eq!(one("nur CHF 25.– Gebühr"), triple("CHF 25.–", "CHF", "25"));
    }

    #[test]
    fn east_asian_units() {
        assert_eq!(one("43,200원이요"), triple("43,200원", "KRW", "43200"));
        assert_eq!(one("관세 ₩12,300 나왔어요"), triple("₩12,300", "KRW", "12300"));
        assert_eq!(one("5만원 환불"), triple("5만원", "KRW", "50000"));
        assert_eq!(one("代金4280円を支払いました"), triple("4280円", "JPY", "4280"));
        assert_eq!(one("PayPalで¥5,600支払いました"), triple("¥5,600", "JPY", "5600"));
        assert_eq!(one("要求退款 ¥45。"), triple("¥45", "CNY", "45"));
        assert_eq!(one("退了120元"), triple("120元", "CNY", "120"));
        assert_eq!(one("1.5万円です"), triple("1.5万円", "JPY", "15000"));
        assert!(amounts("2 원하는 색상").is_empty());
    }

    #[test]
    fn units_of_other_scripts() {
        assert_eq!(one("iki kez 1.249 TL çekildi"), triple("1.249 TL", "TRY", "1249"));
        assert_eq!(one("списали 1 290 грн за"), triple("1 290 грн", "UAH", "1290"));
        assert_eq!(one("bị trừ 459.000đ cho"), triple("459.000đ", "VND", "459000"));
        assert!(amounts("mình đặt 3 đơn").is_empty());
        assert_eq!(one("ตัดเงิน 890 บาทสองครั้ง"), triple("890 บาท", "THB", "890"));
        assert_eq!(one("kepotong Rp459.000 untuk"), triple("Rp459.000", "IDR", "459000"));
        assert_eq!(one("Strhli jste mi 1 290 Kč dvakrát"), triple("1 290 Kč", "CZK", "1290"));
        assert_eq!(one("Vreau 399 lei înapoi"), triple("399 lei", "RON", "399"));
    }

    #[test]
    fn words_and_ambiguous_signs() {
        assert_eq!(one("me devolvieron 20 euros"), triple("20 euros", "EUR", "20"));
        let kr = amounts("det kostade 349 kr");
        assert_eq!(kr, [("349 kr".to_owned(), None, Some("349".to_owned()))]);
    }

    #[test]
    fn negative_amounts_and_ranges() {
        assert_eq!(one("Saldo: -5,00 €"), triple("-5,00 €", "EUR", "-5.00"));
        assert_eq!(one("entre 10-20 €"), triple("20 €", "EUR", "20"));
    }

    #[test]
    fn bare_numbers_are_not_amounts() {
        assert!(amounts("I ordered 3 items for 49.99 and waited 12 days").is_empty());
        assert!(amounts("Bestellung 302-5518290-6612047, Artikel A4").is_empty());
        assert!(amounts("256GB instead of 128GB").is_empty());
    }
}
