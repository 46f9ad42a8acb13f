//! Sorting hits by several sort keys with a total order, and paging after a cursor.
//!
//! Each segment compares documents by the ordinals of their sort values in that segment's
//! column dictionaries (cheap integers), keeps its best `limit`, and only then reads those
//! few values as text; the segments' bests are merged by the values themselves. Missing
//! values come last in both directions; the record id breaks every tie, so the order is
//! total and a cursor (the last row's values) resumes exactly after that row.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use serde::{Deserialize, Serialize};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use super::columns::{self, Ids};

/// The most sort keys one request may use (the record id is always added after them).
pub const MAX_SORT_KEYS: usize = 4;

type Ranks = [u64; MAX_SORT_KEYS + 1];

/// Where a row stands in the order: its sort values (None when missing) and its id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    pub values: Vec<Option<String>>,
    pub id: String,
}

/// A sort key as the collector uses it: a fast column name and a direction.
#[derive(Debug, Clone)]
pub struct SortColumn {
    pub column: String,
    pub descending: bool,
}

/// Collects the first `limit` hits after `after` in the order of `keys`.
pub struct SortCollector {
    pub keys: Vec<SortColumn>,
    pub limit: usize,
    pub after: Option<Position>,
}

impl SortCollector {
    /// Compares two positions in the order of this collector's keys.
    pub fn compare(&self, a: &Position, b: &Position) -> Ordering {
        for (i, key) in self.keys.iter().enumerate() {
            let order = match (&a.values[i], &b.values[i]) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Greater,
                (Some(_), None) => Ordering::Less,
                (Some(x), Some(y)) if key.descending => y.cmp(x),
                (Some(x), Some(y)) => x.cmp(y),
            };
            if order != Ordering::Equal {
                return order;
            }
        }
        a.id.as_bytes().cmp(b.id.as_bytes())
    }
}

/// Ranks make "earlier in the order" mean "smaller number": a value with ordinal `o` ranks
/// `2o + 1`, a bound that falls between ordinals `o - 1` and `o` ranks `2o`, descending keys
/// are flipped, and missing values rank last.
fn rank(raw: u64, descending: bool) -> u64 {
    if raw == u64::MAX {
        return u64::MAX;
    }
    if descending {
        u64::MAX - 1 - raw
    } else {
        raw
    }
}

fn value_rank(ord: Option<u64>, descending: bool) -> u64 {
    rank(ord.map_or(u64::MAX, |o| 2 * o + 1), descending)
}

fn bound_rank(
    column: Option<&StrColumn>,
    value: Option<&str>,
    descending: bool,
) -> tantivy::Result<u64> {
    let Some(value) = value else { return Ok(u64::MAX) };
    let Some(column) = column else { return Ok(rank(0, descending)) };
    let dictionary = column.dictionary();
    let raw = match dictionary.term_ord(value)? {
        Some(o) => 2 * o + 1,
        None => {
            let mut next = dictionary.range().gt(value).into_stream()?;
            if next.advance() {
                2 * next.term_ord()
            } else {
                2 * column.num_terms() as u64
            }
        }
    };
    Ok(rank(raw, descending))
}

pub struct SegmentSorter {
    columns: Vec<Option<StrColumn>>,
    descending: Vec<bool>,
    id_column: Option<StrColumn>,
    ids: Ids,
    limit: usize,
    after: Option<Ranks>,
    heap: BinaryHeap<(Ranks, DocId)>,
}

impl SegmentSorter {
    fn ranks(&self, doc: DocId) -> Ranks {
        let mut ranks = [u64::MAX; MAX_SORT_KEYS + 1];
        for (i, column) in self.columns.iter().enumerate() {
            let ord = column.as_ref().and_then(|c| c.ords().first(doc));
            ranks[i] = value_rank(ord, self.descending[i]);
        }
        let id_ord = self.id_column.as_ref().and_then(|c| c.ords().first(doc));
        ranks[MAX_SORT_KEYS] = value_rank(id_ord, false);
        ranks
    }
}

impl SegmentCollector for SegmentSorter {
    type Fruit = Vec<Position>;

    fn collect(&mut self, doc: DocId, _: Score) {
        // Most documents lose on their first key alone once the heap is full: reject them
        // before reading the rest.
        if let (Some(column), true) = (self.columns.first(), self.heap.len() >= self.limit) {
            let first =
                value_rank(column.as_ref().and_then(|c| c.ords().first(doc)), self.descending[0]);
            if self.heap.peek().is_some_and(|(worst, _)| first > worst[0]) {
                return;
            }
        }
        let ranks = self.ranks(doc);
        if self.after.is_some_and(|after| ranks <= after) {
            return;
        }
        if self.heap.len() < self.limit {
            self.heap.push((ranks, doc));
        } else if self.heap.peek().is_some_and(|(worst, _)| ranks < *worst) {
            self.heap.pop();
            self.heap.push((ranks, doc));
        }
    }

    fn harvest(self) -> Vec<Position> {
        let docs: Vec<DocId> = self.heap.into_sorted_vec().into_iter().map(|(_, d)| d).collect();
        let mut columns: Vec<std::vec::IntoIter<Option<String>>> = self
            .columns
            .iter()
            .map(|column| columns::texts(column.as_ref(), &docs).into_iter())
            .collect();
        self.ids
            .read(&docs)
            .into_iter()
            .map(|id| Position {
                values: columns.iter_mut().map(|c| c.next().flatten()).collect(),
                id,
            })
            .collect()
    }
}

impl Collector for SortCollector {
    type Fruit = Vec<Position>;
    type Child = SegmentSorter;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentSorter> {
        let mut columns = Vec::with_capacity(self.keys.len());
        for key in &self.keys {
            columns.push(columns::str_column(segment, &key.column)?);
        }
        let id_column = columns::str_column(segment, "id")?;
        let descending: Vec<bool> = self.keys.iter().map(|k| k.descending).collect();
        let after = match &self.after {
            None => None,
            Some(position) => {
                let mut ranks = [u64::MAX; MAX_SORT_KEYS + 1];
                for (i, column) in columns.iter().enumerate() {
                    let value = position.values.get(i).and_then(|v| v.as_deref());
                    ranks[i] = bound_rank(column.as_ref(), value, descending[i])?;
                }
                ranks[MAX_SORT_KEYS] = bound_rank(id_column.as_ref(), Some(&position.id), false)?;
                Some(ranks)
            }
        };
        let heap = BinaryHeap::with_capacity(self.limit + 1);
        let ids = Ids::open(segment)?;
        Ok(SegmentSorter { columns, descending, id_column, ids, limit: self.limit, after, heap })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<Position>>) -> tantivy::Result<Vec<Position>> {
        let mut all: Vec<Position> = fruits.into_iter().flatten().collect();
        all.sort_by(|a, b| self.compare(a, b));
        all.truncate(self.limit);
        Ok(all)
    }
}
