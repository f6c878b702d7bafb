//! The store conformance suite (`session_core::store::conformance`) against every store in the repo, and
//! against broken stores, which it must reject.

use std::{future::Future, sync::Arc};

use session_core::{
    store::{
        conformance::{self, Outage, Suite},
        OwnedSession, OwnerKey, Patch, Record, RedisStore,
    },
    MemoryStore, PostgresStore, SessionStore, SqliteStore, StoreError, StoreKey,
};
use tests::{
    postgres_server::PostgresServer,
    redis_server::RedisServer,
    stores::{CountingStore, FaultyStore},
    temp_dir::TempDir,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_store_conforms() {
    conformance::run(|| async { MemoryStore::default() }).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_that_injects_faults_conforms_and_fails_cleanly_while_down() {
    Suite::new(|| async { FaultyStore::new(MemoryStore::default()) })
        .with_outages(|store, outage| store.set_down(outage == Outage::Begin))
        .run()
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrapping_store_conforms() {
    conformance::run(|| async { CountingStore::new(MemoryStore::default()) }).await;
}

/// Against a real Redis, taken down by `kill -9` and restarted on the same socket for the outage case.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_store_conforms() {
    let Some(mut server) = RedisServer::start_durable() else { return };
    let url = server.url();
    Suite::new(async || RedisStore::connect(&url).await.expect("connects to the test server"))
        .with_outages(|_store, outage| match outage {
            Outage::Begin => server.kill(),
            Outage::End => server.restart(),
        })
        .run()
        .await;
}

/// Against a private PostgreSQL cluster, stopped at once (`pg_ctl stop -m immediate`, no checkpoint) and
/// started again on its data for the outage case. Each case gets a new pool over the one table.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_store_conforms() {
    let Some(mut server) = PostgresServer::start() else { return };
    let url = server.url();
    Suite::new(async || PostgresStore::connect(&url).await.expect("connects to the test cluster"))
        .with_outages(|_store, outage| match outage {
            Outage::Begin => server.stop(),
            Outage::End => server.restart(),
        })
        .run()
        .await;
}

/// Against SQLite files, a new one per case.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_store_conforms() {
    let dir = TempDir::new("sqlite-conformance");
    let mut cases = 0;
    Suite::new(async || {
        cases += 1;
        let url = dir.sqlite_url(&format!("case-{cases}.db"), "mode=rwc");
        SqliteStore::connect(&url).await.expect("opens a new file")
    })
    .run()
    .await;
}

/// Runs the suite against `store` on a thread of its own and returns the panic message it failed with.
fn rejection<S: SessionStore>(store: impl Fn() -> S + Send + 'static) -> String {
    let outcome = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        runtime.block_on(conformance::run(|| std::future::ready(store())));
    })
    .join();
    let panic = outcome.expect_err("the suite passed a broken store");
    panic.downcast_ref::<String>().cloned().unwrap_or_default()
}

/// Defines a store that breaks one rule, over a [`MemoryStore`]; the methods given replace the correct ones.
macro_rules! broken_store {
    ($name:ident { $($method:item)* }) => {
        #[derive(Clone, Default)]
        struct $name(MemoryStore);

        impl SessionStore for $name {
            $($method)*
        }
    };
}

/// Forwards the methods a broken store keeps.
macro_rules! forward {
    (load) => {
        async fn load(&self, key: &StoreKey) -> Result<Option<Arc<Record>>, StoreError> {
            self.0.load(key).await
        }
    };
    (create) => {
        async fn create(&self, key: &StoreKey, record: &Arc<Record>) -> Result<bool, StoreError> {
            self.0.create(key, record).await
        }
    };
    (save) => {
        async fn save(&self, key: &StoreKey, patch: &Patch<'_>) -> Result<bool, StoreError> {
            self.0.save(key, patch).await
        }
    };
    (delete) => {
        async fn delete(&self, key: &StoreKey) -> Result<bool, StoreError> {
            self.0.delete(key).await
        }
    };
    (cycle) => {
        async fn cycle(&self, old: &StoreKey, new: &StoreKey, patch: &Patch<'_>) -> Result<bool, StoreError> {
            self.0.cycle(old, new, patch).await
        }
    };
    (owners) => {
        async fn owner_sessions(&self, owner: &OwnerKey) -> Result<Vec<OwnedSession>, StoreError> {
            self.0.owner_sessions(owner).await
        }

        async fn revoke_owner(&self, owner: &OwnerKey, except: Option<&StoreKey>) -> Result<Option<usize>, StoreError> {
            self.0.revoke_owner(owner, except).await
        }
    };
}

