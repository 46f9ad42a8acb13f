//! API keys: made once, shown once, kept only as a SHA-256 hash.
//!
//! A key is 40 random base-62 characters behind the `corral_` prefix, so it carries about
//! 238 bits of chance; a fast hash is enough to keep it safe at rest (a slow password hash
//! such as argon2 guards guessable secrets and would cost milliseconds per request here).
//! Revoking removes the hash first, so the key stops working at once.

use rand::distr::{Alphanumeric, SampleString};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::clock;
use crate::store::{codec, Store, StoreError};

/// Every key starts with this, so it can be recognised in a leaked config.
pub const KEY_PREFIX: &str = "corral_";
/// How often `last_used_at` is rewritten for a key in steady use, in microseconds.
const LAST_USED_GRANULARITY: i64 = 60 * 1_000_000;

/// A key's description: everything but the key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKey {
    pub id: String,
    pub name: String,
    /// The first characters of the key, to tell keys apart.
    pub prefix: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

/// Why a key operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("`name` is empty; name the key after what will use it, such as nightly-sync")]
    EmptyName,
    #[error("no API key has the id `{0}`; list keys with GET /keys or `corral keys list`")]
    NotFound(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

crate::store::store_error_conversions!(KeyError);

fn hash(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

/// Makes a key; answers its description and the key itself, which is not kept.
pub fn create(store: &Store, name: &str) -> Result<(ApiKey, String), KeyError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(KeyError::EmptyName);
    }
    let mut rng = rand::rng();
    let secret = format!("{KEY_PREFIX}{}", Alphanumeric.sample_string(&mut rng, 40));
    let key = ApiKey {
        id: format!("key_{}", Alphanumeric.sample_string(&mut rng, 12).to_lowercase()),
        name: name.chars().take(100).collect(),
        prefix: secret.chars().take(KEY_PREFIX.len() + 4).collect(),
        created_at: clock::now_micros(),
        last_used_at: None,
    };
    store.keys.insert(key.id.as_bytes(), codec::encode(&key)?)?;
    store.key_hashes.insert(hash(&secret), key.id.as_bytes())?;
    Ok((key, secret))
}

/// Every key, oldest first.
pub fn list(store: &Store) -> Result<Vec<ApiKey>, KeyError> {
    let mut keys = Vec::new();
    for entry in store.keys.iter() {
        keys.push(codec::decode::<ApiKey>(&entry?.1)?);
    }
    keys.sort_by_key(|k| k.created_at);
    Ok(keys)
}

/// Whether any key exists.
pub fn any(store: &Store) -> bool {
    !store.keys.is_empty()
}

/// Revokes a key: from this call on, it is refused.
pub fn revoke(store: &Store, id: &str) -> Result<ApiKey, KeyError> {
    let Some(bytes) = store.keys.get(id.as_bytes())? else {
        return Err(KeyError::NotFound(id.to_string()));
    };
    let key: ApiKey = codec::decode(&bytes)?;
    let hashes: Vec<_> = store
        .key_hashes
        .iter()
        .filter_map(Result::ok)
        .filter(|(_, key_id)| key_id.as_ref() == id.as_bytes())
        .map(|(hash, _)| hash)
        .collect();
    for hash in hashes {
        store.key_hashes.remove(hash)?;
    }
    store.keys.remove(id.as_bytes())?;
    Ok(key)
}

/// The key a secret belongs to, if it is a live key; notes its use.
pub fn authenticate(store: &Store, secret: &str) -> Result<Option<ApiKey>, KeyError> {
    let Some(id) = store.key_hashes.get(hash(secret))? else { return Ok(None) };
    let Some(bytes) = store.keys.get(&id)? else { return Ok(None) };
    let mut key: ApiKey = codec::decode(&bytes)?;
    let now = clock::now_micros();
    if key.last_used_at.is_none_or(|last| now - last >= LAST_USED_GRANULARITY) {
        key.last_used_at = Some(now);
        // Best effort: a lost `last_used_at` is harmless, so this write is not committed.
        let _ = store.keys.compare_and_swap(&id, Some(bytes), Some(codec::encode(&key)?))?;
    }
    Ok(Some(key))
}
