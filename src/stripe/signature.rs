//! Checking the `Stripe-Signature` header the way Stripe specifies: an HMAC-SHA256 of the
//! timestamp, a dot and the raw body, keyed with the endpoint's signing secret, compared in
//! constant time against every `v1` signature in the header (Stripe sends one for each live
//! secret while a secret is being rolled), and a timestamp at most five minutes off.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How far a signature's timestamp may be from now, in seconds.
pub const TOLERANCE_SECONDS: i64 = 300;

/// Why a webhook was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the Stripe-Signature header is missing or has no t= and v1= parts")]
    Malformed,
    #[error(
        "the Stripe-Signature timestamp is more than five minutes away from the server's \
         clock: the event was replayed or delayed, or a clock is wrong"
    )]
    Stale,
    #[error("no v1 signature in Stripe-Signature matches the webhook signing secret")]
    Mismatch,
}

/// The signature Stripe would send for `body` at `timestamp` with `secret`, as hex.
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("{timestamp}.").as_bytes());
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// Checks a header against the body and the configured secrets at time `now` (seconds).
pub fn verify(
    header: &str,
    body: &[u8],
    secrets: &[String],
    now: i64,
) -> Result<(), SignatureError> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => timestamp = value.parse::<i64>().ok(),
            Some(("v1", value)) => signatures.push(value.to_string()),
            _ => {}
        }
    }
    let Some(timestamp) = timestamp else { return Err(SignatureError::Malformed) };
    if signatures.is_empty() {
        return Err(SignatureError::Malformed);
    }
    if (now - timestamp).abs() > TOLERANCE_SECONDS {
        return Err(SignatureError::Stale);
    }
    for secret in secrets {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
        mac.update(format!("{timestamp}.").as_bytes());
        mac.update(body);
        for signature in &signatures {
            let Ok(bytes) = hex::decode(signature) else { continue };
            if mac.clone().verify_slice(&bytes).is_ok() {
                return Ok(());
            }
        }
    }
    Err(SignatureError::Mismatch)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_700_000_000;

    #[test]
    fn a_signature_made_with_the_secret_verifies() {
        let secrets = vec!["whsec_a".to_string()];
        let header = format!("t={NOW},v1={}", sign("whsec_a", NOW, b"{}"));
        assert_eq!(verify(&header, b"{}", &secrets, NOW + 10), Ok(()));
        assert_eq!(verify(&header, b"{ }", &secrets, NOW), Err(SignatureError::Mismatch));
    }

    #[test]
    fn any_v1_may_match_and_any_configured_secret_may_sign() {
        let header = format!("t={NOW},v1=deadbeef,v1={},v0=zz", sign("whsec_new", NOW, b"x"));
        assert_eq!(verify(&header, b"x", &["whsec_new".into()], NOW), Ok(()));
        let secrets = vec!["whsec_old".to_string(), "whsec_new".to_string()];
        assert_eq!(verify(&header, b"x", &secrets, NOW), Ok(()));
    }

    #[test]
    fn stale_and_malformed_headers_are_refused() {
        let secrets = vec!["s".to_string()];
        let header = format!("t={NOW},v1={}", sign("s", NOW, b"x"));
        assert_eq!(verify(&header, b"x", &secrets, NOW + 301), Err(SignatureError::Stale));
        assert_eq!(verify(&header, b"x", &secrets, NOW - 301), Err(SignatureError::Stale));
        assert_eq!(verify("v1=abc", b"x", &secrets, NOW), Err(SignatureError::Malformed));
        assert_eq!(
            verify(&format!("t={NOW}"), b"x", &secrets, NOW),
            Err(SignatureError::Malformed)
        );
    }
}
