//! The key that signs the shop's cookies, the session id's included: `SESSION_KEY`, or for an SQLite
//! database, a key file beside it.
//!
//! A session outlives a restart only if the key does: the id cookie a browser holds is signed, and one
//! signed under another key names no session. The key file is the SQLite database's companion: made on
//! the first start, with a fresh random secret, readable by its owner only, and read on every start
//! after. It holds a master secret as `SESSION_KEY` does (64 hex digits, 256 random bits), so
//! `SESSION_KEY="$(cat sessions.db.key)"` gives another process the same key.

use std::{
    env,
    fs::{self, OpenOptions},
    io::{self, Write},
    path::{Path, PathBuf},
};

use rand::{rngs::OsRng, TryRngCore};
use session_core::Key;

/// Random bytes in a new key file's secret: as many as either half of the key has.
const SECRET_BYTES: usize = 32;

/// The key from `SESSION_KEY`, when it is set.
pub fn from_env() -> Result<Option<Key>, String> {
    if env::var_os("SESSION_KEY").is_none() {
        return Ok(None);
    }
    // The error names the variable.
    Key::from_env("SESSION_KEY").map(Some).map_err(|error| error.to_string())
}

/// The refusal for a store shared by several shops and no `SESSION_KEY`: they must all sign with the one
/// key, which no shop can make up for the others, and a key made up at each start would sign everyone
/// out at each restart.
pub fn required_for(store: &str) -> String {
    format!(
        "SESSION_KEY is not set. Sessions in {store} outlive this shop and may be shared with others, which \
         must all sign cookies with the same key. Set SESSION_KEY to one secret of at least 32 bytes for \
         every shop, kept across restarts; make one with: export SESSION_KEY=\"$(openssl rand -base64 48)\""
    )
}

/// Where the key for the SQLite database at `database` is kept: `sessions.db.key` for `sessions.db`.
pub fn file_beside(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(".key");
    PathBuf::from(name)
}

/// The key kept in the file at `path`, made there first if there is none.
pub fn kept_in(path: &Path) -> Result<Key, String> {
    match fs::read_to_string(path) {
        Ok(secret) => {
            warn_if_others_can_read(path);
            let key = Key::from_master_secret(secret.trim().as_bytes()).map_err(|error| {
                format!(
                    "the session key file {} holds no usable key ({error}); delete it to have a new one made, \
                     which signs everyone out",
                    path.display()
                )
            })?;
            tracing::info!(path = %path.display(), "session key read from its file");
            Ok(key)
        }
        Err(error) if error.kind() == io::ErrorKind::NotFound => match create(path) {
            Ok(key) => {
                tracing::info!(
                    path = %path.display(),
                    "session key made and kept in a new file (owner-only): sessions survive a restart while \
                     it is there, and anyone who can read it can forge cookies"
                );
                Ok(key)
            }
            // Another shop on the same database made it first: the key is the one it wrote.
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => kept_in(path),
            // Where no file can be made (a read-only directory, a file system without hard links), the key
            // can come from the environment instead.
            Err(error) => Err(format!(
                "cannot make the session key file {}: {error}. Set SESSION_KEY instead, to the same secret at \
                 every start: export SESSION_KEY=\"$(openssl rand -base64 48)\"",
                path.display()
            )),
        },
        Err(error) => Err(format!("cannot read the session key file {}: {error}", path.display())),
    }
}

/// Writes a new random secret to a file at `path` that did not exist, and returns its key; fails with
/// `AlreadyExists` if another shop made the file first.
///
/// The secret is written whole under a name of its own, then linked to `path`, which fails rather than
/// replace a file already there: a shop starting at the same moment never finds the file made but not yet
/// written.
fn create(path: &Path) -> io::Result<Key> {
    let secret = random_hex(SECRET_BYTES)?;
    let key = Key::from_master_secret(secret.as_bytes()).map_err(io::Error::other)?;
    let mut draft = path.as_os_str().to_owned();
    draft.push(format!(".{}.new", random_hex(8)?));
    let draft = PathBuf::from(draft);
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options.open(&draft).and_then(|mut file| {
        writeln!(file, "{secret}")?;
        file.sync_all()
    });
    let linked = written.and_then(|()| fs::hard_link(&draft, path));
    let _ = fs::remove_file(&draft);
    linked.map(|()| key)
}

