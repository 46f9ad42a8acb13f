//! Trait values as stored: JSON's shapes, with numbers kept as the digits that were sent.
//!
//! A number is kept as its text so that `9007199254740993`, `12345678901234567890` and
//! `1.10` read back exactly; nothing here passes a number through a float.

use std::collections::BTreeMap;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// One trait value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Value {
    Null,
    Bool(bool),
    /// A JSON number, as the exact text it arrived as.
    Number(String),
    Text(String),
    List(Vec<Value>),
    Object(BTreeMap<String, Value>),
}

impl Value {
    /// Converts a parsed JSON value. `serde_json` is built with `arbitrary_precision`, so a
    /// number's `to_string` is the text it was parsed from.
    pub fn from_json(json: serde_json::Value) -> Self {
        match json {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(b),
            serde_json::Value::Number(n) => Value::Number(n.to_string()),
            serde_json::Value::String(s) => Value::Text(s),
            serde_json::Value::Array(items) => {
                Value::List(items.into_iter().map(Value::from_json).collect())
            }
            serde_json::Value::Object(map) => {
                Value::Object(map.into_iter().map(|(k, v)| (k, Value::from_json(v))).collect())
            }
        }
    }

    /// Converts back to JSON for answers; numbers keep their digits.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(text) => serde_json::Number::from_str(text)
                .map(serde_json::Value::Number)
                .unwrap_or_else(|_| serde_json::Value::String(text.clone())),
            Value::Text(s) => serde_json::Value::String(s.clone()),
            Value::List(items) => {
                serde_json::Value::Array(items.iter().map(Value::to_json).collect())
            }
            Value::Object(map) => serde_json::Value::Object(
                map.iter().map(|(k, v)| (k.clone(), v.to_json())).collect(),
            ),
        }
    }

    /// A short name of the value's shape, for error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::Text(_) => "text",
            Value::List(_) => "a list",
            Value::Object(_) => "an object",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(json: &str) -> String {
        let parsed: serde_json::Value = serde_json::from_str(json).unwrap();
        let value = Value::from_json(parsed);
        let bytes = crate::store::codec::encode(&value).unwrap();
        let back: Value = crate::store::codec::decode(&bytes).unwrap();
        serde_json::to_string(&back.to_json()).unwrap()
    }

    #[test]
    fn numbers_keep_every_digit() {
        assert_eq!(round_trip("9007199254740993"), "9007199254740993");
        assert_eq!(round_trip("12345678901234567890"), "12345678901234567890");
        assert_eq!(round_trip("1.10"), "1.10");
        assert_eq!(round_trip("-0.000000000000000000001"), "-0.000000000000000000001");
    }

    #[test]
    fn nested_shapes_survive() {
        assert_eq!(
            round_trip(r#"{"a":[1,"05021",null,true],"b":{"c":"x"}}"#),
            r#"{"a":[1,"05021",null,true],"b":{"c":"x"}}"#
        );
    }
}
