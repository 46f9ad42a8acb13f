//! Declared trait types and how a synced value is checked and coerced to one.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::records::Value;

/// The type a model declares for one of its traits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum TraitType {
    Text,
    Number,
    Integer,
    Boolean,
    #[serde(alias = "date", alias = "date/time", alias = "timestamp")]
    Datetime,
    Email,
    Url,
    Currency,
}

/// A declared trait: its type, and for money the ISO 4217 currency code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TraitSpec {
    #[serde(rename = "type")]
    pub kind: TraitType,
    /// For `currency` traits: the currency the amounts are in, such as `USD`.
    #[serde(default)]
    pub currency: Option<String>,
}

/// Declared traits by name.
pub type TraitSpecs = BTreeMap<String, TraitSpec>;

/// Why a value does not fit its declared type; the message says what to send instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeMismatch(pub String);

impl TraitSpec {
    /// Checks a synced value against this declaration and coerces form text to the type.
    /// Null passes through: it removes the trait.
    pub fn coerce(&self, value: Value) -> Result<Value, TypeMismatch> {
        if value == Value::Null {
            return Ok(value);
        }
        match self.kind {
            TraitType::Text => to_text(value),
            TraitType::Number | TraitType::Currency => to_number(value, false),
            TraitType::Integer => to_number(value, true),
            TraitType::Boolean => to_bool(value),
            TraitType::Datetime => {
                checked_text(value, "a date or time", "2024-01-31T09:30:00Z", |s| {
                    parse_instant(s).is_some()
                })
            }
            TraitType::Email => {
                checked_text(value, "an e-mail address", "ana@example.com", is_email)
            }
            TraitType::Url => checked_text(value, "a URL", "https://example.com/x", is_url),
        }
    }
}

fn mismatch(value: &Value, wanted: &str, example: &str) -> TypeMismatch {
    let shown = match value {
        Value::Text(s) => format!("`{}`", s.chars().take(40).collect::<String>()),
        Value::Number(n) => format!("`{n}`"),
        other => other.kind().to_string(),
    };
    TypeMismatch(format!("{shown} is not {wanted}; send a value like {example}"))
}

fn to_text(value: Value) -> Result<Value, TypeMismatch> {
    match value {
        Value::Text(_) => Ok(value),
        Value::Number(n) => Ok(Value::Text(n)),
        Value::Bool(b) => Ok(Value::Text(b.to_string())),
        other => Err(mismatch(&other, "text", "\"Berlin\"")),
    }
}

fn to_number(value: Value, integer: bool) -> Result<Value, TypeMismatch> {
    let (wanted, example) = if integer { ("an integer", "42") } else { ("a number", "75.20") };
    let text = match &value {
        Value::Number(n) => n.clone(),
        Value::Text(s) => s.trim().to_string(),
        other => return Err(mismatch(other, wanted, example)),
    };
    if !is_decimal(&text) || (integer && text.contains(['.', 'e', 'E'])) {
        return Err(mismatch(&value, wanted, example));
    }
    Ok(Value::Number(text))
}

/// A JSON-shaped decimal: optional minus, digits, optional fraction and exponent.
pub fn is_decimal(text: &str) -> bool {
    text.parse::<serde_json::Number>().is_ok() && !text.starts_with('+')
}

fn to_bool(value: Value) -> Result<Value, TypeMismatch> {
    let parsed = match &value {
        Value::Bool(b) => Some(*b),
        Value::Number(n) if n == "1" || n == "0" => Some(n == "1"),
        Value::Text(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => Some(true),
            "false" | "0" | "no" | "off" => Some(false),
            _ => None,
        },
        _ => None,
    };
    parsed.map(Value::Bool).ok_or_else(|| mismatch(&value, "a boolean", "true or false"))
}

fn checked_text(
    value: Value,
    wanted: &str,
    example: &str,
    check: impl Fn(&str) -> bool,
) -> Result<Value, TypeMismatch> {
    match value {
        Value::Text(s) if check(s.trim()) => Ok(Value::Text(s.trim().to_string())),
        other => Err(mismatch(&other, wanted, example)),
    }
}

/// Reads an ISO 8601 / RFC 3339 date or time: a date alone, or a date and time with `T` or
/// a space, with or without a UTC offset (none means UTC).
pub fn parse_instant(text: &str) -> Option<jiff::Timestamp> {
    if let Ok(ts) = text.parse::<jiff::Timestamp>() {
        return Some(ts);
    }
    if let Ok(zoned) = text.parse::<jiff::Zoned>() {
        return Some(zoned.timestamp());
    }
    if let Ok(civil) = text.parse::<jiff::civil::DateTime>() {
        return civil.to_zoned(jiff::tz::TimeZone::UTC).ok().map(|z| z.timestamp());
    }
    None
}

fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else { return false };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !text.chars().any(|c| c.is_whitespace() || c == ',')
        && !domain.contains('@')
}

fn is_url(text: &str) -> bool {
    (text.starts_with("http://") || text.starts_with("https://"))
        && text.len() > "https://".len()
        && !text.chars().any(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(kind: TraitType) -> TraitSpec {
        TraitSpec { kind, currency: None }
    }

    fn text(s: &str) -> Value {
        Value::Text(s.into())
    }

    #[test]
    fn form_text_becomes_numbers_with_their_digits() {
        let number = spec(TraitType::Number);
        assert_eq!(number.coerce(text("75")), Ok(Value::Number("75".into())));
        assert_eq!(number.coerce(text(" 1.10 ")), Ok(Value::Number("1.10".into())));
        assert!(number.coerce(text("abc")).is_err());
        assert!(number.coerce(text("+5")).is_err());
        assert!(spec(TraitType::Integer).coerce(text("7.5")).is_err());
        assert_eq!(
            spec(TraitType::Integer).coerce(text("9007199254740993")),
            Ok(Value::Number("9007199254740993".into()))
        );
    }

    #[test]
    fn booleans_dates_emails_urls() {
        assert_eq!(spec(TraitType::Boolean).coerce(text("yes")), Ok(Value::Bool(true)));
        assert!(spec(TraitType::Boolean).coerce(text("maybe")).is_err());
        let date = spec(TraitType::Datetime);
        for ok in ["1996-07-04", "1996-07-04T10:00:00Z", "1996-07-04 10:00:00+02:00"] {
            assert!(date.coerce(text(ok)).is_ok(), "{ok}");
        }
        assert!(date.coerce(text("last tuesday")).is_err());
        assert!(spec(TraitType::Email).coerce(text("ana@example.com")).is_ok());
        assert!(spec(TraitType::Email).coerce(text("ana@")).is_err());
        assert!(spec(TraitType::Url).coerce(text("https://x.io/a")).is_ok());
        assert!(spec(TraitType::Url).coerce(text("x.io")).is_err());
    }

    #[test]
    fn null_always_passes_to_remove_the_trait() {
        assert_eq!(spec(TraitType::Number).coerce(Value::Null), Ok(Value::Null));
    }
}
