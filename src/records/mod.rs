//! Records: what clients sync into a model, keyed by their id.
//!
//! Invariants:
//! - a record is kept under `model id, 0x00, record id`; ids never hold control characters,
//!   so the separator cannot occur inside either part;
//! - syncing merges: traits sent replace those traits, traits not sent stay, null removes;
//! - declared trait types are checked before anything is written, so a refused sync changes
//!   nothing;
//! - a read-modify-write uses compare-and-swap, so concurrent syncs of one id never lose an
//!   update or create the record twice.

pub mod id;
pub mod input;
pub mod value;

use std::collections::BTreeMap;
use std::ops::Bound;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::clock;
use crate::models::Model;
use crate::store::{codec, IndexChange, Store, StoreError};
pub use input::RecordInput;
pub use value::Value;

/// The most records one list page answers.
pub const MAX_PAGE: usize = 1000;

/// One record as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub id: String,
    pub traits: BTreeMap<String, Value>,
    /// Microseconds since the Unix epoch.
    pub created_at: i64,
    pub updated_at: i64,
}

/// Whether a sync made a new record or changed one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncOutcome {
    Created,
    Updated,
}

/// Why a record operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("{0}")]
    InvalidId(String),
    #[error("{0}")]
    InvalidBody(String),
    #[error("{message}")]
    InvalidTrait { field: String, message: String },
    #[error("trait `{field}` is declared as {kind}: {message}")]
    TraitType { field: String, kind: String, message: String },
    #[error("no model has the id `{0}`; list models with GET /models")]
    ModelNotFound(String),
    #[error("model `{model}` has no record with the id `{id}`")]
    NotFound { model: String, id: String },
    #[error("the cursor is not one this server gave out; start again without `cursor`")]
    BadCursor,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl RecordError {
    pub fn invalid_id(message: impl Into<String>) -> Self {
        RecordError::InvalidId(message.into())
    }

    pub fn invalid_trait(field: &str, message: impl Into<String>) -> Self {
        RecordError::InvalidTrait { field: field.to_string(), message: message.into() }
    }
}

crate::store::store_error_conversions!(RecordError);

/// The sled key of a record.
fn record_key(model_id: &str, record_id: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(model_id.len() + 1 + record_id.len());
    key.extend_from_slice(model_id.as_bytes());
    key.push(0);
    key.extend_from_slice(record_id.as_bytes());
    key
}

fn model_prefix(model_id: &str) -> Vec<u8> {
    record_key(model_id, "")
}

/// Checks declared types, coercing form text; refuses before anything is written.
fn apply_types(
    model: &Model,
    traits: BTreeMap<String, Value>,
) -> Result<BTreeMap<String, Value>, RecordError> {
    traits
        .into_iter()
        .map(|(name, value)| match model.traits.get(&name) {
            None => Ok((name, value)),
            Some(spec) => match spec.coerce(value) {
                Ok(value) => Ok((name, value)),
                Err(mismatch) => Err(RecordError::TraitType {
                    kind: serde_json::to_value(spec.kind)
                        .ok()
                        .and_then(|v| v.as_str().map(String::from))
                        .unwrap_or_default(),
                    field: name,
                    message: mismatch.0,
                }),
            },
        })
        .collect()
}

/// Creates or updates one record; does not wait for the disk (see [`Store::commit`]).
pub fn sync(
    store: &Store,
    model: &Model,
    input: RecordInput,
) -> Result<(SyncOutcome, Record), RecordError> {
    let traits = apply_types(model, input.traits)?;
    let key = record_key(&model.id, &input.id);
    // Queued before the write, so a crash cannot leave a stored record unindexed, and again
    // after it, so the indexer cannot read the record between the two and miss the change.
    let change = IndexChange::Record { model: model.id.clone(), id: input.id.clone() };
    store.enqueue(&change)?;
    loop {
        let old = store.records.get(&key)?;
        let now = clock::now_micros();
        let (outcome, record) = match &old {
            None => {
                let traits = traits.iter().filter(|(_, v)| **v != Value::Null);
                let traits = traits.map(|(k, v)| (k.clone(), v.clone())).collect();
                let record =
                    Record { id: input.id.clone(), traits, created_at: now, updated_at: now };
                (SyncOutcome::Created, record)
            }
            Some(bytes) => {
                let mut record: Record = codec::decode(bytes)?;
                for (name, value) in &traits {
                    match value {
                        Value::Null => record.traits.remove(name),
                        _ => record.traits.insert(name.clone(), value.clone()),
                    };
                }
                record.updated_at = now.max(record.updated_at);
                (SyncOutcome::Updated, record)
            }
        };
        let new = codec::encode(&record)?;
        if store.records.compare_and_swap(&key, old, Some(new))?.is_ok() {
            store.enqueue(&change)?;
            return Ok((outcome, record));
        }
    }
}

