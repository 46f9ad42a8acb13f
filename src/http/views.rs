//! `/views`: saved views, and their rows.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::Authenticated;
use super::error::{ApiError, ErrorBody};
use super::records::RecordBody;
use crate::app::Corral;
use crate::models;
use crate::views::rows::{self, Row, RowsQuery};
use crate::views::{self, View, ViewInput};

/// A row: a record and, by relation name, the record it points at (null when missing).
#[derive(Debug, Serialize, ToSchema)]
pub struct RowBody {
    #[serde(flatten)]
    pub record: RecordBody,
    #[schema(value_type = Object)]
    pub related: std::collections::BTreeMap<String, Option<RecordBody>>,
}

impl From<&Row> for RowBody {
    fn from(row: &Row) -> Self {
        Self {
            record: RecordBody::from(&row.record),
            related: row
                .related
                .iter()
                .map(|(k, v)| (k.clone(), v.as_ref().map(RecordBody::from)))
                .collect(),
        }
    }
}

/// A page of rows.
#[derive(Debug, Serialize, ToSchema)]
pub struct RowsBody {
    pub records: Vec<RowBody>,
    /// How many records match in all; null when the request said `count=false`.
    pub total: Option<usize>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// The search, filter, sort and paging a request may give.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RowsParams {
    /// Search text: every trait of the record and of its related records.
    pub q: Option<String>,
    /// A filter expression, such as `amount > 50 && account.country = "Germany"`.
    pub filter: Option<String>,
    /// A sort, such as `-amount,account.company_name`.
    pub sort: Option<String>,
    /// Rows per page, 1 to 1000.
    pub limit: Option<usize>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// `false` leaves out the total (`total` is null): counting every match is a pass over
    /// all of them, where a sorted first page is not.
    pub count: Option<bool>,
}

impl RowsParams {
    pub fn into_query(self, default_limit: usize) -> Result<RowsQuery, ApiError> {
        if self.limit.is_some_and(|l| !(1..=crate::records::MAX_PAGE).contains(&l)) {
            let message = "`limit` must be between 1 and 1000";
            return Err(ApiError::bad_request("invalid_query", message).on("limit"));
        }
        Ok(RowsQuery {
            q: self.q,
            filter: self.filter,
            sort: self.sort,
            limit: self.limit.unwrap_or(default_limit),
            cursor: self.cursor,
            count: self.count.unwrap_or(true),
        })
    }
}

/// Finds rows on a blocking thread and answers them.
pub async fn answer_rows(
    corral: web::Data<Corral>,
    model: models::Model,
    query: RowsQuery,
    base_filter: Option<String>,
) -> Result<HttpResponse, ApiError> {
    let page = super::blocking(move || {
        let base = rows::parse_filter(base_filter.as_deref(), "filter")?;
        rows::find(&corral, &model, &query, base)
    })
    .await?;
    let records = page.rows.iter().map(RowBody::from).collect();
    Ok(HttpResponse::Ok().json(RowsBody {
        records,
        total: page.total,
        next_cursor: page.next_cursor,
    }))
}

/// Create a view.
///
/// ```sh
/// curl http://127.0.0.1:8750/views -H "Authorization: Token $CORRAL_KEY" \
///   -H 'Content-Type: application/json' \
///   -d '{"name": "German orders", "model": "MODEL_ID",
///        "columns": ["id", "amount", "account.company_name"],
///        "filter": "account.country = \"Germany\"", "sort": "-amount"}'
/// ```
#[utoipa::path(
    post, path = "/views", tag = "Views", request_body = ViewInput,
    responses(
        (status = 201, description = "Created", body = View),
        (status = 400, description = "A bad name, model, filter or sort", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn create(
    _key: Authenticated,
    corral: web::Data<Corral>,
    input: web::Json<ViewInput>,
) -> Result<HttpResponse, ApiError> {
    let view = views::create(&corral.store, input.into_inner())?;
    corral.store.commit().await?;
    Ok(HttpResponse::Created().json(view))
}

/// List views.
///
/// ```sh
/// curl http://127.0.0.1:8750/views -H "Authorization: Token $CORRAL_KEY"
/// ```
#[utoipa::path(
    get, path = "/views", tag = "Views",
    responses((status = 200, description = "Every view, by name", body = Vec<View>)),
    security(("api_key" = []))
)]
pub async fn list(
    _key: Authenticated,
    corral: web::Data<Corral>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(views::list(&corral.store)?))
}

