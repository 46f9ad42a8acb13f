//! `/integrations/stripe`: the webhook endpoint, the settings and the backfill.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::auth::Admin;
use super::body;
use super::error::{ApiError, ErrorBody};
use crate::app::Corral;
use crate::stripe::{self, signature, sync::SyncStatus, EventOutcome};

/// The path Stripe posts events to.
pub const WEBHOOK_PATH: &str = "/integrations/stripe/webhook";

/// The settings as answered: never a secret in full.
#[derive(Debug, Serialize, ToSchema)]
pub struct StripeBody {
    /// The address to give Stripe as the webhook endpoint.
    pub webhook_url: String,
    /// The end of each signing secret, such as `…k3Jd`.
    pub webhook_secrets: Vec<String>,
    /// The end of the secret key, when one is set.
    pub secret_key: Option<String>,
    pub api_base: String,
    pub sync: SyncStatus,
}

/// What `PUT /integrations/stripe` takes; fields left out stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StripeSettingsInput {
    /// One or more signing secrets (`whsec_...`); several while a secret is rolled.
    pub webhook_secrets: Option<Vec<String>>,
    /// The secret API key (`sk_...`), for the sync task; empty to remove.
    pub secret_key: Option<String>,
    /// Stripe's API address; empty for the default.
    pub api_base: Option<String>,
}

fn answer(corral: &Corral, req: &HttpRequest) -> Result<StripeBody, ApiError> {
    let settings = stripe::settings(&corral.store)?;
    let info = req.connection_info();
    Ok(StripeBody {
        webhook_url: format!("{}://{}{WEBHOOK_PATH}", info.scheme(), info.host()),
        webhook_secrets: settings.webhook_secrets.iter().map(|s| stripe::hint(s)).collect(),
        secret_key: settings.secret_key.as_deref().map(stripe::hint),
        api_base: settings.api_base().to_string(),
        sync: corral.stripe_sync.lock().map(|s| s.clone()).unwrap_or_default(),
    })
}

/// The Stripe integration's settings and the state of the last sync.
///
/// ```sh
/// curl http://127.0.0.1:8750/integrations/stripe -H "Authorization: Token $CORRAL_KEY"
/// ```
#[utoipa::path(
    get, path = "/integrations/stripe", tag = "Stripe",
    responses((status = 200, description = "Secrets shown by their ends", body = StripeBody)),
    security(("api_key" = []))
)]
pub async fn get(
    _admin: Admin,
    corral: web::Data<Corral>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(answer(&corral, &req)?))
}

