//! Who is calling: an API key (`Authorization: Token KEY` or `Bearer KEY`), or a person
//! signed in to the web UI (the `corral_session` cookie). A cookie alone never authorises a
//! change: the UI must also send its session's `X-CSRF-Token`, which another site cannot
//! read, so a cross-site request is refused.

use std::future::{ready, Ready};

use actix_web::dev::Payload;
use actix_web::http::{header, Method, StatusCode};
use actix_web::{web, FromRequest, HttpRequest};

use super::error::ApiError;
use crate::app::Corral;
use crate::keys::{self, ApiKey};
use crate::users::{self, Role, Session, User};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "corral_session";
/// The header that carries the session's CSRF token.
pub const CSRF_HEADER: &str = "X-CSRF-Token";

/// A request that carried a live API key or a signed-in person's session.
pub enum Authenticated {
    Key(ApiKey),
    Person(User, Session),
}

impl Authenticated {
    /// Refuses callers that may not manage the team: members of it.
    pub fn require_admin(&self) -> Result<(), ApiError> {
        match self {
            Authenticated::Person(user, _) if user.role != Role::Admin => Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "admin_only",
                "only an admin can change this (members read records and keep views); ask an \
                 admin of your team",
            )),
            _ => Ok(()),
        }
    }
}

/// A caller allowed to change the set-up: an API key (only admins can make keys) or an
/// admin's session. Members of the team read everything and keep their views; models,
/// records, keys, the team and integrations are changed by admins.
pub struct Admin(pub Authenticated);

impl FromRequest for Admin {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authenticate(req).and_then(|caller| {
            caller.require_admin()?;
            Ok(Admin(caller))
        }))
    }
}

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
    if let Some(value) = req.headers().get(header::AUTHORIZATION) {
        return by_key(corral, value.to_str().unwrap_or_default().trim());
    }
    if let Some(cookie) = req.cookie(SESSION_COOKIE) {
        return by_session(corral, req, cookie.value());
    }
    Err(unauthorized(
        "missing_api_key",
        "send an API key as `Authorization: Token KEY`; the server printed one on its first \
         start, and POST /keys makes more",
    ))
}

fn by_key(corral: &Corral, value: &str) -> Result<Authenticated, ApiError> {
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
        Some(key) => Ok(Authenticated::Key(key)),
        None => Err(unauthorized(
            "invalid_api_key",
            concat!(
                "this API key is not valid: it was mistyped or revoked; ",
                "an admin can list keys in the web UI or with `corral keys list`"
            ),
        )),
    }
}

fn by_session(corral: &Corral, req: &HttpRequest, token: &str) -> Result<Authenticated, ApiError> {
    let found = users::session(&corral.store, token).map_err(|e| ApiError::internal(&e))?;
    let Some((user, session)) = found else {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "session_expired",
            "your session has ended; sign in again",
        ));
    };
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let sent = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let matches: bool =
        subtle::ConstantTimeEq::ct_eq(sent.as_bytes(), session.csrf_token.as_bytes()).into();
    if !safe && !matches {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "csrf_token_missing",
            "this change did not carry the session's X-CSRF-Token header; reload the page",
        )
        .on(CSRF_HEADER));
    }
    Ok(Authenticated::Person(user, session))
}
