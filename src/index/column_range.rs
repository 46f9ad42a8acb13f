//! A range over a sort column, checked one document at a time.
//!
//! tantivy's own range over a fast column scans the column in blocks from wherever the
//! search stands, which in a conjunction means scanning nearly all of it even when another
//! part (a status, a search word, a sort window) has already picked out a few documents.
//! This query instead looks up the value of each document it is asked about: as a filter
//! next to anything selective it costs one lookup per candidate.

use std::ops::Bound;

use tantivy::columnar::{Column, StrColumn};
use tantivy::query::{ConstScorer, EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TantivyError, TERMINATED};

use super::columns::{self, Lookup};

/// Documents whose value in the text fast column `column` lies between two bounds.
#[derive(Debug, Clone)]
pub struct ColumnRange {
    pub column: String,
    pub low: Bound<String>,
    pub high: Bound<String>,
}

impl Query for ColumnRange {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }
}

/// The first ordinal of a value at or after `value` (`inclusive`), or strictly after it.
fn ordinal_from(column: &StrColumn, value: &str, inclusive: bool) -> tantivy::Result<u64> {
    let dictionary = column.dictionary();
    if let Some(ord) = dictionary.term_ord(value)? {
        return Ok(if inclusive { ord } else { ord + 1 });
    }
    let mut after = dictionary.range().gt(value).into_stream()?;
    Ok(if after.advance() { after.term_ord() } else { column.num_terms() as u64 })
}

impl ColumnRange {
    /// The ordinals of this segment's values in range, as start..end.
    fn ordinals(&self, column: &StrColumn) -> tantivy::Result<(u64, u64)> {
        let start = match &self.low {
            Bound::Included(v) => ordinal_from(column, v, true)?,
            Bound::Excluded(v) => ordinal_from(column, v, false)?,
            Bound::Unbounded => 0,
        };
        let end = match &self.high {
            Bound::Included(v) => ordinal_from(column, v, false)?,
            Bound::Excluded(v) => ordinal_from(column, v, true)?,
            Bound::Unbounded => column.num_terms() as u64,
        };
        Ok((start, end))
    }

    fn docset(&self, reader: &SegmentReader) -> tantivy::Result<Option<RangeDocs>> {
        let Some(column) = columns::str_column(reader, &self.column)? else { return Ok(None) };
        let what = format!("range\u{0}{}\u{0}{:?}\u{0}{:?}", self.column, self.low, self.high);
        let found = columns::lookup(reader.segment_id(), what, || {
            let (start, end) = self.ordinals(&column)?;
            Ok::<_, tantivy::TantivyError>(Lookup::Ordinals(start, end))
        })?;
        let (start, end) = match found {
            Lookup::Ordinals(start, end) => (start, end),
            Lookup::Value(_) => self.ordinals(&column)?,
        };
        if start >= end {
            return Ok(None);
        }
        let ords = column.ords().clone();
        Ok(Some(RangeDocs::new(ords, start, end, reader.max_doc())))
    }
}

impl Weight for ColumnRange {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(match self.docset(reader)? {
            Some(docs) => Box::new(ConstScorer::new(docs, boost)),
            None => Box::new(EmptyScorer),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let matches = self.docset(reader)?.is_some_and(|mut docs| docs.seek(doc) == doc);
        if !matches {
            return Err(TantivyError::InvalidArgument(format!("document {doc} is out of range")));
        }
        Ok(Explanation::new("ColumnRange", 1.0))
    }
}

/// The documents of one segment whose first ordinal lies in start..end.
struct RangeDocs {
    ords: Column<u64>,
    start: u64,
    end: u64,
    doc: DocId,
    max_doc: DocId,
}

impl RangeDocs {
    fn new(ords: Column<u64>, start: u64, end: u64, max_doc: DocId) -> Self {
        let mut docs = Self { ords, start, end, doc: 0, max_doc };
        docs.doc = docs.first_from(0);
        docs
    }

    fn matches(&self, doc: DocId) -> bool {
        self.ords.first(doc).is_some_and(|ord| (self.start..self.end).contains(&ord))
    }

    fn first_from(&self, mut doc: DocId) -> DocId {
        while doc < self.max_doc {
            if self.matches(doc) {
                return doc;
            }
            doc += 1;
        }
        TERMINATED
    }
}

impl DocSet for RangeDocs {
    fn advance(&mut self) -> DocId {
        if self.doc != TERMINATED {
            self.doc = self.first_from(self.doc + 1);
        }
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc != TERMINATED && target > self.doc {
            self.doc = self.first_from(target);
        }
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        // Never cheaper than whatever it is joined with: let a selective part lead.
        self.max_doc
    }
}
