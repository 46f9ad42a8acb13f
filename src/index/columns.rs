//! Reading a page's values back from fast columns.
//!
//! A text column keeps its dictionary in compressed blocks, and looking up one ordinal
//! decompresses the block that holds it. Reading a page of values one at a time costs a
//! block each; these read them all in ordinal order, in one pass over the dictionary.
//! Record ids that are plain numbers are read from a number column instead, without the
//! dictionary at all.
//!
//! Columns are opened once per segment and kept: opening one reads its header and, for a
//! number column, the metadata of every block, which was a sixth of the time of a filtered
//! page over a million records. A segment's columns never change, so what one search opened
//! serves the next. So are lookups in a column's dictionary that searches repeat (where a
//! range's bounds fall, where a sort window ends): each decompresses a block of the
//! dictionary with a new zstd context. What belongs to segments gone from the index is let
//! go after each reload (a kept column would hold its merged-away file on disk).

use std::collections::{HashMap, HashSet};
use std::sync::{LazyLock, Mutex, MutexGuard};

use tantivy::columnar::{Column, StrColumn};
use tantivy::index::SegmentId;
use tantivy::{DocId, Searcher, SegmentReader};

type Key = (SegmentId, String);

/// The most dictionary lookups kept; past it the table starts again empty.
const MAX_LOOKUPS: usize = 65_536;

#[derive(Default)]
struct Opened {
    texts: HashMap<Key, Option<StrColumn>>,
    numbers: HashMap<Key, Option<Column<u64>>>,
    lookups: HashMap<Key, Lookup>,
}

/// What a dictionary lookup found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// The ordinals of the values in a range, as start..end.
    Ordinals(u64, u64),
    /// A value, or none.
    Value(Option<String>),
}

static OPENED: LazyLock<Mutex<Opened>> = LazyLock::new(Mutex::default);

fn opened() -> MutexGuard<'static, Opened> {
    OPENED.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The text column `name` of a segment (None when no document of it has one).
pub fn str_column(segment: &SegmentReader, name: &str) -> tantivy::Result<Option<StrColumn>> {
    let key = (segment.segment_id(), name.to_string());
    if let Some(column) = opened().texts.get(&key) {
        return Ok(column.clone());
    }
    let column = segment.fast_fields().str(name)?;
    opened().texts.insert(key, column.clone());
    Ok(column)
}

/// The number column `name` of a segment (None when it has none).
pub fn u64_column(segment: &SegmentReader, name: &str) -> Option<Column<u64>> {
    let key = (segment.segment_id(), name.to_string());
    if let Some(column) = opened().numbers.get(&key) {
        return column.clone();
    }
    let column = segment.fast_fields().u64(name).ok();
    opened().numbers.insert(key, column.clone());
    column
}

/// The answer of a dictionary lookup in one of `segment`'s columns, `what` naming the
/// column and the question; computed on first use, then kept.
pub fn lookup<E>(
    segment: SegmentId,
    what: String,
    compute: impl FnOnce() -> Result<Lookup, E>,
) -> Result<Lookup, E> {
    let key = (segment, what);
    if let Some(answer) = opened().lookups.get(&key) {
        return Ok(answer.clone());
    }
    let answer = compute()?;
    let mut opened = opened();
    if opened.lookups.len() >= MAX_LOOKUPS {
        opened.lookups.clear();
    }
    opened.lookups.insert(key, answer.clone());
    Ok(answer)
}

/// Lets go of the columns of every segment `searcher` no longer has.
pub fn forget_gone_segments(searcher: &Searcher) {
    let live: HashSet<SegmentId> =
        searcher.segment_readers().iter().map(SegmentReader::segment_id).collect();
    let mut opened = opened();
    opened.texts.retain(|(segment, _), _| live.contains(segment));
    opened.numbers.retain(|(segment, _), _| live.contains(segment));
    opened.lookups.retain(|(segment, _), _| live.contains(segment));
}

/// The text of `column` for each of `docs`, in the same order (None where it has none).
pub fn texts(column: Option<&StrColumn>, docs: &[DocId]) -> Vec<Option<String>> {
    let Some(column) = column else { return vec![None; docs.len()] };
    let ords: Vec<Option<u64>> = docs.iter().map(|doc| column.ords().first(*doc)).collect();
    let mut sorted: Vec<u64> = ords.iter().flatten().copied().collect();
    sorted.sort_unstable();
    sorted.dedup();
    let mut found = Vec::with_capacity(sorted.len());
    let read = column.dictionary().sorted_ords_to_term_cb(sorted.iter().copied(), |bytes| {
        found.push(String::from_utf8_lossy(bytes).into_owned());
        Ok(())
    });
    if !matches!(read, Ok(true)) || found.len() != sorted.len() {
        return vec![None; docs.len()];
    }
    ords.iter()
        .map(|ord| ord.and_then(|o| sorted.binary_search(&o).ok()).map(|i| found[i].clone()))
        .collect()
}

/// Reads record ids of one segment.
pub struct Ids {
    numbers: Option<Column<u64>>,
    texts: Option<StrColumn>,
}

impl Ids {
    pub fn open(segment: &SegmentReader) -> tantivy::Result<Self> {
        Ok(Self { numbers: u64_column(segment, "id_number"), texts: str_column(segment, "id")? })
    }

    /// The id of each of `docs`, in the same order (empty where a document has none).
    pub fn read(&self, docs: &[DocId]) -> Vec<String> {
        let mut ids: Vec<Option<String>> = docs
            .iter()
            .map(|doc| self.numbers.as_ref().and_then(|c| c.first(*doc)).map(|n| n.to_string()))
            .collect();
        let missing: Vec<DocId> =
            docs.iter().zip(&ids).filter(|(_, id)| id.is_none()).map(|(doc, _)| *doc).collect();
        if !missing.is_empty() {
            let mut texts = self::texts(self.texts.as_ref(), &missing).into_iter();
            for id in ids.iter_mut().filter(|id| id.is_none()) {
                *id = texts.next().flatten();
            }
        }
        ids.into_iter().map(Option::unwrap_or_default).collect()
    }
}
