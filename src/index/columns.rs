//! Reading a page's values back from fast columns.
//!
//! A text column keeps its dictionary in compressed blocks, and looking up one ordinal
//! decompresses the block that holds it. Reading a page of values one at a time costs a
//! block each; these read them all in ordinal order, in one pass over the dictionary.
//! Record ids that are plain numbers are read from a number column instead, without the
//! dictionary at all.

use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocId, SegmentReader};

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
        let fast = segment.fast_fields();
        Ok(Self { numbers: fast.u64("id_number").ok(), texts: fast.str("id")? })
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