broken_store!(OverwritesOnCreate {
    forward!(load);
    forward!(owners);
    forward!(save);
    forward!(delete);
    forward!(cycle);
    async fn create(&self, key: &StoreKey, record: &Arc<Record>) -> Result<bool, StoreError> {
        self.0.delete(key).await?;
        self.0.create(key, record).await
    }
});

/// Read, modify, write back, with `between` in the middle: the classic lost update.
async fn save_whole_record(
    store: &MemoryStore,
    key: &StoreKey,
    patch: &Patch<'_>,
    between: impl Future<Output = ()>,
) -> Result<bool, StoreError> {
    let Some(record) = store.load(key).await? else { return Ok(false) };
    between.await;
    let mut record = Record::clone(&record);
    record.apply(patch);
    store.delete(key).await?;
    store.create(key, &Arc::new(record)).await
}

broken_store!(SavesWholeRecords {
    forward!(load);
    forward!(owners);
    forward!(create);
    forward!(delete);
    forward!(cycle);
    /// Lets other tasks in between its read and its write.
    async fn save(&self, key: &StoreKey, patch: &Patch<'_>) -> Result<bool, StoreError> {
        save_whole_record(&self.0, key, patch, tokio::task::yield_now()).await
    }
});

broken_store!(SavesWholeRecordsOverABlockingClient {
    forward!(load);
    forward!(owners);
    forward!(create);
    forward!(delete);
    forward!(cycle);
    /// No `.await` between its read and its write could let another task in on this thread: the round
    /// trip of a blocking client, during which requests on other threads go on.
    async fn save(&self, key: &StoreKey, patch: &Patch<'_>) -> Result<bool, StoreError> {
        let blocking_round_trip = async { std::thread::sleep(std::time::Duration::from_millis(1)) };
        save_whole_record(&self.0, key, patch, blocking_round_trip).await
    }
});

broken_store!(ChangesBytesOnLoad {
    forward!(owners);
    forward!(create);
    forward!(save);
    forward!(delete);
    forward!(cycle);
    /// Drops the high bit of every byte of every value: lengths stay as they were.
    async fn load(&self, key: &StoreKey) -> Result<Option<Arc<Record>>, StoreError> {
        Ok(self.0.load(key).await?.map(|record| {
            let mut record = Record::clone(&record);
            for value in record.fields.values_mut() {
                value.iter_mut().for_each(|byte| *byte &= 0x7f);
            }
            Arc::new(record)
        }))
    }
});

broken_store!(SaveResurrects {
    forward!(load);
    forward!(owners);
    forward!(create);
    forward!(delete);
    forward!(cycle);
    async fn save(&self, key: &StoreKey, patch: &Patch<'_>) -> Result<bool, StoreError> {
        if self.0.save(key, patch).await? {
            return Ok(true);
        }
        let mut record = Record { created_at: session_core::store::now_millis(), ..Record::default() };
        record.apply(patch);
        self.0.create(key, &Arc::new(record)).await
    }
});

broken_store!(KeepsItsFirstDeadline {
    forward!(load);
    forward!(owners);
    forward!(create);
    forward!(delete);
    forward!(cycle);
    async fn save(&self, key: &StoreKey, patch: &Patch<'_>) -> Result<bool, StoreError> {
        let Some(record) = self.0.load(key).await? else { return Ok(false) };
        self.0.save(key, &Patch { expires_at: record.expires_at, ..*patch }).await
    }
});

broken_store!(CyclesByCreateThenDelete {
    forward!(load);
    forward!(owners);
    forward!(create);
    forward!(save);
    forward!(delete);
    /// Not atomic and not checked: the old record's end goes unnoticed, and two cycles both succeed.
    async fn cycle(&self, old: &StoreKey, new: &StoreKey, patch: &Patch<'_>) -> Result<bool, StoreError> {
        let mut record = self.0.load(old).await?.map(|record| Record::clone(&record)).unwrap_or_default();
        record.apply(patch);
        if !self.0.create(new, &Arc::new(record)).await? {
            return Ok(false);
        }
        self.0.delete(old).await?;
        Ok(true)
    }
});

