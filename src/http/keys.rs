//! `/keys`: making, listing and revoking API keys.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::auth::Admin;
use super::body;
use super::error::{ApiError, ErrorBody};
use crate::app::Corral;
use crate::clock;
use crate::keys::{self, ApiKey};

/// What `POST /keys` takes.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewKey {
    /// What will use the key, such as `nightly-sync`.
    pub name: String,
}

/// A key's description; `key` itself only in the answer that created it.
#[derive(Debug, Serialize, ToSchema)]
pub struct KeyBody {
    pub id: String,
    pub name: String,
    /// The first characters of the key.
    pub prefix: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    /// The key: shown once, never again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

impl KeyBody {
    fn new(key: &ApiKey, secret: Option<String>) -> Self {
        Self {
            id: key.id.clone(),
            name: key.name.clone(),
            prefix: key.prefix.clone(),
            created_at: clock::format_micros(key.created_at),
            last_used_at: key.last_used_at.map(clock::format_micros),
            key: secret,
        }
    }
}

/// Create an API key.
///
/// The answer holds the key in `key`; it is shown this once and kept only as a hash.
///
/// ```sh
/// curl http://127.0.0.1:8750/keys -H "Authorization: Token $CORRAL_KEY" -d name=nightly-sync
/// ```
#[utoipa::path(
    post, path = "/keys", tag = "API keys", request_body = NewKey,
    responses(
        (status = 201, description = "Created; `key` is shown only here", body = KeyBody),
        (status = 400, description = "No name", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn create(
    _admin: Admin,
    corral: web::Data<Corral>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let body = body::read(&req, payload, corral.settings.body_limit).await?;
    let input: NewKey = body::decode(&req, &body)?;

    let (key, secret) = keys::create(&corral.store, &input.name)?;
    corral.store.commit().await?;

    Ok(HttpResponse::Created().json(KeyBody::new(&key, Some(secret))))
}

/// List API keys, with when each was last used.
///
/// ```sh
/// curl http://127.0.0.1:8750/keys -H "Authorization: Token $CORRAL_KEY"
/// ```
#[utoipa::path(
    get, path = "/keys", tag = "API keys",
    responses((status = 200, description = "Every key, oldest first", body = Vec<KeyBody>)),
    security(("api_key" = []))
)]
pub async fn list(_admin: Admin, corral: web::Data<Corral>) -> Result<HttpResponse, ApiError> {
    let keys = keys::list(&corral.store)?;
    Ok(HttpResponse::Ok().json(keys.iter().map(|k| KeyBody::new(k, None)).collect::<Vec<_>>()))
}

/// Revoke an API key; it stops working at once.
///
/// ```sh
/// curl -X DELETE http://127.0.0.1:8750/keys/KEY_ID -H "Authorization: Token $CORRAL_KEY"
/// ```
#[utoipa::path(
    delete, path = "/keys/{key_id}", tag = "API keys",
    params(("key_id" = String, Path, description = "The key's id (not the key)")),
    responses(
        (status = 200, description = "The revoked key", body = KeyBody),
        (status = 404, description = "No such key", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn revoke(
    _admin: Admin,
    corral: web::Data<Corral>,
    key_id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let key = keys::revoke(&corral.store, &key_id)?;
    corral.store.commit().await?;
    Ok(HttpResponse::Ok().json(KeyBody::new(&key, None)))
}
