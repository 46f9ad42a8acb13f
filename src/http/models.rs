//! `/models`: the built-in and custom models, their relations and trait types.

use actix_web::{web, HttpResponse};

use super::auth::{Admin, Authenticated};
use super::error::{ApiError, ErrorBody};
use crate::app::Corral;
use crate::models::{self, Model, ModelChanges, NewModel};

/// Create a custom model.
///
/// Answers the model with its `id`, the Model ID that goes into record URLs. `relations`
/// say which trait holds the id of a record of another model; `traits` declare types, so
/// that synced values are checked and form text becomes numbers, booleans and dates.
///
/// ```sh
/// curl http://127.0.0.1:8750/models -H "Authorization: Token $CORRAL_KEY" \
///   -H 'Content-Type: application/json' \
///   -d '{"name": "Orders",
///        "relations": [{"trait": "customer_id", "model": "account"}],
///        "traits": {"amount": {"type": "currency", "currency": "USD"},
///                   "order_date": "datetime"}}'
/// ```
#[utoipa::path(
    post, path = "/models", tag = "Models", request_body = NewModel,
    responses(
        (status = 201, description = "Created", body = Model),
        (status = 400, description = "A bad name, relation or type", body = ErrorBody),
        (status = 409, description = "The name is taken", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn create(
    _admin: Admin,
    corral: web::Data<Corral>,
    input: web::Json<NewModel>,
) -> Result<HttpResponse, ApiError> {
    let model = models::create(&corral.store, input.into_inner())?;
    corral.store.commit().await?;
    Ok(HttpResponse::Created().json(model))
}

/// List every model.
///
/// ```sh
/// curl http://127.0.0.1:8750/models -H "Authorization: Token $CORRAL_KEY"
/// ```
#[utoipa::path(
    get, path = "/models", tag = "Models",
    responses((status = 200, description = "Built-ins first, then by name", body = Vec<Model>)),
    security(("api_key" = []))
)]
pub async fn list(
    _key: Authenticated,
    corral: web::Data<Corral>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(models::list(&corral.store)?))
}

/// Read one model.
///
/// ```sh
/// curl http://127.0.0.1:8750/models/account -H "Authorization: Token $CORRAL_KEY"
/// ```
#[utoipa::path(
    get, path = "/models/{model_id}", tag = "Models",
    params(("model_id" = String, Path, description = "The Model ID")),
    responses(
        (status = 200, description = "The model", body = Model),
        (status = 404, description = "No such model", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn get(
    _key: Authenticated,
    corral: web::Data<Corral>,
    model_id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(models::get(&corral.store, &model_id)?))
}

/// Rename a model, or replace its relations or trait types.
///
/// Each field sent replaces the old one. Built-in models keep their names.
///
/// ```sh
/// curl -X PATCH http://127.0.0.1:8750/models/MODEL_ID -H "Authorization: Token $CORRAL_KEY" \
///   -H 'Content-Type: application/json' -d '{"name": "Sales orders"}'
/// ```
#[utoipa::path(
    patch, path = "/models/{model_id}", tag = "Models", request_body = ModelChanges,
    params(("model_id" = String, Path, description = "The Model ID")),
    responses(
        (status = 200, description = "The changed model", body = Model),
        (status = 400, description = "A bad name, relation or type", body = ErrorBody),
        (status = 404, description = "No such model", body = ErrorBody),
        (status = 409, description = "Name taken, or a built-in renamed", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn update(
    _admin: Admin,
    corral: web::Data<Corral>,
    model_id: web::Path<String>,
    changes: web::Json<ModelChanges>,
) -> Result<HttpResponse, ApiError> {
    let model = models::update(&corral.store, &model_id, changes.into_inner())?;
    corral.store.commit().await?;
    Ok(HttpResponse::Ok().json(model))
}

/// Delete a custom model and all of its records.
///
/// Refused for the built-in models, and while another model relates to this one.
///
/// ```sh
/// curl -X DELETE http://127.0.0.1:8750/models/MODEL_ID -H "Authorization: Token $CORRAL_KEY"
/// ```
#[utoipa::path(
    delete, path = "/models/{model_id}", tag = "Models",
    params(("model_id" = String, Path, description = "The Model ID")),
    responses(
        (status = 200, description = "The deleted model", body = Model),
        (status = 404, description = "No such model", body = ErrorBody),
        (status = 409, description = "Built-in, or another model relates to it", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn delete(
    _admin: Admin,
    corral: web::Data<Corral>,
    model_id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let worker = corral.clone();
    let id = model_id.into_inner();
    let model = super::blocking(move || models::delete(&worker.store, &id)).await?;
    corral.store.commit().await?;
    Ok(HttpResponse::Ok().json(model))
}
