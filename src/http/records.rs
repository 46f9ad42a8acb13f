//! `/models/{model_id}/records`: syncing, reading, listing and deleting records.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use utoipa::{IntoParams, ToSchema};

use super::auth::{Admin, Authenticated};
use super::body;
use super::error::{ApiError, ErrorBody};
use super::views::{answer_rows, RowBody, RowsBody, RowsParams};
use crate::app::Corral;
use crate::clock;
use crate::models;
use crate::records::{self, input, Record, RecordError, SyncOutcome};
use crate::views::rows as views_rows;

/// The most records one batch may hold.
pub const MAX_BATCH: usize = 10_000;

/// A record as answered.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RecordBody {
    pub id: String,
    /// Every trait, with values exactly as they were sent (or coerced to a declared type).
    #[schema(value_type = Object)]
    pub traits: serde_json::Map<String, serde_json::Value>,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub updated_at: String,
}

impl From<&Record> for RecordBody {
    fn from(record: &Record) -> Self {
        Self {
            id: record.id.clone(),
            traits: record.traits.iter().map(|(k, v)| (k.clone(), v.to_json())).collect(),
            created_at: clock::format_micros(record.created_at),
            updated_at: clock::format_micros(record.updated_at),
        }
    }
}

fn model(corral: &Corral, model_id: &str) -> Result<models::Model, ApiError> {
    models::get(&corral.store, model_id).map_err(|e| match e {
        models::ModelError::NotFound(id) => RecordError::ModelNotFound(id).into(),
        other => other.into(),
    })
}

/// A model whose records the API may write: not one an integration keeps.
fn writable_model(corral: &Corral, model_id: &str) -> Result<models::Model, ApiError> {
    let model = model(corral, model_id)?;
    if model.kind == models::ModelKind::Integration {
        let message = format!(
            "`{}` records are written by the integration only: send Stripe's webhooks to \
             /integrations/stripe/webhook, or import an export with `corral stripe import`",
            model.id
        );
        return Err(ApiError::new(
            actix_web::http::StatusCode::CONFLICT,
            "read_only_model",
            message,
        ));
    }
    Ok(model)
}

/// Create or update a record.
///
/// Sends traits as a form (`curl -d`), as a JSON object, or with bracket keys that nest
/// (`-d 'shipping[country]=FR'`); a form key sent twice becomes a list. Only `id` is required.
/// Traits sent replace those traits, traits not sent are kept, and JSON `null` removes one.
/// The answer comes once the record is on disk.
///
/// ```sh
/// curl http://127.0.0.1:8750/models/MODEL_ID/records \
///   -H "Authorization: Token $CORRAL_KEY" \
///   -d id=1234 -d amount=75 -d stripe_charge_id=ch_4567
/// ```
#[utoipa::path(
    post, path = "/models/{model_id}/records", tag = "Records",
    params(("model_id" = String, Path, description = "The Model ID")),
    request_body(content = Object, description = "`id` and any traits, as JSON or a form",
        content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 201, description = "Created", body = RecordBody),
        (status = 200, description = "Updated", body = RecordBody),
        (status = 400, description = "Bad id or body", body = ErrorBody),
        (status = 401, description = "No valid API key", body = ErrorBody),
        (status = 404, description = "No such model", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 422, description = "A declared trait has the wrong type", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn sync(
    _admin: Admin,
    corral: web::Data<Corral>,
    model_id: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let model = writable_model(&corral, &model_id)?;
    let body = body::read(&req, payload, corral.settings.body_limit).await?;
    let input = input::parse_body(body::is_json(&req, &body), &body)?;

    let (outcome, record) = records::sync(&corral.store, &model, input)?;
    corral.store.commit().await?;

    let mut response = match outcome {
        SyncOutcome::Created => HttpResponse::Created(),
        SyncOutcome::Updated => HttpResponse::Ok(),
    };
    Ok(response.json(RecordBody::from(&record)))
}

/// What happened to one record of a batch.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchItem {
    /// The record's position in the batch, from 0.
    pub index: usize,
    /// 201 created, 200 updated, or the error's status.
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorBody>,
}

/// The answer to a batch.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchBody {
    pub created: usize,
    pub updated: usize,
    pub failed: usize,
    pub results: Vec<BatchItem>,
}

