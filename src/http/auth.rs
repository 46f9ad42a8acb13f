//! Who is calling: `Authorization: Token KEY` or `Authorization: Bearer KEY`.

use std::future::{ready, Ready};

use actix_web::dev::Payload;
use actix_web::http::{header, StatusCode};
use actix_web::{web, FromRequest, HttpRequest};

use super::error::ApiError;
use crate::app::Corral;
use crate::keys::{self, ApiKey};

/// A request that carried a live API key.
pub struct Authenticated(pub ApiKey);

impl FromRequest for Authenticated {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authenticate(req))
    }
}

fn unauthorized(code: &'static str, message: &str) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, code, message).on("Authorization")
}

fn authenticate(req: &HttpRequest) -> Result<Authenticated, ApiError> {
    let Some(corral) = req.app_data::<web::Data<Corral>>() else {
        return Err(ApiError::internal(&"application state is missing"));
    };
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Err(unauthorized(
            "missing_api_key",
            "send an API key as `Authorization: Token KEY`; create one with \
             `corral keys create --name NAME`",
        ));
    };
    let value = value.to_str().unwrap_or_default().trim();
    let secret = value
        .split_once(' ')
        .filter(|(scheme, _)| {
            scheme.eq_ignore_ascii_case("token") || scheme.eq_ignore_ascii_case("bearer")
        })
        .map(|(_, secret)| secret.trim())
        .filter(|secret| !secret.is_empty());
    let Some(secret) = secret else {
        return Err(unauthorized(
            "invalid_authorization",
            "the Authorization header must read `Token KEY` or `Bearer KEY`",
        ));
    };
    match keys::authenticate(&corral.store, secret)? {
        Some(key) => Ok(Authenticated(key)),
        None => Err(unauthorized(
            "invalid_api_key",
            "this API key is not valid: it was mistyped or revoked; list keys with GET /keys",
        )),
    }
}
