//! Record ids: the rules that make two syncs name the same record, or refuse an id.

use super::RecordError;

/// The longest id accepted, in bytes.
pub const MAX_ID_BYTES: usize = 256;

/// Trims an id and checks it; answers the id under which the record is kept.
pub fn normalize(raw: &str) -> Result<String, RecordError> {
    let id = raw.trim();
    if id.is_empty() {
        return Err(RecordError::invalid_id("`id` is empty; send a non-empty id such as id=1234"));
    }
    if id.len() > MAX_ID_BYTES {
        return Err(RecordError::invalid_id(format!(
            "`id` is {} bytes long; ids may be at most {MAX_ID_BYTES} bytes",
            id.len()
        )));
    }
    if let Some(bad) = id.chars().find(|&c| c.is_control() || is_invisible(c)) {
        return Err(RecordError::invalid_id(format!(
            "`id` contains the invisible or control character U+{:04X}; remove it",
            bad as u32
        )));
    }
    Ok(id.to_string())
}

/// An id from a JSON body: a string, or an integer taken as its digits.
pub fn from_json(value: &serde_json::Value) -> Result<String, RecordError> {
    match value {
        serde_json::Value::String(text) => normalize(text),
        serde_json::Value::Number(number) => {
            let digits = number.to_string();
            if digits.contains(['.', 'e', 'E']) {
                return Err(RecordError::invalid_id(format!(
                    "`id` is the decimal number {digits}; send an integer or a string"
                )));
            }
            normalize(&digits)
        }
        other => Err(RecordError::invalid_id(format!(
            "`id` is {}; send a string or an integer",
            super::Value::from_json(other.clone()).kind()
        ))),
    }
}

/// Characters that show as nothing but make two ids differ.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{FEFF}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_keeps_leading_zeros() {
        assert_eq!(normalize("  01234 ").unwrap(), "01234");
        assert_eq!(from_json(&serde_json::json!(1234)).unwrap(), "1234");
        assert_eq!(from_json(&serde_json::json!("1234")).unwrap(), "1234");
    }

    #[test]
    fn refuses_bad_ids() {
        for bad in ["", "   ", "a\u{0}b", "a\u{200B}b", "\u{FEFF}x", "line\nbreak"] {
            assert!(normalize(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(normalize(&"x".repeat(257)).is_err());
        assert!(normalize(&"x".repeat(256)).is_ok());
        let float: serde_json::Value = serde_json::from_str("12.5").unwrap();
        assert!(from_json(&float).is_err());
        assert!(from_json(&serde_json::json!({"a": 1})).is_err());
        assert!(from_json(&serde_json::json!(null)).is_err());
    }
}
