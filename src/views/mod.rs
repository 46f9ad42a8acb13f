//! Views: named, saved tables over one model, with columns, a filter, a sort and a search.
//!
//! Invariants: a stored view's model exists when it is saved, and its filter and sort parse
//! (they are kept in their canonical text form).

pub mod rows;

use rand::distr::{Alphanumeric, SampleString};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::clock;
use crate::models::{self, ModelError};
use crate::query;
use crate::store::{codec, Store, StoreError};

/// The page size of a view that names none.
pub const DEFAULT_PAGE_SIZE: usize = 50;

/// A saved view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct View {
    pub id: String,
    pub name: String,
    /// The Model ID of the records it shows.
    pub model: String,
    /// Paths of the columns shown, such as `amount` or `account.company_name`.
    pub columns: Vec<String>,
    /// A filter expression, such as `account.country = "Germany"`.
    pub filter: Option<String>,
    /// A sort, such as `-amount,account.company_name`.
    pub sort: Option<String>,
    /// A saved search text.
    pub search: Option<String>,
    pub page_size: usize,
    #[serde(with = "clock::micros")]
    #[schema(value_type = String)]
    pub created_at: i64,
    #[serde(with = "clock::micros")]
    #[schema(value_type = String)]
    pub updated_at: i64,
}

/// What `POST /views` takes, and `PATCH` (where every field is optional).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ViewInput {
    pub name: Option<String>,
    pub model: Option<String>,
    pub columns: Option<Vec<String>>,
    pub filter: Option<String>,
    pub sort: Option<String>,
    pub search: Option<String>,
    pub page_size: Option<usize>,
}

/// Why a view operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum ViewError {
    #[error("no view has the id `{0}`; list views with GET /views")]
    NotFound(String),
    #[error("{message}")]
    Invalid { field: String, message: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

crate::store::store_error_conversions!(ViewError);

fn invalid(field: &str, message: impl Into<String>) -> ViewError {
    ViewError::Invalid { field: field.to_string(), message: message.into() }
}

/// Checks and stores a change to `view`.
fn apply(store: &Store, view: &mut View, input: ViewInput) -> Result<(), ViewError> {
    if let Some(name) = input.name {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(invalid(
                "name",
                "`name` must be 1 to 100 characters, such as German orders",
            ));
        }
        view.name = name.to_string();
    }
    if let Some(model) = input.model {
        match models::get(store, model.trim()) {
            Ok(found) => view.model = found.id,
            Err(ModelError::NotFound(_)) => {
                return Err(invalid(
                    "model",
                    format!("no model has the id `{model}`; list models with GET /models"),
                ))
            }
            Err(ModelError::Store(e)) => return Err(e.into()),
            Err(other) => return Err(invalid("model", other.to_string())),
        }
    }
    if let Some(columns) = input.columns {
        view.columns =
            columns.into_iter().map(|c| c.trim().to_string()).filter(|c| !c.is_empty()).collect();
    }
    if let Some(filter) = input.filter {
        let parsed = query::parse_filter(&filter).map_err(|e| {
            invalid(
                "filter",
                format!("`filter` is not valid at position {}: {}", e.position, e.message),
            )
        })?;
        view.filter = parsed.map(|f| f.to_string());
    }
    if let Some(sort) = input.sort {
        let parsed = query::parse_sort(&sort).map_err(|e| {
            invalid(
                "sort",
                format!("`sort` is not valid at position {}: {}", e.position, e.message),
            )
        })?;
        view.sort = Some(query::format_sort(&parsed)).filter(|s| !s.is_empty());
    }
    if let Some(search) = input.search {
        view.search = Some(search.trim().to_string()).filter(|s| !s.is_empty());
    }
    if let Some(size) = input.page_size {
        if !(1..=crate::records::MAX_PAGE).contains(&size) {
            return Err(invalid("page_size", "`page_size` must be between 1 and 1000"));
        }
        view.page_size = size;
    }
    view.updated_at = clock::now_micros();
    store.views.insert(view.id.as_bytes(), codec::encode(&*view)?)?;
    Ok(())
}

/// Creates a view; `name` and `model` are required.
pub fn create(store: &Store, input: ViewInput) -> Result<View, ViewError> {
    if input.name.is_none() {
        return Err(invalid("name", "`name` is missing; name the view, such as German orders"));
    }
    if input.model.is_none() {
        return Err(invalid("model", "`model` is missing; give the Model ID the view shows"));
    }
    let now = clock::now_micros();
    let id = format!("view_{}", Alphanumeric.sample_string(&mut rand::rng(), 10).to_lowercase());
    let mut view = View {
        id,
        name: String::new(),
        model: String::new(),
        columns: Vec::new(),
        filter: None,
        sort: None,
        search: None,
        page_size: DEFAULT_PAGE_SIZE,
        created_at: now,
        updated_at: now,
    };
    apply(store, &mut view, input)?;
    Ok(view)
}

/// One view.
pub fn get(store: &Store, id: &str) -> Result<View, ViewError> {
    match store.views.get(id.as_bytes())? {
        Some(bytes) => Ok(codec::decode(&bytes)?),
        None => Err(ViewError::NotFound(id.to_string())),
    }
}

/// Every view, by name.
pub fn list(store: &Store) -> Result<Vec<View>, ViewError> {
    let mut views = Vec::new();
    for entry in store.views.iter() {
        views.push(codec::decode::<View>(&entry?.1)?);
    }
    views.sort_by_key(|v| v.name.to_lowercase());
    Ok(views)
}

/// Changes a view.
pub fn update(store: &Store, id: &str, input: ViewInput) -> Result<View, ViewError> {
    let mut view = get(store, id)?;
    apply(store, &mut view, input)?;
    Ok(view)
}

/// Deletes a view (its records stay).
pub fn delete(store: &Store, id: &str) -> Result<View, ViewError> {
    let view = get(store, id)?;
    store.views.remove(id.as_bytes())?;
    Ok(view)
}

/// Deletes the views over a model that is being deleted.
pub fn delete_for_model(store: &Store, model: &str) -> Result<(), ViewError> {
    for view in list(store)?.into_iter().filter(|v| v.model == model) {
        store.views.remove(view.id.as_bytes())?;
    }
    Ok(())
}
