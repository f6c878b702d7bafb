//! The one connection of a [`RedisStore`], replaced when it breaks.

use std::sync::{
    atomic::{AtomicBool, Ordering},
    Arc, Mutex, PoisonError,
};

use redis::{aio::MultiplexedConnection, AsyncConnectionConfig, Cmd, RedisResult, Value};

use super::RedisStore;

/// The store's one connection to Redis, shared by its clones.
///
/// A multiplexed connection carries the commands of every concurrent request, so one is all a store
/// needs. It is used directly rather than through redis-rs' `ConnectionManager`, whose shared future,
/// atomic swap and boxed call per command cost this process more than the command's own sending did; what
/// the manager is for, a new connection once the old one broke, is [`Connection::replace`] here.
pub(super) struct Connection {
    client: redis::Client,
    config: AsyncConnectionConfig,
    /// The connection in use, and how many times it has been replaced.
    current: Mutex<(u64, MultiplexedConnection)>,
    /// Held while a broken connection is replaced, so that the requests that found it broken make one new
    /// connection between them.
    replacing: tokio::sync::Mutex<()>,
    /// Set while a background task replaces the connection after a timeout: the requests that time out
    /// meanwhile leave it to that one.
    replacing_after_timeout: AtomicBool,
}

impl Connection {
    pub(super) async fn open(client: redis::Client, config: AsyncConnectionConfig) -> RedisResult<Self> {
        let connection = client.get_multiplexed_async_connection_with_config(&config).await?;
        Ok(Connection {
            client,
            config,
            current: Mutex::new((0, connection)),
            replacing: tokio::sync::Mutex::new(()),
            replacing_after_timeout: AtomicBool::new(false),
        })
    }

    /// The connection in use (a clone: a handle onto the same one) and its generation.
    pub(super) fn current(&self) -> (u64, MultiplexedConnection) {
        self.current.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// A new connection in place of generation `broken`, or the one that already replaced it.
    pub(super) async fn replace(&self, broken: u64) -> RedisResult<MultiplexedConnection> {
        let _turn = self.replacing.lock().await;
        let (generation, connection) = self.current();
        if generation != broken {
            return Ok(connection);
        }
        let connection = self.client.get_multiplexed_async_connection_with_config(&self.config).await?;
        *self.current.lock().unwrap_or_else(PoisonError::into_inner) = (generation + 1, connection.clone());
        Ok(connection)
    }

    /// Sends `command`, and once more on a new connection if the one in use turned out to be broken.
    ///
    /// After Redis comes back, the store still holds the connection of the outage: the first command fails
    /// on it and is sent again on a new one, so the first request after an outage already succeeds.
    /// Sending again never does harm: a load, save, delete, listing or revocation that did reach Redis does
    /// the same again (a revocation sent twice counts only what the second one ended), and
    /// a create or cycle that did is refused the second time (the key is taken, or the old record is gone),
    /// so the request fails or ends its session rather than acting twice, and the copy it wrote expires
    /// unreferenced. A timeout is not retried, so a hung server fails a request after one
    /// [`RedisStore::DEFAULT_RESPONSE_TIMEOUT`]; a new connection must be made within one as well.
    ///
    /// After a timeout, a new connection is made in the background for the requests that follow. A
    /// connection can go silent while Redis is fine (a failover behind a virtual address, a NAT entry
    /// dropped): nothing breaks it, so without that it would be kept, every request on it timing out, until
    /// the operating system gave up on it many minutes later. A Redis that is only slow loses nothing by it:
    /// the commands already sent on the old connection still get their replies.
    ///
    /// An error that Redis answers with (`NOSCRIPT`, a script's own) comes back as an `Err` too.
    pub(super) async fn send(self: &Arc<Self>, command: &Cmd) -> RedisResult<Value> {
        let (generation, mut connection) = self.current();
        let reply = match connection.send_packed_command(command).await {
            Err(error) if error.is_timeout() => {
                if !self.replacing_after_timeout.swap(true, Ordering::AcqRel) {
                    let this = Arc::clone(self);
                    tokio::spawn(async move {
                        if let Err(error) = this.replace(generation).await {
                            tracing::debug!(%error, "no new Redis connection after a timeout; keeping the one in use");
                        }
                        this.replacing_after_timeout.store(false, Ordering::Release);
                    });
                }
                Err(error)
            }
            Err(error) if error.is_io_error() && !error.is_timeout() => {
                tracing::debug!(%error, "Redis connection broken; retrying once on a new one");
                let replaced = tokio::time::timeout(RedisStore::DEFAULT_RESPONSE_TIMEOUT, self.replace(generation))
                    .await
                    .map_err(|_| redis::RedisError::from(std::io::Error::from(std::io::ErrorKind::TimedOut)))?;
                replaced?.send_packed_command(command).await
            }
            reply => reply,
        };
        reply?.extract_error()
    }
}
