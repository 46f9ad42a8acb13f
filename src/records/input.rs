//! Reading a sync request body: a form (curl `-d`), with bracket keys and repeated keys, or a
//! JSON object. Both become one [`RecordInput`].

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};

use super::{id, RecordError, Value};

/// How deep bracket keys may nest (`a[b][c]` is two levels).
pub const MAX_FORM_DEPTH: usize = 16;

/// The longest trait name accepted, in bytes.
pub const MAX_TRAIT_NAME_BYTES: usize = 256;

/// One record as a client sent it.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordInput {
    pub id: String,
    /// Traits in the order sent; [`Value::Null`] asks for the trait to be removed.
    pub traits: BTreeMap<String, Value>,
}

/// Parses a body sent as JSON or as a form.
pub fn parse_body(is_json: bool, body: &[u8]) -> Result<RecordInput, RecordError> {
    if is_json {
        let entries: Entries = serde_json::from_slice(body).map_err(|e| {
            RecordError::InvalidBody(format!("the body is not a valid JSON object: {e}"))
        })?;
        from_json_entries(entries.0)
    } else {
        parse_form(body)
    }
}

/// Reads a JSON value that must be one record object.
pub fn from_json_value(value: serde_json::Value) -> Result<RecordInput, RecordError> {
    match value {
        serde_json::Value::Object(map) => from_json_entries(map.into_iter().collect()),
        other => Err(RecordError::InvalidBody(format!(
            "a record must be a JSON object, not {}",
            Value::from_json(other).kind()
        ))),
    }
}

fn from_json_entries(
    entries: Vec<(String, serde_json::Value)>,
) -> Result<RecordInput, RecordError> {
    let mut id = None;
    let mut traits = BTreeMap::new();
    for (key, value) in entries {
        if key == "id" {
            if id.is_some() {
                return Err(RecordError::invalid_id("`id` is sent twice; send it once"));
            }
            id = Some(id::from_json(&value)?);
            continue;
        }
        check_trait_name(&key)?;
        if traits.insert(key.clone(), Value::from_json(value)).is_some() {
            return Err(RecordError::invalid_trait(&key, format!("`{key}` is sent twice")));
        }
    }
    let id = id.ok_or_else(missing_id)?;
    Ok(RecordInput { id, traits })
}

fn missing_id() -> RecordError {
    RecordError::invalid_id("`id` is missing; every record needs one, such as id=1234")
}

/// Parses `application/x-www-form-urlencoded`.
pub fn parse_form(body: &[u8]) -> Result<RecordInput, RecordError> {
    let mut id = None;
    let mut traits = BTreeMap::new();
    for (key, value) in form_pairs(body)? {
        let (name, path) = split_key(&key)?;
        if path.len() > MAX_FORM_DEPTH {
            return Err(RecordError::invalid_trait(
                name,
                format!("form key `{name}[…]` nests deeper than {MAX_FORM_DEPTH} levels"),
            ));
        }
        if name == "id" && path.is_empty() {
            if id.is_some() {
                return Err(RecordError::invalid_id("`id` is sent twice; send it once"));
            }
            id = Some(id::normalize(&value)?);
            continue;
        }
        check_trait_name(name)?;
        insert(&mut traits, name, &path, Value::Text(value), &key)?;
    }
    let id = id.ok_or_else(missing_id)?;
    Ok(RecordInput { id, traits })
}

/// Decodes `application/x-www-form-urlencoded` pairs, refusing bytes that are not UTF-8
/// rather than replacing them.
fn form_pairs(body: &[u8]) -> Result<Vec<(String, String)>, RecordError> {
    let decode = |part: &[u8]| {
        let spaced: Vec<u8> = part.iter().map(|&b| if b == b'+' { b' ' } else { b }).collect();
        let bytes: Vec<u8> = percent_encoding::percent_decode(&spaced).collect();
        String::from_utf8(bytes).map_err(|_| {
            RecordError::InvalidBody(
                "the form body holds bytes that are not UTF-8 text; send UTF-8".to_string(),
            )
        })
    };
    body.split(|&b| b == b'&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let mut halves = pair.splitn(2, |&b| b == b'=');
            let key = decode(halves.next().unwrap_or_default())?;
            let value = decode(halves.next().unwrap_or_default())?;
            Ok((key, value))
        })
        .collect()
}

/// Splits `shipping[address][city]` into `shipping` and `["address", "city"]`.
fn split_key(key: &str) -> Result<(&str, Vec<&str>), RecordError> {
    let Some(open) = key.find('[') else { return Ok((key, Vec::new())) };
    let name = &key[..open];
    let mut rest = &key[open..];
    let mut path = Vec::new();
    while !rest.is_empty() {
        let close = rest.find(']').filter(|_| rest.starts_with('['));
        let Some(close) = close else {
            return Err(RecordError::invalid_trait(
                key,
                format!("form key `{key}` has unbalanced brackets; write it like `a[b]=1`"),
            ));
        };
        path.push(&rest[1..close]);
        rest = &rest[close + 1..];
    }
    Ok((name, path))
}

