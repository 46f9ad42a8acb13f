//! Order-preserving keys: how a trait value is written into the index so that comparing two
//! keys as strings compares the values as the product promises.
//!
//! - Numbers compare as numbers, exactly, whether they came as JSON numbers or as form text:
//!   a key holds the decimal's sign, exponent and digits, never a float, so
//!   9007199254740993 and 9007199254740992 differ and 0.3 equals 0.30.
//! - Text that reads as an ISO 8601 / RFC 3339 date or time compares as an instant, whatever
//!   its offset or separator.
//! - Other text compares case-folded (for every script) and with accents composed (NFC).
//! - Across kinds: booleans, then numbers, then instants, then text. Missing values are not
//!   keys at all; the sorter places them last in both directions.
//!
//! Every key is valid UTF-8 so it can live in tantivy's string columns and term dictionaries.

use unicode_normalization::UnicodeNormalization;

use crate::models::types::{is_decimal, parse_instant};
use crate::records::Value;

/// Tags that open each key; their order is the order of the kinds.
const BOOL: char = 'b';
const NUMBER: char = 'n';
const INSTANT: char = 't';
const TEXT: char = 'x';

/// The longest folded text kept in a sort key, in bytes; enough to order any real value.
const MAX_SORT_TEXT: usize = 200;

/// Folds text for comparison and sorting: composed accents, lower case in every script.
pub fn fold(text: &str) -> String {
    // ASCII has no accents to compose: skip the normalisation, which costs far more.
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    text.nfc().collect::<String>().to_lowercase()
}

/// Folds text for search and `~`: lower case, and accents removed, so `bolido` finds
/// `Bólido` and `елкин` finds `Ёлкин`.
pub fn loose(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    let lowered = text.to_lowercase();
    lowered
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .collect::<String>()
        .nfc()
        .collect()
}

/// The key of a scalar value, or None for null, lists and objects.
pub fn value_key(value: &Value) -> Option<String> {
    match value {
        Value::Bool(b) => Some(bool_key(*b)),
        Value::Number(text) => number_key(text),
        Value::Text(text) => Some(text_like_key(text)),
        Value::Null | Value::List(_) | Value::Object(_) => None,
    }
}

/// Text that reads as a number or an instant is keyed as one.
pub fn text_like_key(text: &str) -> String {
    let trimmed = text.trim();
    if is_decimal(trimmed) {
        if let Some(key) = number_key(trimmed) {
            return key;
        }
    }
    instant_key(trimmed).unwrap_or_else(|| text_key(text))
}

pub fn bool_key(value: bool) -> String {
    format!("{BOOL}{}", u8::from(value))
}

/// The key of text compared as text.
pub fn text_key(text: &str) -> String {
    format!("{TEXT}{}", fold(text))
}

/// The text-key prefix, for "contains" scans over text values.
pub fn text_prefix() -> char {
    TEXT
}

/// The key of an instant, if the text reads as one.
pub fn instant_key(text: &str) -> Option<String> {
    let looks_like_date = text.len() >= 10
        && text.as_bytes()[..4].iter().all(u8::is_ascii_digit)
        && text.as_bytes()[4] == b'-';
    if !looks_like_date {
        return None;
    }
    Some(micros_key(parse_instant(text)?.as_microsecond()))
}

/// The key of an instant given in microseconds since the Unix epoch.
pub fn micros_key(micros: i64) -> String {
    // Offset binary keeps negative instants before positive ones in string order.
    format!("{INSTANT}{:016x}", (micros as u64) ^ (1 << 63))
}

/// Cuts a key to the length kept in sort columns, on a character boundary.
pub fn sort_form(mut key: String) -> String {
    if key.len() > MAX_SORT_TEXT {
        let mut cut = MAX_SORT_TEXT;
        while !key.is_char_boundary(cut) {
            cut -= 1;
        }
        key.truncate(cut);
    }
    key
}

