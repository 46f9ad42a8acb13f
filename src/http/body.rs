//! Reading request bodies under the configured size limit, and telling JSON from forms.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use super::error::ApiError;

fn too_large(limit: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "body_too_large",
        format!(
            "the request body is larger than {limit} bytes; send fewer records per request, or \
             raise the limit with --max-body-mb"
        ),
    )
}

/// Reads the whole body, refusing it with 413 as soon as it passes `limit`.
pub async fn read(
    req: &HttpRequest,
    mut payload: web::Payload,
    limit: usize,
) -> Result<web::Bytes, ApiError> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|len| len > limit) {
        return Err(too_large(limit));
    }
    let mut body = web::BytesMut::with_capacity(declared.unwrap_or(1024).min(limit));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| {
            ApiError::bad_request(
                "invalid_body",
                format!("the request body could not be read: {e}"),
            )
        })?;
        if body.len() + chunk.len() > limit {
            return Err(too_large(limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// The request's content type, if it sent one.
pub fn content_type(req: &HttpRequest) -> Option<&str> {
    req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok())
}

/// Whether a body is to be read as JSON: by its content type, or by its first character.
pub fn is_json(req: &HttpRequest, body: &[u8]) -> bool {
    content_type(req).is_some_and(|t| t.contains("json"))
        || matches!(body.iter().find(|b| !b.is_ascii_whitespace()), Some(b'{' | b'['))
}

/// Decodes a small settings body sent as JSON or as a form.
pub fn decode<T: DeserializeOwned>(req: &HttpRequest, body: &[u8]) -> Result<T, ApiError> {
    let decoded = if is_json(req, body) {
        serde_json::from_slice(body).map_err(|e| e.to_string())
    } else {
        serde_urlencoded::from_bytes(body).map_err(|e| e.to_string())
    };
    decoded.map_err(|e| {
        ApiError::bad_request("invalid_body", format!("the body was not understood: {e}"))
    })
}
