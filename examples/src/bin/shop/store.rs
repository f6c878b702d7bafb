//! `SESSION_STORE`: which store the shop keeps its sessions in, told by the URL's scheme.

use std::env;

/// The forms `SESSION_STORE` accepts, for the error that refuses any other.
const ACCEPTED: &str = "`memory` (the default), `sqlite://path/to/sessions.db?mode=rwc`, \
                        `postgres://user:password@host/database`, or a Redis URL: `redis://host:port`, \
                        `unix:///path/to/redis.sock` or `rediss://host:port` (TLS, in a shop built with \
                        `--features session-core/redis-tls`)";

/// A store named by `SESSION_STORE`, with its URL.
#[derive(Debug, PartialEq, Eq)]
pub enum StoreUrl {
    /// A `MemoryStore`: the default.
    Memory,
    /// A `SqliteStore`: `sqlite:` URLs.
    Sqlite(String),
    /// A `PostgresStore`: `postgres:` and `postgresql:` URLs.
    Postgres(String),
    /// A `RedisStore`: `redis:`, `rediss:` and `unix:` URLs.
    Redis(String),
}

impl StoreUrl {
    /// The store `SESSION_STORE` names: memory when it is unset or blank.
    pub fn from_env() -> Result<Self, String> {
        match env::var("SESSION_STORE") {
            Ok(value) => Self::parse(&value),
            Err(env::VarError::NotPresent) => Ok(StoreUrl::Memory),
            Err(env::VarError::NotUnicode(_)) => Err(format!("SESSION_STORE is not UTF-8; it takes {ACCEPTED}")),
        }
    }

    /// The store `value` names, or an error that lists the accepted forms.
    pub fn parse(value: &str) -> Result<Self, String> {
        let value = value.trim();
        if value.is_empty() || value == "memory" {
            return Ok(StoreUrl::Memory);
        }
        let url = value.to_owned();
        match value.split_once(':') {
            Some(("sqlite", _)) => Ok(StoreUrl::Sqlite(url)),
            Some(("postgres" | "postgresql", _)) => Ok(StoreUrl::Postgres(url)),
            Some(("redis" | "rediss" | "unix", _)) => Ok(StoreUrl::Redis(url)),
            // Only the scheme: the rest of a URL may hold a password.
            Some((scheme, _)) => Err(format!("SESSION_STORE: unknown scheme `{scheme}:`; it takes {ACCEPTED}")),
            None => Err(format!("SESSION_STORE: `{value}` names no store; it takes {ACCEPTED}")),
        }
    }
}

/// True for the SQLite URLs that open a database in memory (as sqlx reads them), whose sessions end
/// with the process whatever the key.
pub fn sqlite_in_memory(url: &str) -> bool {
    let (database, query) = url.split_once('?').unwrap_or((url, ""));
    let database = database.strip_prefix("sqlite://").or_else(|| database.strip_prefix("sqlite:")).unwrap_or(database);
    database == ":memory:" || query.split('&').any(|pair| pair == "mode=memory")
}

#[cfg(test)]
mod tests {
    use super::{sqlite_in_memory, StoreUrl};

    #[test]
    fn each_scheme_picks_its_store() {
        assert_eq!(StoreUrl::parse(""), Ok(StoreUrl::Memory));
        assert_eq!(StoreUrl::parse(" memory "), Ok(StoreUrl::Memory));
        for url in ["sqlite://sessions.db?mode=rwc", "sqlite:sessions.db", "sqlite::memory:"] {
            assert_eq!(StoreUrl::parse(url), Ok(StoreUrl::Sqlite(url.to_owned())));
        }
        for url in ["postgres://shop@localhost/shop", "postgresql:///shop?host=/run/postgresql"] {
            assert_eq!(StoreUrl::parse(url), Ok(StoreUrl::Postgres(url.to_owned())));
        }
        for url in ["redis://127.0.0.1:6379/2", "rediss://cache.example:6380", "unix:///run/redis.sock"] {
            assert_eq!(StoreUrl::parse(url), Ok(StoreUrl::Redis(url.to_owned())));
        }
    }

    #[test]
    fn anything_else_is_refused_with_the_accepted_forms_and_no_password() {
        let error = StoreUrl::parse("mysql://shop:hunter2@db/shop").unwrap_err();
        assert!(error.contains("unknown scheme `mysql:`"), "{error}");
        assert!(!error.contains("hunter2"), "{error}");
        for form in ["`memory`", "`sqlite://", "`postgres://", "`redis://", "`rediss://", "`unix://"] {
            assert!(error.contains(form), "{form}: {error}");
        }
        let error = StoreUrl::parse("sqlite").unwrap_err();
        assert!(error.contains("`sqlite` names no store") && error.contains("`sqlite://"), "{error}");
    }

    #[test]
    fn in_memory_sqlite_urls_are_told_apart_from_files() {
        for url in ["sqlite::memory:", "sqlite://:memory:", "sqlite://?mode=memory", "sqlite://a.db?mode=memory"] {
            assert!(sqlite_in_memory(url), "{url}");
        }
        for url in ["sqlite://sessions.db?mode=rwc", "sqlite:///var/lib/shop/sessions.db", "sqlite:memory.db"] {
            assert!(!sqlite_in_memory(url), "{url}");
        }
    }
}
