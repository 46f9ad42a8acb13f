//! The running product: an open data directory and the settings the server was started with.

use crate::index::{IndexError, SearchIndex};
use crate::models;
use crate::store::{Store, StoreError, StoreOptions};

/// Why the data directory could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The records are safe in the store; the index derived from them is not readable.
    #[error(
        "{0}\nThe records are intact; rebuild the search index from them with \
         `corral reindex` (with the server stopped), then start again"
    )]
    Index(#[from] IndexError),
}

/// Server settings that handlers read.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The largest request body accepted, in bytes.
    pub body_limit: usize,
    /// HTTP worker threads; 0 means one per core.
    pub workers: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Self { body_limit: 16 * 1024 * 1024, workers: 0 }
    }
}

/// Everything a request can reach.
pub struct Corral {
    pub store: Store,
    pub index: SearchIndex,
    /// Where the last "Sync Stripe charges" run stands.
    pub stripe_sync: std::sync::Mutex<crate::stripe::sync::SyncStatus>,
    pub settings: Settings,
}

impl Corral {
    /// Opens the data directory and makes sure the built-in models exist.
    pub fn open(options: &StoreOptions, settings: Settings) -> Result<Self, OpenError> {
        let store = Store::open(options)?;
        models::ensure_builtins(&store)?;
        store.commit_blocking()?;
        let index = SearchIndex::open(&store)?;
        Ok(Self { store, index, settings, stripe_sync: Default::default() })
    }

    /// Applies what the index has queued, flushes and releases the data directory.
    pub fn close(&self) -> Result<(), StoreError> {
        self.index.close();
        self.store.close()
    }
}
