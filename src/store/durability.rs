//! Group commit: makes acknowledged writes survive a crash or a power cut.
//!
//! sled's own `flush` writes its log and, on Linux, ends in `sync_file_range`, which
//! persists neither the file's metadata (its new length) nor the drive's volatile cache.
//! After each flush this module also calls `fdatasync` on sled's data file, which does both
//! (it skips only metadata a read does not need, such as the modification time), and syncs
//! the large values sled keeps in files of their own (`blobs/`), which it never syncs.
//!
//! Writers do not flush themselves. Each asks for a commit ticket; one background thread
//! flushes and syncs for every ticket taken before the flush began, so a hundred concurrent
//! writers share one `fsync` instead of paying for a hundred.

use std::collections::HashSet;
use std::ffi::OsString;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;

use tokio::sync::watch;

/// Why a commit did not reach the disk.
#[derive(Debug, Clone, thiserror::Error)]
#[error("the data directory could not be synced to disk: {0}")]
pub struct SyncError(String);

#[derive(Default)]
struct Counters {
    /// Highest ticket handed out.
    requested: u64,
    /// Set when the store is closing, so the sync thread can stop.
    closing: bool,
}

/// What the sync thread publishes: the highest ticket that is on disk, or the failure.
type Synced = Result<u64, SyncError>;

struct Shared {
    counters: Mutex<Counters>,
    wake: Condvar,
}

/// Hands out commit tickets and runs the thread that makes them durable.
pub struct Durability {
    shared: Arc<Shared>,
    synced: watch::Receiver<Synced>,
    thread: Mutex<Option<thread::JoinHandle<()>>>,
}

impl Durability {
    /// Starts the sync thread for a sled database kept in `dir`.
    pub fn start(db: sled::Db, dir: &Path) -> std::io::Result<Self> {
        let data_file = File::open(dir.join("db"))?;
        let dir_owned = dir.join("blobs");
        let shared = Arc::new(Shared { counters: Mutex::default(), wake: Condvar::new() });
        let (publish, synced) = watch::channel(Ok(0));
        let thread_shared = Arc::clone(&shared);
        let thread = thread::Builder::new().name("corral-sync".into()).spawn(move || {
            let mut blobs = Blobs::new(dir_owned);
            sync_loop(&thread_shared, &db, &data_file, &mut blobs, &publish);
        })?;
        Ok(Self { shared, synced, thread: Mutex::new(Some(thread)) })
    }

    /// Waits until every write made before this call is on disk.
    pub async fn commit(&self) -> Result<(), SyncError> {
        let ticket = self.take_ticket();
        let mut synced = self.synced.clone();
        let outcome = synced
            .wait_for(|state| match state {
                Ok(done) => *done >= ticket,
                Err(_) => true,
            })
            .await;
        match outcome {
            Ok(state) => state.clone().map(|_| ()),
            Err(_) => Err(SyncError("the store is closed".into())),
        }
    }

    /// The blocking form of [`Durability::commit`], for command-line tools.
    pub fn commit_blocking(&self) -> Result<(), SyncError> {
        let ticket = self.take_ticket();
        let mut synced = self.synced.clone();
        loop {
            match &*synced.borrow_and_update() {
                Ok(done) if *done >= ticket => return Ok(()),
                Ok(_) => {}
                Err(error) => return Err(error.clone()),
            }
            if synced.has_changed().is_err() {
                return Err(SyncError("the store is closed".into()));
            }
            // A short park keeps this simple; CLI commits are rare.
            thread::sleep(std::time::Duration::from_millis(1));
        }
    }

    fn take_ticket(&self) -> u64 {
        let mut counters = lock(&self.shared.counters);
        counters.requested += 1;
        let ticket = counters.requested;
        drop(counters);
        self.shared.wake.notify_one();
        ticket
    }

    /// Syncs what is pending and stops the thread.
    pub fn close(&self) {
        lock(&self.shared.counters).closing = true;
        self.shared.wake.notify_one();
        if let Some(handle) = lock(&self.thread).take() {
            let _ = handle.join();
        }
    }
}

impl Drop for Durability {
    fn drop(&mut self) {
        self.close();
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// sled keeps each value or page over about 128 KiB in a file of its own under `blobs/`,
/// written but never synced. Each blob is written once under a new name and never changed,
/// so every new one is synced once, with the directory that names it.
struct Blobs {
    dir: PathBuf,
    synced: HashSet<OsString>,
}

impl Blobs {
    fn new(dir: PathBuf) -> Self {
        Self { dir, synced: HashSet::new() }
    }

    /// Syncs the blobs written since the last call, and their directory.
    fn sync_new(&mut self) -> std::io::Result<()> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(error) => return Err(error),
        };
        let mut found = HashSet::new();
        let mut added = false;
        for entry in entries {
            let name = entry?.file_name();
            if !self.synced.contains(&name) {
                match File::open(self.dir.join(&name)) {
                    Ok(file) => file.sync_all()?,
                    // sled removed it (a later version replaced it) while this ran.
                    Err(error) if error.kind() == std::io::ErrorKind::NotFound => continue,
                    Err(error) => return Err(error),
                }
                added = true;
            }
            found.insert(name);
        }
        if added || found.len() != self.synced.len() {
            File::open(&self.dir)?.sync_all()?;
        }
        self.synced = found;
        Ok(())
    }
}

fn sync_loop(
    shared: &Shared,
    db: &sled::Db,
    data_file: &File,
    blobs: &mut Blobs,
    publish: &watch::Sender<Synced>,
) {
    let mut done = 0u64;
    loop {
        let mut counters = lock(&shared.counters);
        while counters.requested == done && !counters.closing {
            counters = shared.wake.wait(counters).unwrap_or_else(|p| p.into_inner());
        }
        let target = counters.requested;
        let closing = counters.closing;
        drop(counters);

        if target > done {
            let outcome = db
                .flush()
                .map_err(|e| SyncError(e.to_string()))
                .and_then(|_| blobs.sync_new().map_err(|e| SyncError(e.to_string())))
                .and_then(|()| data_file.sync_data().map_err(|e| SyncError(e.to_string())));
            match outcome {
                Ok(()) => {
                    done = target;
                    let _ = publish.send_replace(Ok(done));
                }
                Err(error) => {
                    tracing::error!(%error, "sync to disk failed; refusing further writes");
                    let _ = publish.send_replace(Err(error));
                    return;
                }
            }
        }
        if closing {
            return;
        }
    }
}