/// One record by id.
pub fn get(store: &Store, model_id: &str, record_id: &str) -> Result<Record, RecordError> {
    let id = id::normalize(record_id)?;
    match store.records.get(record_key(model_id, &id))? {
        Some(bytes) => Ok(codec::decode(&bytes)?),
        None => Err(RecordError::NotFound { model: model_id.to_string(), id }),
    }
}

/// Deletes one record; answers it as it was.
pub fn delete(store: &Store, model_id: &str, record_id: &str) -> Result<Record, RecordError> {
    let id = id::normalize(record_id)?;
    let change = IndexChange::Record { model: model_id.to_string(), id: id.clone() };
    store.enqueue(&change)?;
    let removed = store.records.remove(record_key(model_id, &id))?;
    store.enqueue(&change)?;
    match removed {
        Some(bytes) => Ok(codec::decode(&bytes)?),
        None => Err(RecordError::NotFound { model: model_id.to_string(), id }),
    }
}

/// Deletes every record of a model.
pub fn delete_all(store: &Store, model_id: &str) -> Result<usize, StoreError> {
    store.enqueue(&IndexChange::DropModel { model: model_id.to_string() })?;
    let mut removed = 0;
    loop {
        let mut batch = sled::Batch::default();
        let mut in_batch = 0;
        for entry in store.records.scan_prefix(model_prefix(model_id)).keys().take(10_000) {
            batch.remove(entry?);
            in_batch += 1;
        }
        if in_batch == 0 {
            store.enqueue(&IndexChange::DropModel { model: model_id.to_string() })?;
            return Ok(removed);
        }
        store.records.apply_batch(batch)?;
        removed += in_batch;
    }
}

/// How many records a model has.
pub fn count(store: &Store, model_id: &str) -> usize {
    store.records.scan_prefix(model_prefix(model_id)).keys().count()
}

/// One page of records in id order, and the cursor for the next page.
pub struct Page {
    pub records: Vec<Record>,
    pub next_cursor: Option<String>,
}

/// Pages through a model's records in the byte order of their ids. The order is stable:
/// a record synced between two pages shows up on a later page if its id sorts after the
/// cursor, and no record is repeated or skipped.
pub fn list(
    store: &Store,
    model_id: &str,
    cursor: Option<&str>,
    limit: usize,
) -> Result<Page, RecordError> {
    let prefix = model_prefix(model_id);
    let start = match cursor {
        Some(cursor) => {
            let after = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| RecordError::BadCursor)?;
            let after = String::from_utf8(after).map_err(|_| RecordError::BadCursor)?;
            Bound::Excluded(record_key(model_id, &after))
        }
        None => Bound::Included(prefix.clone()),
    };
    let mut end = prefix;
    *end.last_mut().expect("prefix ends in the separator") = 1;
    let limit = limit.clamp(1, MAX_PAGE);

    let mut records = Vec::with_capacity(limit);
    for entry in store.records.range((start, Bound::Excluded(end))).values().take(limit + 1) {
        records.push(codec::decode::<Record>(&entry?)?);
    }
    let next_cursor = if records.len() > limit {
        records.truncate(limit);
        records.last().map(|r| URL_SAFE_NO_PAD.encode(r.id.as_bytes()))
    } else {
        None
    };
    Ok(Page { records, next_cursor })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_keys_sort_by_model_then_id() {
        let a = record_key("orders", "1");
        let b = record_key("orders", "10");
        let c = record_key("orders_2", "0");
        assert!(a < b && b < c, "a model's records stay together before a longer model id");
        assert!(record_key("orders", "zzz") < model_prefix("orders_2"));
    }
}
