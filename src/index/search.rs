//! Running one search: a model's documents, narrowed by a filter and a search text, sorted
//! and paged with a cursor, with the total that match.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentOrdinal, Term};

use super::columns::Ids;
use super::filter::{filter_query, search_query, FilterError};
use super::sorter::{Position, SortCollector, SortColumn, MAX_SORT_KEYS};
use super::{totals, window, IndexError, Shared};
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
    /// Whether to count every match. The first count of a search on an index generation
    /// is a pass over all of them; later pages of that search reuse it.
    pub count: bool,
}

/// One page of ids, in order, the total that match, and the cursor of the next page.
#[derive(Debug, Clone)]
pub struct SearchPage {
    pub ids: Vec<String>,
    /// None when the request did not ask for the count.
    pub total: Option<usize>,
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

/// Whether some segment's `field` holds a word longer than `word` that starts with it.
fn has_longer_word(searcher: &Searcher, field: Field, word: &str) -> bool {
    searcher.segment_readers().iter().any(|segment| {
        // When the dictionary cannot be read, assume there is one: the prefix query then
        // runs as it would have.
        let Ok(index) = segment.inverted_index(field) else { return true };
        let Ok(mut after) = index.terms().range().gt(word.as_bytes()).into_stream() else {
            return true;
        };
        after.advance() && after.key().starts_with(word.as_bytes())
    })
}

fn build_query(
    shared: &Shared,
    searcher: &Searcher,
    request: &SearchRequest,
) -> Result<Box<dyn Query>, IndexError> {
    let fields = &shared.fields;
    let model = Term::from_field_text(fields.model, request.model);
    let mut parts: Vec<(Occur, Box<dyn Query>)> =
        vec![(Occur::Must, Box::new(TermQuery::new(model, IndexRecordOption::Basic)))];
    if let Some(filter) = request.filter {
        parts.push((Occur::Must, filter_query(fields, filter)?));
    }
    let extends = |word: &str| has_longer_word(searcher, fields.words, word);
    if let Some(search) =
        request.q.map(|q| search_query(fields, q, &extends)).transpose()?.flatten()
    {
        parts.push((Occur::Must, search));
    }
    Ok(Box::new(BooleanQuery::new(parts)))
}

/// Runs a request against the last committed state.
pub(super) fn run(shared: &Shared, request: &SearchRequest) -> Result<SearchPage, IndexError> {
    if request.sort.len() > MAX_SORT_KEYS {
        return Err(FilterError(format!("sort by at most {MAX_SORT_KEYS} traits")).into());
    }
    let searcher = shared.reader.searcher();
    let query = build_query(shared, &searcher, request)?;
    let limit = request.limit.max(1);
    // A search of nothing but punctuation has no words: it is no search at all.
    let words = request.q.map(super::tokens::query_words).unwrap_or_default();
    let ranked = request.sort.is_empty() && !words.is_empty();
    let cursor = request.cursor.map(decode_cursor).transpose()?;
    let totals = KnownTotal::look_up(shared, &searcher, request);
    let known = totals.known;
    if ranked {
        let q = request.q.unwrap_or_default().to_string();
        let offset = match cursor {
            None => 0,
            Some(Cursor::Offset { q: ref cq, offset }) if *cq == q => offset,
            Some(_) => return Err(IndexError::BadCursor),
        };
        let top = TopDocs::with_limit(limit).and_offset(offset);
        let (total, hits, more) = if request.count && known.is_none() {
            let (total, hits) = searcher.search(&query, &(Count, top))?;
            let more = offset + hits.len() < total;
            (Some(total), hits, more)
        } else {
            // One more than the page says whether there is a next one.
            let probe = TopDocs::with_limit(limit + 1).and_offset(offset);
            let mut hits = searcher.search(&query, &probe)?;
            let more = hits.len() > limit;
            hits.truncate(limit);
            (known, hits, more)
        };
        totals.keep(total);
        let ids = read_ids(&searcher, &hits)?;
        let next = more.then(|| encode_cursor(&Cursor::Offset { q, offset: offset + ids.len() }));
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
    let windowed = window::first_rows(shared, &searcher, &*query, request, &collector)?;
    let must_count = request.count && known.is_none();
    let (total, mut positions) = match (windowed, must_count) {
        (Some(positions), true) => (Some(searcher.search(&query, &Count)?), positions),
        (Some(positions), false) => (known, positions),
        (None, true) => {
            let (total, positions) = searcher.search(&query, &(Count, collector))?;
            (Some(total), positions)
        }
        (None, false) => (known, searcher.search(&query, &collector)?),
    };
    totals.keep(total);
    let next = if positions.len() > limit {
        positions.truncate(limit);
        positions.last().map(|p| encode_cursor(&Cursor::After { sort, position: p.clone() }))
    } else {
        None
    };
    let ids = positions.into_iter().map(|p| p.id).collect();
    Ok(SearchPage { ids, total, next_cursor: next })
}

/// The total of a request that asks for one, as already counted on this searcher's
/// generation, and the means to keep a total once it is counted.
struct KnownTotal<'a> {
    shared: &'a Shared,
    generation: u64,
    /// None when the request does not ask for the total.
    key: Option<String>,
    known: Option<usize>,
}

impl<'a> KnownTotal<'a> {
    fn look_up(shared: &'a Shared, searcher: &Searcher, request: &SearchRequest) -> Self {
        let generation = searcher.generation().generation_id();
        let key = request.count.then(|| totals::key(request.model, request.filter, request.q));
        let known = key.as_deref().and_then(|key| shared.totals.get(generation, key));
        KnownTotal { shared, generation, key, known }
    }

    /// Keeps a total this request has just counted.
    fn keep(self, total: Option<usize>) {
        if let (Some(key), Some(total), None) = (self.key, total, self.known) {
            self.shared.totals.put(self.generation, key, total);
        }
    }
}

/// The ids of ranked hits, in their order, each segment's read at once.
fn read_ids(searcher: &Searcher, hits: &[(Score, DocAddress)]) -> Result<Vec<String>, IndexError> {
    let mut ids = vec![String::new(); hits.len()];
    let mut segments: Vec<SegmentOrdinal> = hits.iter().map(|(_, a)| a.segment_ord).collect();
    segments.sort_unstable();
    segments.dedup();
    for segment in segments {
        let (slots, docs): (Vec<usize>, Vec<DocId>) = hits
            .iter()
            .enumerate()
            .filter(|(_, (_, a))| a.segment_ord == segment)
            .map(|(slot, (_, a))| (slot, a.doc_id))
            .unzip();
        let read = Ids::open(searcher.segment_reader(segment))?.read(&docs);
        for (slot, id) in slots.into_iter().zip(read) {
            ids[slot] = id;
        }
    }
    Ok(ids)
}

/// How many documents a model has.
pub(super) fn count(shared: &Shared, model: &str) -> Result<usize, IndexError> {
    let term = Term::from_field_text(shared.fields.model, model);
    let query = TermQuery::new(term, IndexRecordOption::Basic);
    Ok(shared.reader.searcher().search(&query, &Count)?)
}
