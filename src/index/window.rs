//! The first rows of a sorted search without a pass over every match.
//!
//! Sorting by a key means looking at every matching document: the best rows can be
//! anywhere. But the best rows have first sort values at the start of the order (after the
//! cursor), so they are first looked for among the documents whose first sort value is one
//! of the next few distinct values: a range over the `vals` terms of that path, which opens
//! only those values' postings. Each segment proposes where the window ends (as far as its
//! own next values reach) and the nearest proposal wins, so a segment of other values does
//! not widen it. When the window holds a full page whose last row still lies inside it, no
//! document outside it can rank higher, and the page is exact; otherwise a wider window is
//! tried, and at last the whole search.

use std::ops::Bound;

use tantivy::columnar::StrColumn;
use tantivy::query::{BooleanQuery, Occur, Query, RangeQuery};
use tantivy::{Searcher, Term};

use super::columns::{self, Lookup};
use super::schema::path_term;
use super::search::SearchRequest;
use super::sorter::{Position, SortCollector};
use super::{IndexError, Shared};

/// How many rows, for each row asked, the first window is sized to hold: room for filters
/// that keep one document in two. A window that falls short sizes the next from what it
/// found.
const FIRST_WINDOW: u64 = 2;
/// The most one window may grow over the last.
const MAX_GROWTH: u64 = 64;
/// Windows tried before the whole search.
const TRIES: usize = 3;
/// Above the last character, so that every key starting with a bound sorts below it.
const PAST: char = '\u{10FFFF}';

/// The rows `collector` would find, when a window finds them; None when the whole search
/// must run.
pub(super) fn first_rows(
    shared: &Shared,
    searcher: &Searcher,
    query: &dyn Query,
    request: &SearchRequest,
    collector: &SortCollector,
) -> Result<Option<Vec<Position>>, IndexError> {
    let (Some(first_key), Some(first_column)) = (request.sort.first(), collector.keys.first())
    else {
        return Ok(None);
    };
    let descending = first_key.descending;
    let bound = collector.after.as_ref().and_then(|p| p.values.first().cloned().flatten());
    let mut columns = Vec::new();
    for segment in searcher.segment_readers() {
        if let Some(column) = columns::str_column(segment, &first_column.column)? {
            columns.push((segment.segment_id(), column, u64::from(segment.num_docs())));
        }
    }
    let path = first_key.path.0.join(".");
    let field = shared.fields.vals;
    let term = |text: &str| Term::from_field_text(field, &path_term(&path, text));
    let mut wanted = collector.limit as u64 * FIRST_WINDOW;
    for _ in 0..TRIES {
        let mut edge: Option<String> = None;
        for (segment, column, docs) in &columns {
            let what = format!(
                "edge\u{0}{}\u{0}{bound:?}\u{0}{descending}\u{0}{wanted}\u{0}{docs}",
                first_column.column
            );
            let found = columns::lookup(*segment, what, || {
                segment_edge(column, *docs, bound.as_deref(), descending, wanted).map(Lookup::Value)
            })?;
            let Lookup::Value(Some(proposed)) = found else { continue };
            let nearer = edge.as_ref().is_none_or(|current| {
                if descending {
                    proposed > *current
                } else {
                    proposed < *current
                }
            });
            if nearer {
                edge = Some(proposed);
            }
        }
        // No segment has that many values left: the whole search is as cheap.
        let Some(edge) = edge else { return Ok(None) };
        let (low, high) = if descending {
            let high = match bound.as_deref() {
                Some(value) => Bound::Excluded(term(&format!("{value}{PAST}"))),
                None => Bound::Excluded(term(&PAST.to_string())),
            };
            (Bound::Included(term(&edge)), high)
        } else {
            let low = match bound.as_deref() {
                Some(value) => Bound::Included(term(value)),
                None => Bound::Included(term("")),
            };
            (low, Bound::Excluded(term(&format!("{edge}{PAST}"))))
        };
        let windowed = BooleanQuery::new(vec![
            (Occur::Must, query.box_clone()),
            (Occur::Must, Box::new(RangeQuery::new(low, high))),
        ]);
        let found = searcher.search(&windowed, collector)?;
        let inside = |value: &str| if descending { value >= &edge[..] } else { value <= &edge[..] };
        let exact = found.len() == collector.limit
            && found
                .last()
                .and_then(|last| last.values.first().cloned().flatten())
                .is_some_and(|value| inside(&value));
        tracing::debug!(wanted, found = found.len(), exact, edge, "sort window");
        if exact {
            return Ok(Some(found));
        }
        // Size the next window from the share of its documents that matched.
        let growth = (2 * collector.limit as u64).div_ceil(found.len().max(1) as u64);
        wanted = wanted.saturating_mul(growth.clamp(4, MAX_GROWTH));
    }
    Ok(None)
}

/// Where one segment would end a window of about `wanted` documents after `bound`: the
/// value that many documents further in the order. None when the segment has no values
/// that far.
fn segment_edge(
    column: &StrColumn,
    docs: u64,
    bound: Option<&str>,
    descending: bool,
    wanted: u64,
) -> Result<Option<String>, IndexError> {
    let terms = column.num_terms() as u64;
    if terms == 0 {
        return Ok(None);
    }
    let dictionary = column.dictionary();
    // The ordinal of the first value at or after the cursor, in the direction of the sort.
    let start = match bound {
        None if descending => terms - 1,
        None => 0,
        Some(value) => match dictionary.term_ord(value)? {
            Some(ord) => ord,
            None => {
                let mut after = dictionary.range().gt(value).into_stream()?;
                let next = if after.advance() { after.term_ord() } else { terms };
                match (descending, next.checked_sub(1)) {
                    (true, Some(ord)) => ord,
                    (true, None) => return Ok(None),
                    (false, _) if next >= terms => return Ok(None),
                    (false, _) => next,
                }
            }
        },
    };
    let width = wanted.div_ceil((docs / terms).max(1)).max(1);
    let far = if descending { start.checked_sub(width) } else { Some(start + width) };
    let Some(far) = far.filter(|far| *far < terms) else { return Ok(None) };
    let mut edge = Vec::new();
    if !dictionary.ord_to_term(far, &mut edge)? {
        return Ok(None);
    }
    Ok(Some(String::from_utf8_lossy(&edge).into_owned()))
}