/// Puts one form value at its place; a key sent twice becomes a list.
fn insert(
    map: &mut BTreeMap<String, Value>,
    name: &str,
    path: &[&str],
    value: Value,
    full_key: &str,
) -> Result<(), RecordError> {
    let conflict = || {
        RecordError::invalid_trait(
            full_key,
            format!("form key `{full_key}` mixes a plain value with nested keys of the same name"),
        )
    };
    match path.split_first() {
        None => {
            match map.remove(name) {
                None => map.insert(name.to_string(), value),
                Some(Value::List(mut items)) => {
                    items.push(value);
                    map.insert(name.to_string(), Value::List(items))
                }
                Some(Value::Object(_)) => return Err(conflict()),
                Some(single) => map.insert(name.to_string(), Value::List(vec![single, value])),
            };
            Ok(())
        }
        Some((&"", [])) => {
            match map.entry(name.to_string()).or_insert_with(|| Value::List(Vec::new())) {
                Value::List(items) => items.push(value),
                _ => return Err(conflict()),
            }
            Ok(())
        }
        Some((&"", _)) => Err(RecordError::invalid_trait(
            full_key,
            format!("form key `{full_key}` nests inside a list; send that trait as JSON instead"),
        )),
        Some((key, rest)) => {
            match map.entry(name.to_string()).or_insert_with(|| Value::Object(BTreeMap::new())) {
                Value::Object(inner) => insert(inner, key, rest, value, full_key),
                _ => Err(conflict()),
            }
        }
    }
}

fn check_trait_name(name: &str) -> Result<(), RecordError> {
    if name.trim().is_empty() {
        return Err(RecordError::invalid_trait(name, "a trait name is empty; name every value"));
    }
    if name.len() > MAX_TRAIT_NAME_BYTES {
        return Err(RecordError::invalid_trait(
            name,
            format!("trait names may be at most {MAX_TRAIT_NAME_BYTES} bytes"),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(RecordError::invalid_trait(
            name,
            "trait names may not hold control characters",
        ));
    }
    Ok(())
}

/// The entries of a JSON object in order, keeping duplicates so they can be refused.
pub(crate) struct Entries(pub Vec<(String, serde_json::Value)>);

impl<'de> Deserialize<'de> for Entries {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntriesVisitor;
        impl<'de> Visitor<'de> for EntriesVisitor {
            type Value = Entries;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Entries, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = access.next_entry()? {
                    entries.push(entry);
                }
                Ok(Entries(entries))
            }
        }
        deserializer.deserialize_map(EntriesVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Value {
        Value::Text(s.into())
    }

    #[test]
    fn form_keeps_strings_and_nests_brackets() {
        let input =
            parse_form(b"id=1234&amount=75&zip=05021&shipping[country]=FR&shipping[city]=Lyon")
                .unwrap();
        assert_eq!(input.id, "1234");
        assert_eq!(input.traits["amount"], text("75"));
        assert_eq!(input.traits["zip"], text("05021"));
        let Value::Object(shipping) = &input.traits["shipping"] else { panic!("not nested") };
        assert_eq!(shipping["country"], text("FR"));
        assert_eq!(shipping["city"], text("Lyon"));
    }

    #[test]
    fn repeated_form_keys_become_lists() {
        let input = parse_form(b"id=1&tag=a&tag=b&tag=c&list[]=x").unwrap();
        assert_eq!(input.traits["tag"], Value::List(vec![text("a"), text("b"), text("c")]));
        assert_eq!(input.traits["list"], Value::List(vec![text("x")]));
    }

    #[test]
    fn form_refuses_twice_id_and_conflicts() {
        assert!(parse_form(b"id=1&id=2").is_err());
        assert!(parse_form(b"amount=1").is_err());
        assert!(parse_form(b"id=1&a=1&a[b]=2").is_err());
        assert!(parse_form(b"id=1&a[b=2").is_err());
        let deep = format!("id=1&a{}=1", "[x]".repeat(5000));
        assert!(parse_form(deep.as_bytes()).is_err(), "deep nesting is refused, not recursed");
        assert!(parse_form(b"id=%FF%FE").is_err(), "bytes that are not UTF-8 are refused");
    }

    #[test]
    fn json_refuses_duplicate_keys_and_float_ids() {
        assert!(parse_body(true, br#"{"id": 1, "id": 2}"#).is_err());
        assert!(parse_body(true, br#"{"id": 1.5}"#).is_err());
        assert!(parse_body(true, br#"{"id": 1, "a": 1, "a": 2}"#).is_err());
        let input = parse_body(true, br#"{"id": 7, "gone": null}"#).unwrap();
        assert_eq!(input.id, "7");
        assert_eq!(input.traits["gone"], Value::Null);
    }
}
