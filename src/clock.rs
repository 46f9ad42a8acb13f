//! Timestamps as stored (microseconds since the Unix epoch) and as shown (RFC 3339, UTC).

/// Now, in microseconds since the Unix epoch.
pub fn now_micros() -> i64 {
    jiff::Timestamp::now().as_microsecond()
}

/// Formats stored microseconds as RFC 3339 in UTC.
pub fn format_micros(micros: i64) -> String {
    jiff::Timestamp::from_microsecond(micros)
        .map(|t| t.to_string())
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_string())
}

/// Serde for stored microseconds: an integer in binary formats (the store), RFC 3339 text in
/// human-readable ones (JSON answers).
pub mod micros {
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(micros: &i64, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            serializer.serialize_str(&super::format_micros(*micros))
        } else {
            serializer.serialize_i64(*micros)
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
        if deserializer.is_human_readable() {
            let text = String::deserialize(deserializer)?;
            let ts: jiff::Timestamp = text.parse().map_err(D::Error::custom)?;
            Ok(ts.as_microsecond())
        } else {
            i64::deserialize(deserializer)
        }
    }
}
