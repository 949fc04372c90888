//! Check digit schemes of the tracking number formats, each as its carrier or standard defines it.
//!
//! Every function takes the whole number (check digit last) in ASCII, already known to have the
//! right length and character classes, and says whether its check digit is the computed one.

/// Value of an ASCII digit.
fn value(b: u8) -> u32 {
    u32::from(b - b'0')
}

/// Splits off the trailing check digit.
fn split(number: &str) -> (&[u8], u32) {
    let (body, check) = number.as_bytes().split_at(number.len() - 1);
    (body, value(check[0]))
}

/// GS1 "modulo 10, weights 3-1" (SSCC, USPS IMpb, FedEx Ground, DHL Paket 20-digit): weight 3 on
/// the digit next to the check digit, then 1, 3, … leftwards; the check digit tops the sum up to a
/// multiple of ten. Counting from the right makes leading zeros (AI `00`, padding) irrelevant.
pub(super) fn gs1_mod10(number: &str) -> bool {
    let (body, check) = split(number);
    let sum: u32 = body.iter().rev().enumerate().map(|(i, &b)| value(b) * if i % 2 == 0 { 3 } else { 1 }).sum();
    (10 - sum % 10) % 10 == check
}

/// "7DR" modulo 7 (DHL Express waybills, Yamato, Sagawa, Japan Post, CJ Logistics): the check
/// digit is the rest of the number, read as one integer, modulo 7.
pub(super) fn mod7(number: &str) -> bool {
    let (body, check) = split(number);
    body.iter().fold(0, |rest, &b| (rest * 10 + value(b)) % 7) == check
}

/// FedEx Express 12-digit: weights 1, 3, 7 repeating from the digit next to the check digit
/// leftwards, sum modulo 11, then modulo 10 (a remainder of 10 gives check digit 0).
pub(super) fn fedex12(number: &str) -> bool {
    const WEIGHTS: [u32; 3] = [1, 3, 7];
    let (body, check) = split(number);
    let sum: u32 = body.iter().rev().enumerate().map(|(i, &b)| value(b) * WEIGHTS[i % 3]).sum();
    sum % 11 % 10 == check
}

/// Deutsche Post Identcode (the 12-digit DHL Paket number): weights 4 and 9 alternating from the
/// left, the check digit tops the sum up to a multiple of ten.
pub(super) fn identcode(number: &str) -> bool {
    let (body, check) = split(number);
    let sum: u32 = body.iter().enumerate().map(|(i, &b)| value(b) * if i % 2 == 0 { 4 } else { 9 }).sum();
    (10 - sum % 10) % 10 == check
}

/// UPS `1Z` numbers: the 15 characters between `1Z` and the check digit, letters mapped to
/// digits by UPS's table (`(ASCII - 3) mod 10`: A=2, B=3, … I=0, …), weight 1 on odd and 2 on
/// even positions (1-based); the check digit tops the sum up to a multiple of ten.
pub(super) fn ups(number: &str) -> bool {
    let (body, check) = split(number);
    let sum: u32 = body[2..]
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            let v = if b.is_ascii_digit() { value(b) } else { u32::from(b - 3) % 10 };
            if i % 2 == 0 { v } else { 2 * v }
        })
        .sum();
    (10 - sum % 10) % 10 == check
}

/// UPU S10 (`AA123456789CC`): the eight serial digits weighted 8, 6, 4, 2, 3, 5, 9, 7;
/// check = 11 − (sum mod 11), where 10 becomes 0 and 11 becomes 5.
pub(super) fn s10(number: &str) -> bool {
    const WEIGHTS: [u32; 8] = [8, 6, 4, 2, 3, 5, 9, 7];
    let digits = &number.as_bytes()[2..11];
    let sum: u32 = digits[..8].iter().zip(WEIGHTS).map(|(&b, w)| value(b) * w).sum();
    let check = match 11 - sum % 11 {
        10 => 0,
        11 => 5,
        c => c,
    };
    check == value(digits[8])
}

/// ISO 13616 IBAN check: the country code and check digits moved to the end, letters as
/// 10–35, the whole read as one integer modulo 97 must be 1.
pub(super) fn iban(compact: &str) -> bool {
    let (head, tail) = compact.split_at(4);
    let mut rest = 0u32;
    for c in tail.chars().chain(head.chars()) {
        let Some(v) = c.to_digit(36) else { return false };
        rest = if v < 10 { (rest * 10 + v) % 97 } else { (rest * 100 + v) % 97 };
    }
    rest == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    // Numbers published with each scheme's documentation, or computed by hand from its rule.
    #[test]
    fn gs1_mod10_weights_from_the_right() {
        assert!(gs1_mod10("00340433836442636597"));
        assert!(!gs1_mod10("00340433836442636598"));
        assert!(gs1_mod10("9400111202555842332669"));
        assert!(gs1_mod10("041441760228964"));
    }

    #[test]
    fn mod7_reads_the_body_as_one_number() {
        // 12345678901 mod 7 = 3
        assert!(mod7("123456789013"));
        assert!(!mod7("123456789012"));
        assert!(mod7("3318810025"));
    }

    #[test]
    fn fedex_express() {
        assert!(fedex12("986578788855"));
        assert!(!fedex12("996578788855"));
    }

    #[test]
    fn deutsche_post_identcode() {
        assert!(identcode("201298452277"));
        assert!(!identcode("201298452278"));
    }

    #[test]
    fn ups_letters_map_through_the_table() {
        assert!(ups("1Z879E930346834440"));
        assert!(!ups("1Z879E930346834441"));
    }

    #[test]
    fn s10_weights_and_special_remainders() {
        assert!(s10("RB123456785GB"));
        assert!(!s10("RB123456786GB"));
    }

    #[test]
    fn iban_mod97() {
        assert!(iban("DE89370400440532013000"));
        assert!(!iban("DE89370400440532013001"));
        assert!(iban("PL61109010140000071219812874"));
    }
}
