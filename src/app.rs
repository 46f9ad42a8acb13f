//! The running product: an open data directory and the settings the server was started with.

use crate::models;
use crate::store::{Store, StoreError, StoreOptions};

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
    pub settings: Settings,
}

impl Corral {
    /// Opens the data directory and makes sure the built-in models exist.
    pub fn open(options: &StoreOptions, settings: Settings) -> Result<Self, StoreError> {
        let store = Store::open(options)?;
        models::ensure_builtins(&store)?;
        store.commit_blocking()?;
        Ok(Self { store, settings })
    }

    /// Flushes and releases the data directory.
    pub fn close(&self) -> Result<(), StoreError> {
        self.store.close()
    }
}