/// The key of a decimal number: sign, then a fixed-width exponent, then the significant
/// digits. For negative numbers the exponent and digits are complemented and the digits end
/// in `~`, so that a larger magnitude sorts first.
pub fn number_key(text: &str) -> Option<String> {
    let (negative, digits, exponent) = decompose(text)?;
    if digits.is_empty() {
        return Some(format!("{NUMBER}1"));
    }
    let biased = u32::try_from(exponent.clamp(-4999, 4999) + 5000).ok()?;
    if negative {
        let flipped: String = digits.chars().map(|d| char::from(b'9' - (d as u8 - b'0'))).collect();
        Some(format!("{NUMBER}0{:04}{flipped}~", 9999 - biased))
    } else {
        Some(format!("{NUMBER}2{biased:04}{digits}"))
    }
}

/// Splits a JSON-style decimal into sign, significant digits (no leading or trailing zeros)
/// and the exponent of the first digit, so that value = 0.d1d2d3... x 10^(exponent + 1).
fn decompose(text: &str) -> Option<(bool, String, i64)> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (mantissa, exp) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], rest[i + 1..].parse::<i64>().ok()?),
        None => (rest, 0),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int_part.is_empty() || !int_part.bytes().chain(frac_part.bytes()).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let all: String = format!("{int_part}{frac_part}");
    let leading = all.bytes().take_while(|b| *b == b'0').count();
    let digits = all[leading..].trim_end_matches('0').to_string();
    let exponent = int_part.len() as i64 - 1 - leading as i64 + exp;
    Some((negative && !digits.is_empty(), digits, exponent))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(text: &str) -> String {
        number_key(text).unwrap()
    }

    #[test]
    fn numbers_order_as_numbers() {
        let ascending = [
            "-1e10",
            "-100",
            "-75.5",
            "-75",
            "-9",
            "-1.23",
            "-1.2",
            "-0.001",
            "0",
            "0.001",
            "0.3",
            "1",
            "1.2",
            "1.23",
            "9",
            "75",
            "100",
            "9007199254740992",
            "9007199254740993",
            "12345678901234567890",
            "1e300",
        ];
        for pair in ascending.windows(2) {
            assert!(n(pair[0]) < n(pair[1]), "{} should sort before {}", pair[0], pair[1]);
        }
    }

    #[test]
    fn equal_numbers_have_equal_keys() {
        assert_eq!(n("0.3"), n("0.30"));
        assert_eq!(n("75"), n("75.0"));
        assert_eq!(n("7.5e1"), n("75"));
        assert_eq!(n("0"), n("-0.0"));
        assert_ne!(n("9007199254740993"), n("9007199254740992"));
    }

    #[test]
    fn form_text_is_keyed_like_numbers_and_instants() {
        assert_eq!(value_key(&Value::Text("75".into())), value_key(&Value::Number("75".into())));
        let with_t = text_like_key("2024-01-31T10:00:00+02:00");
        let with_space = text_like_key("2024-01-31 08:00:00Z");
        assert_eq!(with_t, with_space, "the same instant in two forms");
        assert!(text_like_key("2024-01-31") < text_like_key("2024-02-01T00:00:00Z"));
        assert!(text_like_key("1969-12-31") < text_like_key("1970-01-02"));
    }

    #[test]
    fn text_folds_case_and_accents_in_every_script() {
        assert_eq!(text_key("Иван"), text_key("иван"));
        assert_eq!(text_key("Cafe\u{301}"), text_key("café"));
        assert_eq!(text_key("ÄPFEL"), text_key("äpfel"));
        assert_eq!(loose("Bólido Ёлкин König"), "bolido елкин konig");
    }

    #[test]
    fn kinds_order_bools_numbers_instants_text() {
        let keys = [bool_key(true), n("-5"), text_like_key("2024-01-01"), text_key("a")];
        for pair in keys.windows(2) {
            assert!(pair[0] < pair[1]);
        }
    }
}
