//! [`TempDir`]: a directory of one test's own, removed on drop (for SQLite files and server sockets).

use std::path::Path;

/// A new, empty directory under the system's temporary directory, removed with its contents on drop.
#[derive(Debug)]
pub struct TempDir(tempfile::TempDir);

impl TempDir {
    /// Creates one, its name starting with `prefix` (kept short: unix socket paths must be).
    pub fn new(prefix: &str) -> Self {
        let dir = tempfile::Builder::new().prefix(&format!("{prefix}-")).tempdir();
        TempDir(dir.expect("a temporary directory"))
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        self.0.path()
    }

    /// An `sqlite://` URL for the file `name` in the directory, with `query` (`mode=rwc`, ...).
    pub fn sqlite_url(&self, name: &str, query: &str) -> String {
        format!("sqlite://{}?{query}", self.path().join(name).display())
    }
}
