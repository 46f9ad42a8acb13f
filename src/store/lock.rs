//! The data directory's owner lock: one process at a time.
//!
//! A second `corral` on the same directory must fail at once and say who holds it, rather
//! than wait on sled's own lock or corrupt anything. The lock file holds the owner's PID so
//! the refusal can name it.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Why the directory could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "the data directory {dir} is in use by another corral process (pid {pid}); stop that \
         process or choose another directory with --data-dir"
    )]
    Held { dir: PathBuf, pid: String },
    #[error("could not open the lock file in {dir}: {source}")]
    Io { dir: PathBuf, source: std::io::Error },
}

/// Held for as long as the process owns the directory; released on drop.
#[derive(Debug)]
pub struct DirLock {
    file: File,
}

impl DirLock {
    /// Takes the lock on `dir`, or names the process that has it.
    pub fn acquire(dir: &Path) -> Result<Self, LockError> {
        let io = |source| LockError::Io { dir: dir.to_path_buf(), source };
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(dir.join("corral.lock"))
            .map_err(io)?;
        if let Err(error) = file.try_lock() {
            if let std::fs::TryLockError::Error(source) = error {
                return Err(io(source));
            }
            let mut pid = String::new();
            let _ = file.read_to_string(&mut pid);
            let pid = if pid.trim().is_empty() { "unknown".into() } else { pid.trim().into() };
            return Err(LockError::Held { dir: dir.to_path_buf(), pid });
        }
        file.set_len(0).map_err(io)?;
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        write!(file, "{}", std::process::id()).map_err(io)?;
        file.flush().map_err(io)?;
        Ok(Self { file })
    }
}

impl Drop for DirLock {
    fn drop(&mut self) {
        let _ = self.file.set_len(0);
        let _ = self.file.unlock();
    }
}