/// Create or update many records.
///
/// Takes a JSON array, or NDJSON (one JSON object a line), of up to 10,000 records, each
/// upserted by the same rules as a single sync. One bad record does not sink the others: the
/// answer says, by position, what happened to each. The answer comes once all are on disk.
///
/// ```sh
/// curl http://127.0.0.1:8750/models/MODEL_ID/records/batch \
///   -H "Authorization: Token $CORRAL_KEY" -H 'Content-Type: application/json' \
///   -d '[{"id": 1, "amount": 75}, {"id": 2, "amount": 9}]'
/// ```
#[utoipa::path(
    post, path = "/models/{model_id}/records/batch", tag = "Records",
    params(("model_id" = String, Path, description = "The Model ID")),
    request_body(content = Vec<Object>, description = "A JSON array or NDJSON of records"),
    responses(
        (status = 200, description = "Per-record outcome", body = BatchBody),
        (status = 400, description = "Not a JSON array nor NDJSON", body = ErrorBody),
        (status = 404, description = "No such model", body = ErrorBody),
        (status = 413, description = "Over 10,000 records or too many bytes", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn batch(
    _admin: Admin,
    corral: web::Data<Corral>,
    model_id: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let model = writable_model(&corral, &model_id)?;
    let body = body::read(&req, payload, corral.settings.body_limit).await?;
    let items = split_batch(&body)?;

    let worker = corral.clone();
    let outcome = super::blocking(move || sync_batch(&worker, &model, items)).await?;
    corral.store.commit().await?;

    Ok(HttpResponse::Ok().json(outcome))
}

/// Splits a batch body into its records' JSON texts, or a parse error for each bad line.
fn split_batch(body: &[u8]) -> Result<Vec<Result<String, RecordError>>, ApiError> {
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    let items: Vec<Result<String, RecordError>> = if first == Some(&b'[') {
        let raw: Vec<Box<RawValue>> = serde_json::from_slice(body).map_err(|e| {
            ApiError::bad_request("invalid_body", format!("the body is not a JSON array: {e}"))
        })?;
        raw.into_iter().map(|r| Ok(r.get().to_string())).collect()
    } else {
        let text = std::str::from_utf8(body).map_err(|_| {
            ApiError::bad_request("invalid_body", "the body is not UTF-8 text; send JSON or NDJSON")
        })?;
        text.lines().filter(|l| !l.trim().is_empty()).map(|l| Ok(l.to_string())).collect()
    };
    if items.len() > MAX_BATCH {
        return Err(ApiError::new(
            actix_web::http::StatusCode::PAYLOAD_TOO_LARGE,
            "batch_too_large",
            format!(
                "the batch holds {} records; send at most {MAX_BATCH} per request",
                items.len()
            ),
        ));
    }
    Ok(items)
}

fn sync_batch(
    corral: &Corral,
    model: &models::Model,
    items: Vec<Result<String, RecordError>>,
) -> Result<BatchBody, ApiError> {
    let mut answer = BatchBody { created: 0, updated: 0, failed: 0, results: Vec::new() };
    for (index, item) in items.into_iter().enumerate() {
        let synced = item
            .and_then(|text| input::parse_body(true, text.as_bytes()))
            .and_then(|input| records::sync(&corral.store, model, input));
        let result = match synced {
            Ok((outcome, record)) => {
                let status = match outcome {
                    SyncOutcome::Created => {
                        answer.created += 1;
                        201
                    }
                    SyncOutcome::Updated => {
                        answer.updated += 1;
                        200
                    }
                };
                BatchItem { index, status, id: Some(record.id), error: None }
            }
            Err(RecordError::Store(e)) => return Err(e.into()),
            Err(e) => {
                answer.failed += 1;
                let error = ApiError::from(e);
                let body = ErrorBody {
                    status: error.status.as_u16(),
                    code: error.code,
                    detail: error.message.clone(),
                    message: error.message,
                    field: error.field,
                };
                BatchItem { index, status: body.status, id: None, error: Some(body) }
            }
        };
        answer.results.push(result);
    }
    Ok(answer)
}

/// Read one record.
///
/// Percent-encode the id in the URL: `inv/2024/01 #3` is `inv%2F2024%2F01%20%233`.
/// `?expand=account` embeds the related account under `related`.
///
/// ```sh
/// curl http://127.0.0.1:8750/models/MODEL_ID/records/1234 -H "Authorization: Token $CORRAL_KEY"
/// ```
#[utoipa::path(
    get, path = "/models/{model_id}/records/{record_id}", tag = "Records",
    params(
        ("model_id" = String, Path, description = "The Model ID"),
        ("record_id" = String, Path, description = "The record's id, percent-encoded"),
        ExpandQuery,
    ),
    responses(
        (status = 200, description = "The record", body = RecordBody),
        (status = 404, description = "No such model or record", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn get(
    _key: Authenticated,
    corral: web::Data<Corral>,
    path: web::Path<(String, String)>,
    query: web::Query<ExpandQuery>,
) -> Result<HttpResponse, ApiError> {
    let (model_id, record_id) = path.into_inner();
    let model = model(&corral, &model_id)?;
    let expand: Vec<&str> = query
        .expand
        .as_deref()
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .collect();
    if let Some(unknown) = expand.iter().find(|n| !model.relations.iter().any(|r| r.name == **n)) {
        let names: Vec<&str> = model.relations.iter().map(|r| r.name.as_str()).collect();
        let message =
            format!("`{unknown}` is not a relation of this model; it has: {}", names.join(", "));
        return Err(ApiError::bad_request("invalid_expand", message).on("expand"));
    }

    let record = records::get(&corral.store, &model_id, &record_id)?;
    if expand.is_empty() {
        return Ok(HttpResponse::Ok().json(RecordBody::from(&record)));
    }

    let mut row = RowBody::from(&views_rows::with_related(&corral, &model, record)?);
    row.related.retain(|name, _| expand.contains(&name.as_str()));
    Ok(HttpResponse::Ok().json(row))
}

/// Which related records to embed.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExpandQuery {
    /// Relation names, comma separated, such as `account`.
    pub expand: Option<String>,
}

/// Delete one record.
///
/// ```sh
/// curl -X DELETE http://127.0.0.1:8750/models/MODEL_ID/records/1234 \
///   -H "Authorization: Token $CORRAL_KEY"
/// ```
#[utoipa::path(
    delete, path = "/models/{model_id}/records/{record_id}", tag = "Records",
    params(
        ("model_id" = String, Path, description = "The Model ID"),
        ("record_id" = String, Path, description = "The record's id, percent-encoded"),
    ),
    responses(
        (status = 200, description = "The record as it was", body = RecordBody),
        (status = 404, description = "No such model or record", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn delete(
    _admin: Admin,
    corral: web::Data<Corral>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (model_id, record_id) = path.into_inner();
    writable_model(&corral, &model_id)?;

    let record = records::delete(&corral.store, &model_id, &record_id)?;
    corral.store.commit().await?;

    Ok(HttpResponse::Ok().json(RecordBody::from(&record)))
}

/// List or query a model's records.
///
/// Without `q`, `filter` or `sort`, pages through every record in a stable order (by id)
/// with a cursor, reading the store directly. With any of them, the search index answers:
/// see the view rows endpoint for what they mean. Every row carries its related records.
///
/// ```sh
/// curl 'http://127.0.0.1:8750/models/MODEL_ID/records?limit=100' \
///   -H "Authorization: Token $CORRAL_KEY"
/// curl -G http://127.0.0.1:8750/models/MODEL_ID/records -H "Authorization: Token $CORRAL_KEY" \
///   --data-urlencode 'filter=amount > 50' --data-urlencode 'sort=-amount'
/// ```
#[utoipa::path(
    get, path = "/models/{model_id}/records", tag = "Records",
    params(("model_id" = String, Path, description = "The Model ID"), RowsParams),
    responses(
        (status = 200, description = "A page of records", body = RowsBody),
        (status = 400, description = "A bad filter, sort or cursor", body = ErrorBody),
        (status = 404, description = "No such model", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn list(
    _key: Authenticated,
    corral: web::Data<Corral>,
    model_id: web::Path<String>,
    params: web::Query<RowsParams>,
) -> Result<HttpResponse, ApiError> {
    let model = model(&corral, &model_id)?;
    let query = params.into_inner().into_query(100)?;
    if query.q.is_some() || query.filter.is_some() || query.sort.is_some() {
        return answer_rows(corral, model, query, None).await;
    }

    let page = records::list(&corral.store, &model.id, query.cursor.as_deref(), query.limit)?;
    let total = if query.count { Some(corral.index.count(&model.id)?) } else { None };

    let mut rows = Vec::with_capacity(page.records.len());
    for record in page.records {
        rows.push(RowBody::from(&views_rows::with_related(&corral, &model, record)?));
    }
    Ok(HttpResponse::Ok().json(RowsBody { records: rows, total, next_cursor: page.next_cursor }))
}