/// `bytes` random bytes from the OS, in hex.
fn random_hex(bytes: usize) -> io::Result<String> {
    let mut random = vec![0; bytes];
    OsRng.try_fill_bytes(&mut random).map_err(io::Error::other)?;
    Ok(random.iter().map(|byte| format!("{byte:02x}")).collect())
}

#[cfg(unix)]
fn warn_if_others_can_read(path: &Path) {
    use std::os::unix::fs::PermissionsExt;

    if let Ok(metadata) = fs::metadata(path) {
        if metadata.permissions().mode() & 0o077 != 0 {
            tracing::warn!(
                path = %path.display(),
                "the session key file can be read by others, who could forge cookies: chmod 600 it"
            );
        }
    }
}

#[cfg(not(unix))]
fn warn_if_others_can_read(_: &Path) {}

#[cfg(test)]
mod tests {
    use std::{fs, path::Path};

    use super::{file_beside, kept_in};

    /// A directory of this test's own, removed when dropped.
    fn temp_dir(name: &str) -> tempfile::TempDir {
        tempfile::Builder::new().prefix(&format!("shop-key-{name}-")).tempdir().unwrap()
    }

    #[test]
    fn the_key_file_sits_beside_the_database() {
        assert_eq!(file_beside(Path::new("sessions.db")), Path::new("sessions.db.key"));
        assert_eq!(file_beside(Path::new("/var/lib/shop/s.sqlite")), Path::new("/var/lib/shop/s.sqlite.key"));
    }

    #[test]
    fn a_key_file_is_made_once_owner_only_and_read_after() {
        let dir = temp_dir("made-once");
        let path = dir.path().join("sessions.db.key");
        kept_in(&path).unwrap();
        let secret = fs::read_to_string(&path).unwrap();
        assert_eq!(secret.trim().len(), 64, "{secret}");
        assert!(secret.trim().bytes().all(|byte| byte.is_ascii_hexdigit()), "{secret}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        kept_in(&path).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), secret, "the second start reads, never rewrites");

        let other = dir.path().join("other.db.key");
        kept_in(&other).unwrap();
        assert_ne!(fs::read_to_string(&other).unwrap(), secret, "each database gets a secret of its own");
    }

    /// Two shops starting on a new database at the same moment: one makes the file, the other reads it,
    /// never a file made but not yet written.
    #[test]
    fn shops_starting_together_share_the_key_one_of_them_made() {
        let dir = temp_dir("race");
        for round in 0..200 {
            let path = dir.path().join(format!("s{round}.db.key"));
            let starts: Vec<_> = (0..2)
                .map(|_| {
                    let path = path.clone();
                    std::thread::spawn(move || kept_in(&path))
                })
                .collect();
            for start in starts {
                start.join().unwrap().unwrap_or_else(|error| panic!("round {round}: {error}"));
            }
        }
        let left: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|entry| entry.unwrap().file_name()).collect();
        assert_eq!(left.len(), 200, "one file per database, no draft left: {left:?}");
    }

    #[test]
    fn where_no_key_file_can_be_made_the_error_names_session_key() {
        let dir = temp_dir("unmakeable");
        let error = kept_in(&dir.path().join("no-such-directory/sessions.db.key")).unwrap_err();
        assert!(error.starts_with("cannot make the session key file") && error.contains("SESSION_KEY"), "{error}");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0, "nothing left behind");
    }

    #[test]
    fn a_key_file_without_a_usable_secret_is_refused_with_the_fix() {
        let dir = temp_dir("unusable");
        let path = dir.path().join("sessions.db.key");
        fs::write(&path, "short\n").unwrap();
        let error = kept_in(&path).unwrap_err();
        assert!(error.contains("holds no usable key") && error.contains("delete it"), "{error}");
        assert_eq!(fs::read_to_string(&path).unwrap(), "short\n", "left for its owner to look at");
    }
}
