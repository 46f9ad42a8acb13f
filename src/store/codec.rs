//! The one place where stored bytes are made and read.
//!
//! Every value written to sled starts with a one-byte format version followed by the
//! bincode 2 (standard config, serde mode) encoding of the value. Reading checks the version
//! first, so a later format can be told apart from this one and migrated instead of
//! misread.

use serde::{de::DeserializeOwned, Serialize};

/// The format version written in front of every stored value.
pub const FORMAT_VERSION: u8 = 1;

/// Why stored bytes could not be read back.
#[derive(Debug, thiserror::Error)]
pub enum CodecError {
    #[error("stored value is empty")]
    Empty,
    #[error("stored value has format version {0}, this build reads version {FORMAT_VERSION}")]
    UnknownVersion(u8),
    #[error("stored value is damaged: {0}")]
    Decode(#[from] bincode::error::DecodeError),
    #[error("value could not be encoded: {0}")]
    Encode(#[from] bincode::error::EncodeError),
}

fn config() -> bincode::config::Configuration {
    bincode::config::standard()
}

/// Encodes a value with the current format version in front.
pub fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, CodecError> {
    let mut bytes = vec![FORMAT_VERSION];
    bincode::serde::encode_into_std_write(value, &mut bytes, config())?;
    Ok(bytes)
}

/// Decodes a value written by [`encode`].
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, CodecError> {
    let (&version, body) = bytes.split_first().ok_or(CodecError::Empty)?;
    if version != FORMAT_VERSION {
        return Err(CodecError::UnknownVersion(version));
    }
    let (value, _) = bincode::serde::decode_from_slice(body, config())?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn round_trips_with_version_byte() {
        let mut map = BTreeMap::new();
        map.insert("amount".to_string(), vec![1u8, 2, 3]);
        let bytes = encode(&map).unwrap();
        assert_eq!(bytes[0], FORMAT_VERSION);
        let back: BTreeMap<String, Vec<u8>> = decode(&bytes).unwrap();
        assert_eq!(back, map);
    }

    #[test]
    fn refuses_unknown_version_and_empty_bytes() {
        let mut bytes = encode(&42u32).unwrap();
        bytes[0] = 99;
        assert!(matches!(decode::<u32>(&bytes), Err(CodecError::UnknownVersion(99))));
        assert!(matches!(decode::<u32>(&[]), Err(CodecError::Empty)));
    }
}