/// Read a view.
///
/// ```sh
/// curl http://127.0.0.1:8750/views/VIEW_ID -H "Authorization: Token $CORRAL_KEY"
/// ```
#[utoipa::path(
    get, path = "/views/{view_id}", tag = "Views",
    params(("view_id" = String, Path, description = "The view's id")),
    responses(
        (status = 200, description = "The view", body = View),
        (status = 404, description = "No such view", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn get(
    _key: Authenticated,
    corral: web::Data<Corral>,
    view_id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(views::get(&corral.store, &view_id)?))
}

/// Change a view: each field sent replaces the old one.
///
/// ```sh
/// curl -X PATCH http://127.0.0.1:8750/views/VIEW_ID -H "Authorization: Token $CORRAL_KEY" \
///   -H 'Content-Type: application/json' -d '{"sort": "account.company_name"}'
/// ```
#[utoipa::path(
    patch, path = "/views/{view_id}", tag = "Views", request_body = ViewInput,
    params(("view_id" = String, Path, description = "The view's id")),
    responses(
        (status = 200, description = "The changed view", body = View),
        (status = 400, description = "A bad field", body = ErrorBody),
        (status = 404, description = "No such view", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn update(
    _key: Authenticated,
    corral: web::Data<Corral>,
    view_id: web::Path<String>,
    input: web::Json<ViewInput>,
) -> Result<HttpResponse, ApiError> {
    let view = views::update(&corral.store, &view_id, input.into_inner())?;
    corral.store.commit().await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Delete a view; its records stay.
///
/// ```sh
/// curl -X DELETE http://127.0.0.1:8750/views/VIEW_ID -H "Authorization: Token $CORRAL_KEY"
/// ```
#[utoipa::path(
    delete, path = "/views/{view_id}", tag = "Views",
    params(("view_id" = String, Path, description = "The view's id")),
    responses(
        (status = 200, description = "The deleted view", body = View),
        (status = 404, description = "No such view", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn delete(
    _key: Authenticated,
    corral: web::Data<Corral>,
    view_id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let view = views::delete(&corral.store, &view_id)?;
    corral.store.commit().await?;
    Ok(HttpResponse::Ok().json(view))
}

/// A view's rows.
///
/// Answers the view's rows with their related records, the total that match, and a cursor
/// for the next page. `q` and `sort` given here replace the view's; `filter` is added to
/// the view's filter. With a search and no sort, the best match comes first.
///
/// ```sh
/// curl 'http://127.0.0.1:8750/views/VIEW_ID/records?q=chop&limit=20' \
///   -H "Authorization: Token $CORRAL_KEY"
/// ```
#[utoipa::path(
    get, path = "/views/{view_id}/records", tag = "Views",
    params(("view_id" = String, Path, description = "The view's id"), RowsParams),
    responses(
        (status = 200, description = "A page of rows", body = RowsBody),
        (status = 400, description = "Bad filter, sort or cursor", body = ErrorBody),
        (status = 404, description = "No such view", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn rows(
    _key: Authenticated,
    corral: web::Data<Corral>,
    view_id: web::Path<String>,
    params: web::Query<RowsParams>,
) -> Result<HttpResponse, ApiError> {
    let view = views::get(&corral.store, &view_id)?;
    let model = models::get(&corral.store, &view.model)?;

    let mut query = params.into_inner().into_query(view.page_size)?;
    query.q = query.q.or(view.search.clone());
    query.sort = query.sort.or(view.sort.clone());

    answer_rows(corral, model, query, view.filter).await
}
