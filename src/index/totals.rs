//! Totals of recent searches, kept until the index changes.
//!
//! Counting a search's matches means visiting every one of them (157,000 documents for a
//! common filter over a million orders), and the web UI asks for the total with every page
//! it fetches while a view is scrolled. A total depends only on the model, the filter and
//! the search text, never on the sort, the cursor or the page size, and it stays true until
//! the next commit of the index. So each total is kept here, keyed by those three, for the
//! searcher generation it was counted on; a newer generation empties the table.
//!
//! Invariant: a total is answered only for the generation it was counted on, so a search
//! never sees a total older than the documents it pages through.

use std::collections::HashMap;
use std::sync::Mutex;

/// The most totals kept for one generation; past it the table starts again empty.
const MAX_TOTALS: usize = 1024;

/// The key of a total: what the search matches, without how it is ordered or paged.
pub(super) fn key(model: &str, filter: Option<&crate::query::Filter>, q: Option<&str>) -> String {
    let filter = filter.and_then(|f| serde_json::to_string(f).ok()).unwrap_or_default();
    // The separator cannot occur in a model id; the filter is JSON, so it never holds a
    // raw control character either.
    format!("{model}\u{0}{filter}\u{0}{}", q.unwrap_or_default())
}

#[derive(Default)]
struct Table {
    generation: u64,
    totals: HashMap<String, usize>,
}

/// Totals by search, for the newest searcher generation seen.
#[derive(Default)]
pub(super) struct Totals {
    table: Mutex<Table>,
}

impl Totals {
    /// The total counted for `key` on this generation, if there is one.
    pub(super) fn get(&self, generation: u64, key: &str) -> Option<usize> {
        let table = self.lock();
        if table.generation != generation {
            return None;
        }
        table.totals.get(key).copied()
    }

    /// Keeps a total counted on `generation`; one counted on an older generation than the
    /// table's is dropped, since it may already be out of date.
    pub(super) fn put(&self, generation: u64, key: String, total: usize) {
        let mut table = self.lock();
        if generation < table.generation {
            return;
        }
        if generation > table.generation || table.totals.len() >= MAX_TOTALS {
            table.generation = generation;
            table.totals.clear();
        }
        table.totals.insert(key, total);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Table> {
        self.table.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_total_holds_only_for_its_generation() {
        let totals = Totals::default();
        totals.put(3, "orders".into(), 10);
        assert_eq!(totals.get(3, "orders"), Some(10));
        assert_eq!(totals.get(4, "orders"), None, "a commit makes every total stale");
        assert_eq!(totals.get(2, "orders"), None);
    }

    #[test]
    fn a_newer_generation_empties_the_table_and_an_older_one_is_dropped() {
        let totals = Totals::default();
        totals.put(3, "a".into(), 1);
        totals.put(4, "b".into(), 2);
        assert_eq!(totals.get(4, "a"), None);
        assert_eq!(totals.get(4, "b"), Some(2));
        totals.put(3, "c".into(), 3);
        assert_eq!(totals.get(3, "c"), None, "counted before the newest commit");
        assert_eq!(totals.get(4, "c"), None);
    }

    #[test]
    fn the_table_is_bounded() {
        let totals = Totals::default();
        for i in 0..MAX_TOTALS + 1 {
            totals.put(1, i.to_string(), i);
        }
        assert!(totals.lock().totals.len() <= MAX_TOTALS);
        assert_eq!(totals.get(1, &MAX_TOTALS.to_string()), Some(MAX_TOTALS));
    }

    #[test]
    fn the_key_ignores_nothing_that_changes_the_matches() {
        let f = crate::query::parse_filter("amount > 5").unwrap().unwrap();
        let g = crate::query::parse_filter("amount > 6").unwrap().unwrap();
        assert_ne!(key("orders", Some(&f), None), key("orders", Some(&g), None));
        assert_ne!(key("orders", Some(&f), None), key("orders", Some(&f), Some("x")));
        assert_ne!(key("orders", None, None), key("account", None, None));
        assert_eq!(key("orders", Some(&f), Some("x")), key("orders", Some(&f), Some("x")));
    }
}
