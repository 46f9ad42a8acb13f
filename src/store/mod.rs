//! Storage: the data directory, its sled trees and the rules for writing them.
//!
//! Owns the directory lock, the sled database, the versioned codec and group commit.
//! Invariants:
//! - only one process has the directory open (see [`lock`]);
//! - every value in every tree is written through [`codec`];
//! - a write is acknowledged to a client only after [`Durability::commit`] returned.

pub mod codec;
pub mod durability;
pub mod lock;

use std::path::{Path, PathBuf};

pub use codec::CodecError;
pub use durability::{Durability, SyncError};
pub use lock::{DirLock, LockError};

/// Names of the sled trees the product keeps.
pub mod trees {
    /// Model id -> model definition.
    pub const MODELS: &str = "models";
    /// Model id, 0x00, record id -> record.
    pub const RECORDS: &str = "records";
    /// Key id -> API key description (never the key itself).
    pub const KEYS: &str = "keys";
    /// SHA-256 of an API key -> key id.
    pub const KEY_HASHES: &str = "key_hashes";
    /// Small named settings, such as the storage layout version.
    pub const META: &str = "meta";
    /// User id -> person who signs in to the UI.
    pub const USERS: &str = "users";
    /// Lower-case e-mail address -> user id.
    pub const USER_EMAILS: &str = "user_emails";
    /// SHA-256 of a session token -> session.
    pub const SESSIONS: &str = "sessions";
    /// Stripe event id -> when it was created (events already applied).
    pub const STRIPE_EVENTS: &str = "stripe_events";
    /// Charge id (or `dispute:` and a charge id) -> creation time of the last event applied.
    pub const STRIPE_VERSIONS: &str = "stripe_versions";
    /// View id -> saved view.
    pub const VIEWS: &str = "views";
    /// Sequence number -> change the search index has yet to apply.
    pub const INDEX_QUEUE: &str = "index_queue";
}

/// The layout of trees and keys this build reads and writes.
const LAYOUT_VERSION: u32 = 1;
const LAYOUT_KEY: &[u8] = b"layout_version";

/// A change the search index must apply. It is queued before the change itself is made,
/// so that after a crash the index replays whatever it may have missed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum IndexChange {
    /// Re-read this record from sled (it may be new, changed or gone).
    Record { model: String, id: String },
    /// Re-read every record of a model (its relations changed).
    Model { model: String },
    /// Drop every document of a model.
    DropModel { model: String },
}

/// Why the store failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Lock(#[from] LockError),
    #[error("could not create the data directory {dir}: {source}")]
    CreateDir { dir: PathBuf, source: std::io::Error },
    #[error("sled failed: {0}")]
    Sled(#[from] sled::Error),
    #[error(transparent)]
    Codec(#[from] CodecError),
    #[error(transparent)]
    Sync(#[from] SyncError),
    #[error(
        "the data directory {dir} was written by a newer corral (layout {found}); this build \
         reads layout {LAYOUT_VERSION}. Upgrade corral to open it"
    )]
    NewerLayout { dir: PathBuf, found: u32 },
    #[error("could not start the sync thread: {0}")]
    Io(#[from] std::io::Error),
}

/// Gives an area's error type (which must have a `Store(StoreError)` variant) conversions
/// from sled's and the codec's errors, so `?` works on both inside that area.
macro_rules! store_error_conversions {
    ($error:ty) => {
        impl From<sled::Error> for $error {
            fn from(e: sled::Error) -> Self {
                Self::Store(e.into())
            }
        }

        impl From<$crate::store::CodecError> for $error {
            fn from(e: $crate::store::CodecError) -> Self {
                Self::Store(e.into())
            }
        }
    };
}
pub(crate) use store_error_conversions;

/// Settings for opening a data directory.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    pub dir: PathBuf,
    /// sled's page cache, in bytes.
    pub cache_bytes: u64,
}

