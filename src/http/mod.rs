//! HTTP: the route table, request extraction and error mapping.
//!
//! Handlers extract, validate, call the domain and respond; they never touch sled trees or
//! tantivy types. Every answer, refusals included, is JSON, except the API reference page.

pub mod auth;
pub mod body;
pub mod docs;
pub mod error;
pub mod keys;
pub mod models;
pub mod records;
pub mod session;
pub mod stripe;
pub mod users;
pub mod views;

use std::net::SocketAddr;

use actix_web::http::StatusCode;
use actix_web::{dev::Server, web, App, HttpResponse, HttpServer};
use tracing_actix_web::TracingLogger;

use crate::app::Corral;
use error::ApiError;

/// Registers every route of the API.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.app_data(json_config())
        .app_data(web::QueryConfig::default().error_handler(|e, _| {
            let detail = e.to_string();
            let detail = detail.trim_start_matches("Query deserialize error: ");
            let message = format!(
                "the query string is not valid ({detail}); `limit` takes a whole number, \
                 `count` true or false, the other parameters text"
            );
            let error = ApiError::bad_request("invalid_query", message);
            // serde names the kind of value it wanted, not the parameter: tell them apart.
            let error = if detail.contains("`true` or `false`") {
                error.on("count")
            } else if detail.contains("digit") || detail.contains("number") {
                error.on("limit")
            } else {
                error
            };
            error.into()
        }))
        .app_data(web::PathConfig::default().error_handler(|e, _| {
            ApiError::bad_request("invalid_path", format!("the URL is not valid: {e}")).into()
        }))
        .route("/health", web::get().to(health))
        .service(
            resource("/models")
                .route(web::get().to(models::list))
                .route(web::post().to(models::create)),
        )
        .service(
            resource("/models/{model_id}")
                .route(web::get().to(models::get))
                .route(web::patch().to(models::update))
                .route(web::delete().to(models::delete)),
        )
        .service(
            resource("/models/{model_id}/records")
                .route(web::get().to(records::list))
                .route(web::post().to(records::sync)),
        )
        .service(resource("/models/{model_id}/records/batch").route(web::post().to(records::batch)))
        .service(
            resource("/models/{model_id}/records/{record_id}")
                .route(web::get().to(records::get))
                .route(web::delete().to(records::delete)),
        )
        .service(
            resource("/views")
                .route(web::get().to(views::list))
                .route(web::post().to(views::create)),
        )
        .service(
            resource("/views/{view_id}")
                .route(web::get().to(views::get))
                .route(web::patch().to(views::update))
                .route(web::delete().to(views::delete)),
        )
        .service(resource("/views/{view_id}/records").route(web::get().to(views::rows)))
        .service(
            resource("/keys").route(web::get().to(keys::list)).route(web::post().to(keys::create)),
        )
        .service(resource("/keys/{key_id}").route(web::delete().to(keys::revoke)))
        .service(resource("/auth/setup").route(web::post().to(session::setup)))
        .service(resource("/auth/login").route(web::post().to(session::login)))
        .service(resource("/auth/logout").route(web::post().to(session::logout)))
        .service(resource("/auth/me").route(web::get().to(session::me)))
        .service(
            resource("/users")
                .route(web::get().to(users::list))
                .route(web::post().to(users::create)),
        )
        .service(resource("/users/{user_id}").route(web::delete().to(users::delete)))
        .service(
            resource("/integrations/stripe")
                .route(web::get().to(stripe::get))
                .route(web::put().to(stripe::put)),
        )
        .service(resource(stripe::WEBHOOK_PATH).route(web::post().to(stripe::webhook)))
        .service(resource("/integrations/stripe/sync").route(web::post().to(stripe::start_sync)))
        .configure(docs::routes)
        .configure(crate::ui::routes);
}

/// Runs domain work that blocks (argon2, large batches, the index) off the async workers,
/// mapping both its error and a failure of the blocking pool.
pub async fn blocking<T, E>(
    work: impl FnOnce() -> Result<T, E> + Send + 'static,
) -> Result<T, ApiError>
where
    T: Send + 'static,
    E: Into<ApiError> + Send + 'static,
{
    web::block(work).await.map_err(|e| ApiError::internal(&e))?.map_err(Into::into)
}

/// A resource whose unsupported methods answer a JSON 405.
fn resource(path: &str) -> actix_web::Resource {
    web::resource(path).default_service(web::to(method_not_allowed))
}

async fn method_not_allowed(req: actix_web::HttpRequest) -> Result<HttpResponse, ApiError> {
    let message = format!("{} is not supported on {}; see /docs", req.method(), req.path());
    Err(ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", message))
}

fn json_config() -> web::JsonConfig {
    web::JsonConfig::default().limit(1024 * 1024).content_type_required(false).error_handler(
        |e, _| {
            let error = match &e {
                actix_web::error::JsonPayloadError::OverflowKnownLength { .. }
                | actix_web::error::JsonPayloadError::Overflow { .. } => ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "body_too_large",
                    "the request body is too large for this endpoint",
                ),
                other => ApiError::bad_request(
                    "invalid_body",
                    format!(
                        "the body must be a JSON object (Content-Type: application/json): {}",
                        other.to_string().trim_start_matches("Json deserialize error: ")
                    ),
                ),
            };
            error.into()
        },
    )
}

async fn health() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "ok" }))
}

async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::not_found("not_found", "no such endpoint; the API reference is at /docs"))
}

/// Builds the server on `bind` (port 0 picks a free port) and answers its real addresses.
pub fn server(corral: web::Data<Corral>, bind: &str) -> std::io::Result<(Server, Vec<SocketAddr>)> {
    let body_limit = corral.settings.body_limit;
    let workers = corral.settings.workers;
    let mut http = HttpServer::new(move || {
        App::new()
            .app_data(corral.clone())
            .app_data(web::PayloadConfig::new(body_limit))
            .wrap(actix_web::middleware::Compress::default())
            .wrap(TracingLogger::default())
            .configure(routes)
            .default_service(web::to(not_found))
    })
    .shutdown_timeout(30);
    if workers > 0 {
        http = http.workers(workers);
    }
    let http = http.bind(bind)?;
    let addrs = http.addrs();
    Ok((http.run(), addrs))
}
