//! The search index: a tantivy index derived from sled, answering views' searches, filters
//! and sorts.
//!
//! Invariants:
//! - sled holds the truth; the index can always be rebuilt from it, and is at start-up when
//!   it is missing, damaged or of another schema version (never when it is current);
//! - every change to a record is queued in sled before and after it is made; the indexer
//!   thread applies the queue in batches and commits, so a synced record is visible in views
//!   within about a quarter of a second (one second at most under load), without a commit
//!   per request, and a crash loses nothing the queue still holds;
//! - a record's document holds its related records' traits; when a record changes, every
//!   document that links to it is rebuilt too.

pub mod column_range;
pub mod columns;
pub mod document;
pub mod filter;
pub mod keys;
pub mod schema;
pub mod sorter;
pub mod tokens;

mod indexer;
mod search;
mod totals;
mod window;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy};

use schema::{Fields, SCHEMA_VERSION};
pub use search::{SearchPage, SearchRequest};

use crate::store::Store;

/// The file in the index directory that names its schema version.
const VERSION_FILE: &str = "corral-schema-version";
/// Memory the index writer may buffer before it writes a segment.
const WRITER_HEAP: usize = 128 * 1024 * 1024;

/// Why the index failed.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("search index: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error("{0}")]
    Filter(#[from] filter::FilterError),
    #[error("the cursor does not belong to this query; start again without `cursor`")]
    BadCursor,
}

crate::store::store_error_conversions!(IndexError);

/// What the indexer thread and the searchers share.
struct Shared {
    fields: Fields,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    models: sled::Tree,
    records: sled::Tree,
    queue: sled::Tree,
    closing: AtomicBool,
    totals: totals::Totals,
}

/// The open index and its indexer thread.
pub struct SearchIndex {
    shared: Arc<Shared>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl SearchIndex {
    /// Opens the index in `dir/index`, rebuilding it from the store when it is not current,
    /// and starts the indexer thread.
    pub fn open(store: &Store) -> Result<Self, IndexError> {
        let path = store.dir().join("index");
        let (schema, fields) = schema::build();
        let current = std::fs::read_to_string(path.join(VERSION_FILE))
            .is_ok_and(|v| v.trim() == SCHEMA_VERSION.to_string());
        let existing = if current { Index::open_in_dir(&path).ok() } else { None };
        let (index, rebuild) = match existing {
            Some(index) if index.schema() == schema => (index, false),
            _ => (fresh_index(&path, schema)?, true),
        };
        let index = Self::start(index, fields, store)?;
        if rebuild {
            tracing::info!(dir = %path.display(), "building the search index from the store");
            index.rebuild(&|done, total| {
                if done == total || done.is_multiple_of(100_000) {
                    tracing::info!(done, total, "indexing records");
                }
            })?;
            write_version(&path)?;
        }
        index.spawn_indexer()?;
        Ok(index)
    }

    /// Deletes the index and builds it again from the store, reporting progress.
    pub fn reindex(store: &Store, progress: &dyn Fn(u64, u64)) -> Result<(), IndexError> {
        let path = store.dir().join("index");
        let (schema, fields) = schema::build();
        let index = Self::start(fresh_index(&path, schema)?, fields, store)?;
        index.rebuild(progress)?;
        write_version(&path)
    }

    fn start(index: Index, fields: Fields, store: &Store) -> Result<Self, IndexError> {
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let writer = index.writer_with_num_threads(1, WRITER_HEAP)?;
        let (models, records, queue) = store.index_source();
        let shared = Shared {
            fields,
            reader,
            writer: Mutex::new(writer),
            models,
            records,
            queue,
            closing: AtomicBool::new(false),
            totals: totals::Totals::default(),
        };
        Ok(Self { shared: Arc::new(shared), thread: Mutex::new(None) })
    }

    fn spawn_indexer(&self) -> Result<(), IndexError> {
        let shared = Arc::clone(&self.shared);
        let handle = std::thread::Builder::new()
            .name("corral-indexer".into())
            .spawn(move || indexer::run(&shared))?;
        *lock(&self.thread) = Some(handle);
        Ok(())
    }

    fn rebuild(&self, progress: &dyn Fn(u64, u64)) -> Result<(), IndexError> {
        indexer::rebuild(&self.shared, progress)
    }

    /// Applies what is queued, then stops the indexer thread.
    pub fn close(&self) {
        self.shared.closing.store(true, Ordering::SeqCst);
        if let Some(handle) = lock(&self.thread).take() {
            let _ = handle.join();
        }
    }

    /// Whether every queued change has been applied and is visible to searches.
    pub fn is_caught_up(&self) -> bool {
        self.shared.queue.is_empty()
    }

    /// How many documents a model has in the index.
    pub fn count(&self, model: &str) -> Result<usize, IndexError> {
        search::count(&self.shared, model)
    }

    /// Runs one search.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchPage, IndexError> {
        search::run(&self.shared, request)
    }
}

impl Drop for SearchIndex {
    fn drop(&mut self) {
        self.close();
    }
}

fn fresh_index(path: &Path, schema: tantivy::schema::Schema) -> Result<Index, IndexError> {
    if path.exists() {
        std::fs::remove_dir_all(path)?;
    }
    std::fs::create_dir_all(path)?;
    Ok(Index::create_in_dir(path, schema)?)
}

fn write_version(path: &Path) -> Result<(), IndexError> {
    let file: PathBuf = path.join(VERSION_FILE);
    std::fs::write(&file, SCHEMA_VERSION.to_string())?;
    std::fs::File::open(&file)?.sync_all()?;
    std::fs::File::open(path)?.sync_all()?;
    Ok(())
}