broken_store!(IndexForgetsCycledSessions {
    forward!(load);
    forward!(create);
    forward!(save);
    forward!(delete);
    forward!(owners);
    /// Moves the record but files it under nobody, as an index kept beside the store would lose it.
    async fn cycle(&self, old: &StoreKey, new: &StoreKey, patch: &Patch<'_>) -> Result<bool, StoreError> {
        let cleared = Patch { owner: session_core::store::OwnerChange::Clear, ..*patch };
        self.0.cycle(old, new, &cleared).await
    }
});

broken_store!(CycleKeepsAClearedOwner {
    forward!(load);
    forward!(create);
    forward!(save);
    forward!(delete);
    forward!(owners);
    /// A sign-out that moves the session to a new id leaves it listed under its former owner.
    async fn cycle(&self, old: &StoreKey, new: &StoreKey, patch: &Patch<'_>) -> Result<bool, StoreError> {
        let owner = match patch.owner {
            session_core::store::OwnerChange::Clear => session_core::store::OwnerChange::Keep,
            change => change,
        };
        self.0.cycle(old, new, &Patch { owner, ..*patch }).await
    }
});

#[test]
fn the_suite_rejects_a_store_whose_cycle_keeps_a_cleared_owner() {
    let message = rejection(CycleKeepsAClearedOwner::default);
    assert!(message.contains("`cycle_keeps_the_owners_list_right`"), "{message}");
}

#[test]
fn the_suite_rejects_a_store_whose_index_loses_cycled_sessions() {
    let message = rejection(IndexForgetsCycledSessions::default);
    assert!(message.contains("`cycle_keeps_the_owners_list_right`"), "{message}");
}

#[test]
fn the_suite_rejects_a_store_whose_cycle_brings_back_an_ended_session() {
    let message = rejection(CyclesByCreateThenDelete::default);
    assert!(message.contains("`cycle_refuses_an_ended_record`"), "{message}");
}

#[test]
fn the_suite_rejects_a_store_whose_create_overwrites() {
    assert!(rejection(OverwritesOnCreate::default).contains("`create_refuses_a_live_key`"));
}

#[test]
fn the_suite_rejects_a_store_that_loses_concurrent_updates() {
    let message = rejection(SavesWholeRecords::default);
    assert!(message.contains("`concurrent_saves_of_different_fields_all_survive`"), "{message}");
}

/// A store whose read and write back have no `.await` between them loses updates only when requests run
/// on several threads at once, as in an app: the suite runs its concurrent cases so, and refuses a runtime
/// of one thread, on which such a store would pass.
#[test]
fn the_suite_rejects_a_store_that_loses_updates_between_threads_and_needs_threads_to_see_it() {
    let message = rejection(SavesWholeRecordsOverABlockingClient::default);
    assert!(message.contains("`concurrent_saves_of_different_fields_all_survive`"), "{message}");

    let outcome = std::thread::spawn(|| {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(conformance::run(|| async { MemoryStore::default() }));
    })
    .join();
    let panic = outcome.expect_err("the suite ran on one thread");
    let message = panic.downcast_ref::<&str>().copied().unwrap_or_default();
    assert!(message.contains("needs a multi-thread runtime"), "{message}");
    assert!(message.contains("`#[tokio::test(flavor = \"multi_thread\")]`"), "{message}");
}

/// A record that loads with other bytes than were stored is reported field by field, with the bytes:
/// `Record`'s own `Debug` shows only sizes, which are the same.
#[test]
fn the_suite_names_the_field_a_store_changed_and_its_bytes() {
    let message = rejection(ChangesBytesOnLoad::default);
    assert!(message.contains("`a_created_record_loads_as_stored`"), "{message}");
    assert!(message.contains("field `bytes` differs from byte 128 on: b\"\\x00\\x01"), "{message}");
    assert!(message.contains("where b\"\\x80\\x81"), "{message}");
}

#[test]
fn the_suite_rejects_a_store_whose_save_resurrects_records() {
    assert!(rejection(SaveResurrects::default).contains("`save_never_resurrects_a_record`"));
}

#[test]
fn the_suite_rejects_a_store_that_ignores_new_deadlines() {
    assert!(rejection(KeepsItsFirstDeadline::default).contains("`save_changes_only_the_fields_it_names`"));
}
