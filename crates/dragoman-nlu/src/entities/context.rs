//! What the words right around a number say it is.
//!
//! Many tracking formats are bare digit strings with a check digit that one random number in
//! seven to ten passes, the same shape as phone numbers, tax ids and account numbers. Such a
//! number is only taken when its label — the words just before it (or, failing those, just
//! after) with no other number in between — is a tracking word or a carrier name, and it is
//! refused when its label says it is something else ("Tel.", "NIP", "IBAN", "order").

use super::carriers::{self, Carrier};
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

/// Words that introduce a tracking number, in the languages buyers write in (one alternation per
/// language).
const TRACKING_LATIN: &[&str] = &[
    r"track\w*|trace|shipment\w*|parcel\w*|package\w*|waybill|awb|consignment\w*",
    r"sendung\w*|paket\w*",
    "suivi|colis|envoi",
    r"seguimiento|env[ií]o|paquete|gu[ií]a|rastre\w*|encomenda|pacote",
    r"spedizion\w*|tracciamento|pacco",
    "zending|pakket|verzending|volgcode",
    r"przesy[lł]k\w*|paczk\w*",
];
const TRACKING_OTHER: &[&str] = &[
    "追跡|伝票|書留|問い?合わ?せ番号|お問合せ番号|送り状|荷物",
    "运单|運單|单号|單號|快递|快遞|物流|追踪|追蹤|跟踪|包裹",
    "송장|운송장|추적|택배|소포",
];

/// Words that introduce some other number: phone, tax and company ids, bank accounts,
/// postcodes, order, invoice, customer and product numbers.
const OTHER_LATIN: &[&str] = &[
    // Phone.
    r"phone\w*|tel|t[ée]l[ée]phone|telef\w*|mobil\w*|handy|cell|whatsapp|fax|call\w*|anruf\w*|rufen|rufnummer\w*|r[üu]ckruf\w*",
    r"appel\w*|llam\w*|chiam\w*|bel|dzwo\w*",
    // Tax and company registration ids.
    r"vat|ust\w*|mwst|tva|iva|nip|regon|krs|cnpj|cpf|btw|kvk|siret|siren|eori|tax\w*|steuer\w*|nif|mst",
    // Bank accounts.
    r"iban\w*|bic|swift|blz|konto\w*|account\w*|rekening\w*|conta|cuenta|compte|rachun\w*",
    // Postcodes.
    r"plz|postcode|postal\w*|zip|cep",
    // Orders, invoices, customers, products.
    r"order\w*|bestell\w*|auftrag\w*|commande|pedido|ordine|zam[óo]wieni\w*|bestelling",
    r"invoice\w*|rechnung\w*|factur\w*|fattura|faktur\w*|receipt|kunden\w*|customer",
    r"asin|sku|ean|gtin|isbn|imei|serial\w*|serien\w*",
];
const OTHER_OTHER: &[&str] = &[
    "電話|携帯|連絡先|口座|郵便番号|〒|注文|請求書|型番",
    "电话|手机|手機|联系|聯絡|账号|帳號|邮编|订单|訂單|发票|發票|税号|序列号",
    "전화|휴대폰|핸드폰|연락처|계좌|우편번호|주문|사업자",
];

static CUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        "(?i)(?P<tracking>{}|{})|(?P<other>{})",
        carriers::alternation(TRACKING_LATIN, TRACKING_OTHER),
        carriers::any_name_pattern(),
        carriers::alternation(OTHER_LATIN, OTHER_OTHER),
    ))
    .expect("cue words are valid")
});

/// How far a label may stand from its number, in characters.
const BEFORE: usize = 40;
const AFTER: usize = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Cue {
    Tracking,
    Other,
}

/// The label of a number: the nearest cue word, and the carriers named in it.
#[derive(Debug, Default)]
pub(super) struct Label {
    pub cue: Option<Cue>,
    pub names: Vec<Carrier>,
}

