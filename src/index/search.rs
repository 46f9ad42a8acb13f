//! Running one search: a model's documents, narrowed by a filter and a search text, sorted
//! and paged with a cursor, with the total that match.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Searcher, Term};

use super::filter::{filter_query, search_query, FilterError};
use super::sorter::{Position, SortCollector, SortColumn, MAX_SORT_KEYS};
use super::{IndexError, Shared};
use crate::query::{format_sort, Filter, SortKey};

/// What to find.
#[derive(Debug, Clone, Copy)]
pub struct SearchRequest<'a> {
    pub model: &'a str,
    pub q: Option<&'a str>,
    pub filter: Option<&'a Filter>,
    pub sort: &'a [SortKey],
    pub limit: usize,
    pub cursor: Option<&'a str>,
}

/// One page of ids, in order, the total that match, and the cursor of the next page.
#[derive(Debug, Clone)]
pub struct SearchPage {
    pub ids: Vec<String>,
    pub total: usize,
    pub next_cursor: Option<String>,
}

/// What a cursor carries: where the last row stood, under which order.
#[derive(Debug, Serialize, Deserialize)]
enum Cursor {
    /// Sorted by keys: resume after this position.
    After { sort: String, position: Position },
    /// Ranked by relevance to `q`: resume at this offset.
    Offset { q: String, offset: usize },
}

fn encode_cursor(cursor: &Cursor) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(cursor).unwrap_or_default())
}

fn decode_cursor(text: &str) -> Result<Cursor, IndexError> {
    let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| IndexError::BadCursor)?;
    serde_json::from_slice(&bytes).map_err(|_| IndexError::BadCursor)
}

fn build_query(shared: &Shared, request: &SearchRequest) -> Result<Box<dyn Query>, IndexError> {
    let fields = &shared.fields;
    let model = Term::from_field_text(fields.model, request.model);
    let mut parts: Vec<(Occur, Box<dyn Query>)> =
        vec![(Occur::Must, Box::new(TermQuery::new(model, IndexRecordOption::Basic)))];
    if let Some(filter) = request.filter {
        parts.push((Occur::Must, filter_query(fields, filter)?));
    }
    if let Some(search) = request.q.map(|q| search_query(fields, q)).transpose()?.flatten() {
        parts.push((Occur::Must, search));
    }
    Ok(Box::new(BooleanQuery::new(parts)))
}

/// Runs a request against the last committed state.
pub(super) fn run(shared: &Shared, request: &SearchRequest) -> Result<SearchPage, IndexError> {
    if request.sort.len() > MAX_SORT_KEYS {
        return Err(FilterError(format!("sort by at most {MAX_SORT_KEYS} traits")).into());
    }
    let query = build_query(shared, request)?;
    let searcher = shared.reader.searcher();
    let limit = request.limit.max(1);
    // A search of nothing but punctuation has no words: it is no search at all.
    let words = request.q.map(super::tokens::query_words).unwrap_or_default();
    let ranked = request.sort.is_empty() && !words.is_empty();
    let cursor = request.cursor.map(decode_cursor).transpose()?;
    if ranked {
        let q = request.q.unwrap_or_default().to_string();
        let offset = match cursor {
            None => 0,
            Some(Cursor::Offset { q: ref cq, offset }) if *cq == q => offset,
            Some(_) => return Err(IndexError::BadCursor),
        };
        let top = TopDocs::with_limit(limit).and_offset(offset);
        let (total, hits) = searcher.search(&query, &(Count, top))?;
        let ids = hits
            .iter()
            .map(|(_, address)| read_id(&searcher, *address))
            .collect::<Result<Vec<_>, _>>()?;
        let next = (offset + ids.len() < total)
            .then(|| encode_cursor(&Cursor::Offset { q, offset: offset + ids.len() }));
        return Ok(SearchPage { ids, total, next_cursor: next });
    }

    let sort = format_sort(request.sort);
    let after = match cursor {
        None => None,
        Some(Cursor::After { sort: ref cs, position }) if *cs == sort => Some(position),
        Some(_) => return Err(IndexError::BadCursor),
    };
    let keys = request
        .sort
        .iter()
        .map(|k| SortColumn {
            column: format!("sort.{}", k.path.0.join(".")),
            descending: k.descending,
        })
        .collect();
    // One row more than asked says whether there is a next page.
    let collector = SortCollector { keys, limit: limit + 1, after };
    let (total, mut positions) = searcher.search(&query, &(Count, collector))?;
    let next = if positions.len() > limit {
        positions.truncate(limit);
        positions.last().map(|p| encode_cursor(&Cursor::After { sort, position: p.clone() }))
    } else {
        None
    };
    let ids = positions.into_iter().map(|p| p.id).collect();
    Ok(SearchPage { ids, total, next_cursor: next })
}

fn read_id(searcher: &Searcher, address: DocAddress) -> Result<String, IndexError> {
    let segment = searcher.segment_reader(address.segment_ord);
    let mut id = String::new();
    if let Some(column) = segment.fast_fields().str("id")? {
        if let Some(ord) = column.ords().first(address.doc_id) {
            column.ord_to_str(ord, &mut id)?;
        }
    }
    Ok(id)
}

/// How many documents a model has.
pub(super) fn count(shared: &Shared, model: &str) -> Result<usize, IndexError> {
    let term = Term::from_field_text(shared.fields.model, model);
    let query = TermQuery::new(term, IndexRecordOption::Basic);
    Ok(shared.reader.searcher().search(&query, &Count)?)
}