/// Set the webhook signing secret, the secret key or the API address.
///
/// ```sh
/// curl -X PUT http://127.0.0.1:8750/integrations/stripe -H "Authorization: Token $CORRAL_KEY" \
///   -H 'Content-Type: application/json' -d '{"webhook_secrets": ["whsec_..."]}'
/// ```
#[utoipa::path(
    put, path = "/integrations/stripe", tag = "Stripe", request_body = StripeSettingsInput,
    responses(
        (status = 200, description = "The new settings", body = StripeBody),
        (status = 400, description = "A secret of the wrong shape", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn put(
    _admin: Admin,
    corral: web::Data<Corral>,
    req: HttpRequest,
    input: web::Json<StripeSettingsInput>,
) -> Result<HttpResponse, ApiError> {
    let input = input.into_inner();
    let mut settings = stripe::settings(&corral.store)?;

    if let Some(secrets) = input.webhook_secrets {
        let secrets: Vec<String> =
            secrets.into_iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
        if secrets.iter().any(|s| !s.starts_with("whsec_")) {
            let message =
                "a webhook signing secret starts with whsec_; copy it from Stripe's dashboard";
            return Err(ApiError::bad_request("invalid_secret", message).on("webhook_secrets"));
        }
        settings.webhook_secrets = secrets;
    }
    if let Some(key) = input.secret_key {
        let key = key.trim().to_string();
        if !(key.is_empty() || key.starts_with("sk_") || key.starts_with("rk_")) {
            let message = "a secret key starts with sk_ (or rk_ for a restricted key)";
            return Err(ApiError::bad_request("invalid_secret", message).on("secret_key"));
        }
        settings.secret_key = Some(key).filter(|k| !k.is_empty());
    }
    if let Some(base) = input.api_base {
        settings.api_base =
            Some(base.trim().trim_end_matches('/').to_string()).filter(|b| !b.is_empty());
    }
    stripe::save_settings(&corral.store, &settings)?;
    corral.store.commit().await?;

    Ok(HttpResponse::Ok().json(answer(&corral, &req)?))
}

/// What the webhook answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookBody {
    pub received: bool,
    /// `applied`, `duplicate`, `outdated` (older than what the charge shows) or `ignored`.
    #[schema(value_type = String)]
    pub outcome: EventOutcome,
}

/// Receive a Stripe event.
///
/// Give this address to Stripe as a webhook endpoint for charge events. The
/// `Stripe-Signature` header is checked against the signing secret; a bad or stale
/// signature is a 400 and stores nothing.
#[utoipa::path(
    post, path = "/integrations/stripe/webhook", tag = "Stripe",
    request_body(content = Object, description = "A Stripe event, as Stripe sends it"),
    responses(
        (status = 200, description = "Received", body = WebhookBody),
        (status = 400, description = "A bad or stale signature, or not an event", body = ErrorBody),
    )
)]
pub async fn webhook(
    corral: web::Data<Corral>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let raw = body::read(&req, payload, corral.settings.body_limit).await?;
    let settings = stripe::settings(&corral.store)?;
    if settings.webhook_secrets.is_empty() {
        return Err(stripe::StripeError::NoSecret.into());
    }
    let header =
        req.headers().get("Stripe-Signature").and_then(|v| v.to_str().ok()).unwrap_or_default();
    let now = jiff::Timestamp::now().as_second();
    signature::verify(header, &raw, &settings.webhook_secrets, now)
        .map_err(stripe::StripeError::from)?;

    let event: serde_json::Value = serde_json::from_slice(&raw).map_err(|e| {
        ApiError::bad_request("invalid_body", format!("the body is not a Stripe event: {e}"))
    })?;
    let worker = corral.clone();
    let outcome = super::blocking(move || stripe::apply_event(&worker.store, &event)).await?;
    corral.store.commit().await?;

    Ok(HttpResponse::Ok().json(WebhookBody { received: true, outcome }))
}

/// Start the "Sync Stripe charges" task.
///
/// Pages through Stripe's charges with the secret key and stores each one; follow it with
/// GET /integrations/stripe. Webhooks keep the charges current afterwards.
///
/// ```sh
/// curl -X POST http://127.0.0.1:8750/integrations/stripe/sync \
///   -H "Authorization: Token $CORRAL_KEY"
/// ```
#[utoipa::path(
    post, path = "/integrations/stripe/sync", tag = "Stripe",
    responses(
        (status = 202, description = "Started", body = StripeBody),
        (status = 409, description = "A sync is running already", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn start_sync(
    _admin: Admin,
    corral: web::Data<Corral>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    {
        let mut status =
            corral.stripe_sync.lock().map_err(|_| ApiError::internal(&"sync status lock"))?;
        if status.running {
            let message = "a sync is running already; follow it with GET /integrations/stripe";
            return Err(ApiError::new(
                actix_web::http::StatusCode::CONFLICT,
                "sync_running",
                message,
            ));
        }
        *status = SyncStatus { running: true, ..SyncStatus::default() };
    }
    let worker = corral.clone();
    std::thread::spawn(move || {
        let result = stripe::sync::run(&worker.store, &worker.stripe_sync);
        if let Ok(mut status) = worker.stripe_sync.lock() {
            status.running = false;
            status.finished_at = Some(jiff::Timestamp::now().to_string());
            if let Err(error) = result {
                tracing::warn!(%error, "the Stripe sync stopped");
                status.error = Some(error.to_string());
            }
        }
    });
    Ok(HttpResponse::Accepted().json(answer(&corral, &req)?))
}