/// The label of the number at `span` in `text`.
pub(super) fn label(text: &str, span: &Range<usize>) -> Label {
    let before = before(text, span.start);
    if let Some(cue) = CUE.captures_iter(before).last() {
        return Label { cue: Some(kind(&cue)), names: carriers::named_in(before) };
    }
    let after = after(text, span.end);
    match CUE.captures(after) {
        Some(cue) => Label { cue: Some(kind(&cue)), names: carriers::named_in(after) },
        None => Label::default(),
    }
}

fn kind(cue: &regex::Captures) -> Cue {
    if cue.name("tracking").is_some() { Cue::Tracking } else { Cue::Other }
}

// The end of a sentence: a full stop, question or exclamation mark before a capital (not the
// dot of "Tel. 0171…" or "Nr. 1234"), CJK sentence punctuation, or a line break.
static SENTENCE_END: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[.!?]\s+\p{Lu}|[。！？\n]").expect("sentence end pattern is valid"));

/// Up to [`BEFORE`] characters before `at`, in the same sentence and after the last digit.
fn before(text: &str, at: usize) -> &str {
    let head = &text[..at];
    let from = head.char_indices().rev().nth(BEFORE - 1).map_or(0, |(i, _)| i);
    let mut window = &head[from..];
    if let Some(digit) = window.rfind(|c: char| c.is_ascii_digit()) {
        window = &window[digit + 1..];
    }
    if let Some(end) = SENTENCE_END.find_iter(window).last() {
        // Keep the capital that opens the new sentence.
        let punctuation = end.as_str().chars().next().map_or(0, char::len_utf8);
        window = &window[end.start() + punctuation..];
    }
    window
}

/// Up to [`AFTER`] characters after `at`, in the same sentence and before the next digit.
fn after(text: &str, at: usize) -> &str {
    let tail = &text[at..];
    let to = tail.char_indices().nth(AFTER).map_or(tail.len(), |(i, _)| i);
    let window = &tail[..to];
    let end = window.find(|c: char| c.is_ascii_digit() || matches!(c, '.' | '!' | '?' | '。' | '！' | '？' | '\n'));
    &window[..end.unwrap_or(window.len())]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label_of(text: &str, number: &str) -> Label {
        let start = text.find(number).unwrap();
        label(text, &(start..start + number.len()))
    }

    #[test]
    fn nearest_word_before_wins() {
        let l = label_of("Bestellung über DHL, Sendungsnummer 1234567890", "1234567890");
        assert_eq!(l.cue, Some(Cue::Tracking));
        assert_eq!(label_of("tracking below; phone 0612345678", "0612345678").cue, Some(Cue::Other));
        assert_eq!(label_of("NIP 5262890134", "5262890134").cue, Some(Cue::Other));
    }

    #[test]
    fn carrier_names_are_cues() {
        let l = label_of("Mondial Relay n° 84573921", "84573921");
        assert_eq!(l.cue, Some(Cue::Tracking));
        assert_eq!(l.names, [Carrier::MondialRelay]);
        assert_eq!(label_of("CJ대한통운 송장 568201937741", "568201937741").names, [Carrier::CjLogistics]);
    }

    #[test]
    fn a_number_in_between_cuts_the_label() {
        assert_eq!(label_of("tracking 1Z999, then 5262890134", "5262890134").cue, None);
    }

    #[test]
    fn the_label_stays_in_its_sentence() {
        assert_eq!(label_of("DHL never came. My number is 1234567890", "1234567890").cue, None);
        assert_eq!(label_of("1234567890. DHL says", "1234567890").cue, None);
        assert_eq!(label_of("Sendungsnr. 1234567890", "1234567890").cue, Some(Cue::Tracking));
        assert_eq!(label_of("Tel. 0612345678", "0612345678").cue, Some(Cue::Other));
    }

    #[test]
    fn label_after_the_number() {
        assert_eq!(label_of("0612345678 (Handy)", "0612345678").cue, Some(Cue::Other));
        assert_eq!(label_of("ist 1234567890 (DHL)", "1234567890").cue, Some(Cue::Tracking));
    }

    #[test]
    fn words_inside_longer_words_are_not_cues() {
        assert_eq!(label_of("Hotel 1234567890", "1234567890").cue, None);
    }
}