/// The open data directory.
pub struct Store {
    dir: PathBuf,
    db: sled::Db,
    pub(crate) models: sled::Tree,
    pub(crate) records: sled::Tree,
    pub(crate) keys: sled::Tree,
    pub(crate) key_hashes: sled::Tree,
    pub(crate) index_queue: sled::Tree,
    pub(crate) views: sled::Tree,
    pub(crate) users: sled::Tree,
    pub(crate) user_emails: sled::Tree,
    pub(crate) sessions: sled::Tree,
    pub(crate) meta: sled::Tree,
    pub(crate) stripe_events: sled::Tree,
    pub(crate) stripe_versions: sled::Tree,
    durability: Durability,
    _lock: DirLock,
}

impl Store {
    /// Opens (and on first use creates) the data directory.
    pub fn open(options: &StoreOptions) -> Result<Self, StoreError> {
        let dir = options.dir.clone();
        std::fs::create_dir_all(&dir)
            .map_err(|source| StoreError::CreateDir { dir: dir.clone(), source })?;
        let lock = DirLock::acquire(&dir)?;

        let sled_dir = dir.join("sled");
        let db = sled::Config::new()
            .path(&sled_dir)
            .cache_capacity(options.cache_bytes)
            .mode(sled::Mode::HighThroughput)
            .open()?;
        sync_dir(&dir)?;
        sync_dir(&sled_dir)?;

        let meta = db.open_tree(trees::META)?;
        check_layout(&meta, &dir)?;
        let durability = Durability::start(db.clone(), &sled_dir)?;
        Ok(Self {
            models: db.open_tree(trees::MODELS)?,
            records: db.open_tree(trees::RECORDS)?,
            keys: db.open_tree(trees::KEYS)?,
            key_hashes: db.open_tree(trees::KEY_HASHES)?,
            index_queue: db.open_tree(trees::INDEX_QUEUE)?,
            views: db.open_tree(trees::VIEWS)?,
            users: db.open_tree(trees::USERS)?,
            user_emails: db.open_tree(trees::USER_EMAILS)?,
            sessions: db.open_tree(trees::SESSIONS)?,
            meta,
            stripe_events: db.open_tree(trees::STRIPE_EVENTS)?,
            stripe_versions: db.open_tree(trees::STRIPE_VERSIONS)?,
            dir,
            db,
            durability,
            _lock: lock,
        })
    }

    /// The data directory this store lives in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Queues a change for the search index; call it before making the change.
    pub fn enqueue(&self, change: &IndexChange) -> Result<(), StoreError> {
        let seq = self.db.generate_id()?;
        self.index_queue.insert(seq.to_be_bytes(), codec::encode(change)?)?;
        Ok(())
    }

    /// The trees the indexer reads: models, records and its queue.
    pub fn index_source(&self) -> (sled::Tree, sled::Tree, sled::Tree) {
        (self.models.clone(), self.records.clone(), self.index_queue.clone())
    }

    /// Waits until every write made so far is on disk.
    pub async fn commit(&self) -> Result<(), StoreError> {
        Ok(self.durability.commit().await?)
    }

    /// The blocking form of [`Store::commit`], for command-line tools.
    pub fn commit_blocking(&self) -> Result<(), StoreError> {
        Ok(self.durability.commit_blocking()?)
    }

    /// Flushes everything and stops the sync thread.
    pub fn close(&self) -> Result<(), StoreError> {
        self.durability.close();
        self.db.flush()?;
        Ok(())
    }

    /// Bytes sled uses on disk.
    pub fn size_on_disk(&self) -> Result<u64, StoreError> {
        Ok(self.db.size_on_disk()?)
    }
}

/// Records the layout version on first use, and refuses a directory from a newer build.
fn check_layout(meta: &sled::Tree, dir: &Path) -> Result<(), StoreError> {
    match meta.get(LAYOUT_KEY)? {
        None => {
            meta.insert(LAYOUT_KEY, codec::encode(&LAYOUT_VERSION)?)?;
            Ok(())
        }
        Some(bytes) => {
            let found: u32 = codec::decode(&bytes)?;
            if found > LAYOUT_VERSION {
                return Err(StoreError::NewerLayout { dir: dir.to_path_buf(), found });
            }
            Ok(())
        }
    }
}

/// Makes a directory's entries (new files) durable.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}
