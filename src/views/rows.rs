//! Rows: records found through the index, read back from sled with their related records.

use std::collections::BTreeMap;

use crate::app::Corral;
use crate::index::document::linked_id;
use crate::index::{IndexError, SearchRequest};
use crate::models::Model;
use crate::query::{self, Filter, ParseError};
use crate::records::{self, Record, RecordError};

/// One row: a record and, by relation name, the record it points at (None when missing).
#[derive(Debug, Clone)]
pub struct Row {
    pub record: Record,
    pub related: BTreeMap<String, Option<Record>>,
}

/// What a caller asks of a model's rows; every part is optional.
#[derive(Debug, Clone)]
pub struct RowsQuery {
    pub q: Option<String>,
    pub filter: Option<String>,
    pub sort: Option<String>,
    pub limit: usize,
    pub cursor: Option<String>,
    /// Whether to count every match (a pass over all of them).
    pub count: bool,
}

/// A page of rows.
#[derive(Debug, Clone)]
pub struct RowsPage {
    pub rows: Vec<Row>,
    /// None when the query did not ask for the count.
    pub total: Option<usize>,
    pub next_cursor: Option<String>,
}

/// Why rows could not be found.
#[derive(Debug, thiserror::Error)]
pub enum RowsError {
    #[error("`{field}` is not valid at position {}: {}", .error.position, .error.message)]
    Parse { field: &'static str, error: ParseError },
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error(transparent)]
    Record(#[from] RecordError),
}

/// Parses a filter, naming the parameter it came from when it is malformed.
pub fn parse_filter(text: Option<&str>, field: &'static str) -> Result<Option<Filter>, RowsError> {
    let Some(text) = text else { return Ok(None) };
    query::parse_filter(text).map_err(|error| RowsError::Parse { field, error })
}

/// Parses a sort, naming the parameter it came from when it is malformed.
pub fn parse_sort(text: Option<&str>) -> Result<Vec<query::SortKey>, RowsError> {
    let Some(text) = text else { return Ok(Vec::new()) };
    query::parse_sort(text).map_err(|error| RowsError::Parse { field: "sort", error })
}

/// The rows of `model` that match, in order.
pub fn find(
    corral: &Corral,
    model: &Model,
    request: &RowsQuery,
    base_filter: Option<Filter>,
) -> Result<RowsPage, RowsError> {
    let extra = parse_filter(request.filter.as_deref(), "filter")?;
    let filter = match (base_filter, extra) {
        (Some(a), Some(b)) => Some(Filter::And(vec![a, b])),
        (a, b) => a.or(b),
    };
    let sort = parse_sort(request.sort.as_deref())?;
    let search = SearchRequest {
        model: &model.id,
        q: request.q.as_deref().filter(|q| !q.trim().is_empty()),
        filter: filter.as_ref(),
        sort: &sort,
        limit: request.limit.clamp(1, records::MAX_PAGE),
        cursor: request.cursor.as_deref(),
        count: request.count,
    };
    let page = corral.index.search(&search)?;
    let mut rows = Vec::with_capacity(page.ids.len());
    for id in &page.ids {
        // The index may be a moment behind sled; a record deleted since is skipped.
        match records::get(&corral.store, &model.id, id) {
            Ok(record) => rows.push(with_related(corral, model, record)?),
            Err(RecordError::NotFound { .. }) => {}
            Err(other) => return Err(other.into()),
        }
    }
    Ok(RowsPage { rows, total: page.total, next_cursor: page.next_cursor })
}

/// A record with the records its relations point at.
pub fn with_related(corral: &Corral, model: &Model, record: Record) -> Result<Row, RowsError> {
    let mut related = BTreeMap::new();
    for relation in &model.relations {
        let target = record.traits.get(&relation.trait_name).and_then(linked_id);
        let other = match target {
            Some(id) => match records::get(&corral.store, &relation.model, &id) {
                Ok(other) => Some(other),
                Err(RecordError::NotFound { .. } | RecordError::InvalidId(_)) => None,
                Err(e) => return Err(e.into()),
            },
            None => None,
        };
        related.insert(relation.name.clone(), other);
    }
    Ok(Row { record, related })
}
