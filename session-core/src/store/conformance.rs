//! The conformance suite: the cases every [`SessionStore`] must pass (feature `conformance`).
//!
//! It checks the contract the session layer relies on, one case at a time, each on a fresh store from
//! your factory: records load as stored (binary values and every time exact); `create` refuses a live key;
//! `save` is field-level, atomic and never resurrects an ended record; `delete` does what it says; `cycle`
//! moves a live record with its patch, and refuses, changing nothing, when the old record has ended or the
//! new key is taken, so two concurrent cycles of one session leave one session; records end at their
//! deadline, whether `save` moved it on (idle timeout) or not (absolute timeout); 100 concurrent saves of
//! different fields all survive, and concurrent saves of one field leave one of the written values. The
//! owner index lists an owner's live sessions with their times, follows a record through `save`, `cycle`,
//! `delete` and expiry, and `revoke_owner` ends all but the one kept, atomically against sessions that
//! keep cycling and saving meanwhile, and none while the one to keep has moved to a new key or ended.
//! Given a way to take the store down ([`Suite::with_outages`]), it also checks that every operation fails
//! promptly during an outage, that nothing attempted then is applied, and that the store works again, data
//! intact, once it is back.
//!
//! Run it from a test of your store:
//!
//! ```no_run
//! use session_core::{store::conformance, MemoryStore};
//!
//! #[tokio::test(flavor = "multi_thread")]
//! async fn my_store_conforms() {
//!     conformance::run(|| async { MemoryStore::default() }).await;
//! }
//! ```
//!
//! A failing case panics with its name and the broken expectation. Cases wait for deadlines in real time:
//! the whole suite takes a few seconds. It needs a multi-thread runtime, as above: on tokio's default
//! test runtime, one thread, its concurrent cases would not run in parallel, and it says so.

use std::{
    collections::HashMap,
    future::Future,
    panic::{catch_unwind, AssertUnwindSafe},
    pin::Pin,
    sync::{Arc, LazyLock},
    task::{Context, Poll},
    time::Duration,
};

use tokio::{task::JoinSet, time::timeout};

mod owner;

use super::{now_millis, OwnerChange, OwnerKey, Patch, Record, SessionStore};
use crate::{id::StoreKey, SessionId, StoreError};

/// How long one operation may take while the store is down before the suite calls it a hang.
pub const OUTAGE_BOUND: Duration = Duration::from_secs(5);

/// Runs every case against stores made by `new_store`, which is called once per case.
///
/// Panics with the name of the first case that fails.
pub async fn run<S: SessionStore>(new_store: impl AsyncFnMut() -> S) {
    Suite::new(new_store).run().await;
}

/// Whether a store is being taken down or brought back, for [`Suite::with_outages`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outage {
    /// Make the store unreachable: every operation must fail (promptly) until [`Outage::End`].
    Begin,
    /// Bring it back, with the data it had acknowledged.
    End,
}

/// Takes a store down and brings it back: see [`Suite::with_outages`].
type OutageSwitch<'a, S> = Box<dyn FnMut(&S, Outage) + Send + 'a>;

/// The suite, with its options. [`run`] is `Suite::new(new_store).run()`.
///
/// ```no_run
/// # async fn example() {
/// use session_core::store::conformance::{Outage, Suite};
/// # #[derive(Clone)] struct Switch;
/// # impl Switch { fn set_down(&self, _: bool) {} }
/// # let new_store = || async { session_core::MemoryStore::default() };
/// # let switch = Switch;
///
/// Suite::new(new_store)
///     .with_outages(|_store, outage| switch.set_down(outage == Outage::Begin))
///     .run()
///     .await;
/// # }
/// ```
pub struct Suite<'a, S, F> {
    new_store: F,
    outages: Option<OutageSwitch<'a, S>>,
    passed: usize,
}

impl<S, F> std::fmt::Debug for Suite<'_, S, F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Suite").field("outages", &self.outages.is_some()).finish_non_exhaustive()
    }
}

impl<'a, S: SessionStore, F: AsyncFnMut() -> S> Suite<'a, S, F> {
    /// The suite over stores made by `new_store`, called once per case.
    pub fn new(new_store: F) -> Self {
        Suite { new_store, outages: None, passed: 0 }
    }

    /// Adds the outage cases: `switch(store, Outage::Begin)` must make the store unreachable (stop the
    /// server, cut the connection) and `switch(store, Outage::End)` bring it back with its data.
    pub fn with_outages(mut self, switch: impl FnMut(&S, Outage) + Send + 'a) -> Self {
        self.outages = Some(Box::new(switch));
        self
    }

    /// Runs every case, each on a fresh store. Panics with the name of the first case that fails.
    ///
    /// Needs a multi-thread runtime (`#[tokio::test(flavor = "multi_thread")]`): its concurrent cases must
    /// run on several threads at once, as an app's requests do, or a store that reads and writes back
    /// without an `.await` in between would pass them and still lose updates in the app.
    pub async fn run(mut self) {
        assert!(
            tokio::runtime::Handle::current().runtime_flavor() != tokio::runtime::RuntimeFlavor::CurrentThread,
            "the store conformance suite needs a multi-thread runtime: its concurrent cases must run in \
             parallel, as an app's requests do, to catch lost updates. Run it from \
             `#[tokio::test(flavor = \"multi_thread\")]`"
        );
        self.case("unknown_keys_load_as_none", unknown_keys_load_as_none).await;
        self.case("a_created_record_loads_as_stored", a_created_record_loads_as_stored).await;
        self.case("a_record_without_fields_loads_as_stored", a_record_without_fields_loads_as_stored).await;
        self.case("create_refuses_a_live_key", create_refuses_a_live_key).await;
        self.case("create_takes_an_expired_key", create_takes_an_expired_key).await;
        self.case("save_changes_only_the_fields_it_names", save_changes_only_the_fields_it_names).await;
        self.case("save_without_changes_moves_the_deadline", save_without_changes_moves_the_deadline).await;
        self.case("save_never_resurrects_a_record", save_never_resurrects_a_record).await;
        self.case("delete_removes_only_its_record", delete_removes_only_its_record).await;
        self.case("records_end_at_the_idle_deadline", records_end_at_the_idle_deadline).await;
        self.case("records_end_at_the_absolute_deadline", records_end_at_the_absolute_deadline).await;
        self.case("a_deadline_only_moves_later", a_deadline_only_moves_later).await;
        self.case("a_replaced_deadline_moves_earlier", a_replaced_deadline_moves_earlier).await;
        self.case("a_record_without_deadline_stays", a_record_without_deadline_stays).await;
        self.case("cycle_moves_the_record_and_keeps_its_data", cycle_moves_the_record_and_keeps_its_data).await;
        self.case("a_patch_with_a_creation_time_sets_it", a_patch_with_a_creation_time_sets_it).await;
        self.case("cycle_refuses_a_taken_key", cycle_refuses_a_taken_key).await;
        self.case("cycle_refuses_an_ended_record", cycle_refuses_an_ended_record).await;
        self.case("cycle_takes_a_key_whose_record_ended", cycle_takes_a_key_whose_record_ended).await;
        self.case(
            "concurrent_cycles_of_one_session_leave_one_session",
            concurrent_cycles_of_one_session_leave_one_session,
        )
        .await;
        self.case("concurrent_saves_of_different_fields_all_survive", concurrent_saves_of_different_fields_all_survive)
            .await;
        self.case("concurrent_saves_of_one_field_leave_one_value", concurrent_saves_of_one_field_leave_one_value).await;
        self.case(
            "an_owners_live_sessions_are_listed_with_their_times",
            owner::an_owners_live_sessions_are_listed_with_their_times,
        )
        .await;
        self.case("save_changes_the_owner_and_keep_leaves_it", owner::save_changes_the_owner_and_keep_leaves_it).await;
        self.case("cycle_keeps_the_owners_list_right", owner::cycle_keeps_the_owners_list_right).await;
        self.case(
            "a_save_that_moves_the_deadline_keeps_the_session_listed",
            owner::a_save_that_moves_the_deadline_keeps_the_session_listed,
        )
        .await;
        self.case("adopt_indexes_only_a_record_without_an_owner", owner::adopt_indexes_only_a_record_without_an_owner)
            .await;
        self.case("delete_and_expiry_remove_entries", owner::delete_and_expiry_remove_entries).await;
        self.case("revoke_ends_every_session_but_the_one_kept", owner::revoke_ends_every_session_but_the_one_kept)
            .await;
        self.case("revoke_is_atomic_against_concurrent_writes", owner::revoke_is_atomic_against_concurrent_writes)
            .await;
        self.case(
            "revoke_keeping_a_session_that_moved_or_ended_deletes_nothing",
            owner::revoke_keeping_a_session_that_moved_or_ended_deletes_nothing,
        )
        .await;
        if let Some(mut switch) = self.outages.take() {
            let store = (self.new_store)().await;
            let case = an_outage_fails_promptly_and_loses_nothing(store, &mut *switch);
            check("an_outage_fails_promptly_and_loses_nothing", case).await;
            self.passed += 1;
        }
        println!("store conformance: all {} cases passed", self.passed);
    }

    async fn case<Fut: Future<Output = ()>>(&mut self, name: &str, case: impl FnOnce(S) -> Fut) {
        let store = (self.new_store)().await;
        check(name, case(store)).await;
        self.passed += 1;
    }
}

/// Runs one case, turning its panic into one that names it.
async fn check(name: &str, case: impl Future<Output = ()>) {
    match CatchUnwind(Box::pin(case)).await {
        Ok(()) => println!("store conformance: {name} ... ok"),
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("(no message)");
            panic!("store conformance case `{name}` failed: {message}");
        }
    }
}

/// A future that catches a panic of the future it wraps, so the suite can say which case it came from.
struct CatchUnwind<F>(Pin<Box<F>>);

impl<F: Future> Future for CatchUnwind<F> {
    type Output = std::thread::Result<F::Output>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match catch_unwind(AssertUnwindSafe(|| self.0.as_mut().poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(output)) => Poll::Ready(Ok(output)),
            Err(panic) => Poll::Ready(Err(panic)),
        }
    }
}

fn new_key() -> StoreKey {
    SessionId::generate().store_key()
}

/// A record created now, ending `lifetime` from now, with `fields`.
fn record(fields: &[(&str, &[u8])], lifetime: Duration) -> Arc<Record> {
    let now = now_millis();
    Arc::new(Record {
        fields: fields.iter().map(|(name, value)| ((*name).to_owned(), value.to_vec())).collect(),
        created_at: now,
        last_seen: now,
        expires_at: now + millis(lifetime),
        owner: None,
    })
}

/// A patch of `changes` made now, moving the deadline to `expires_at`.
fn patch<'a>(changes: &'a [(&'static str, Option<Vec<u8>>)], expires_at: u64) -> Patch<'a> {
    Patch {
        changes,
        last_seen: now_millis(),
        expires_at,
        owner: OwnerChange::Keep,
        replaces_deadline: false,
        created_at: None,
    }
}

/// `record` as it reads after `patch`.
fn patched(record: &Record, patch: &Patch<'_>) -> Arc<Record> {
    let mut record = record.clone();
    record.apply(patch);
    Arc::new(record)
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// Sleeps until the clock of [`Record`] deadlines has passed `deadline`.
async fn sleep_past(deadline: u64) {
    let now = now_millis();
    if deadline >= now {
        tokio::time::sleep(Duration::from_millis(deadline - now + 20)).await;
    }
}

/// Panics with `what` and every way `found` differs from `expected`, if it does: field by field, with the
/// bytes, and time by time. (`Record`'s `Debug` shows fields' sizes, not their values, so two records of
/// the same sizes would print alike; the suite's values are no secret.)
fn assert_same_record(found: Option<Arc<Record>>, expected: &Record, what: &str) {
    let Some(found) = found else { panic!("{what}: no record loaded") };
    let mut differences = Vec::new();
    let mut names: Vec<&String> = expected.fields.keys().chain(found.fields.keys()).collect();
    names.sort();
    names.dedup();
    for name in names {
        match (expected.fields.get(name), found.fields.get(name)) {
            (Some(_), None) => differences.push(format!("field `{name}` is missing")),
            (None, Some(value)) => differences.push(format!("field `{name}` = {} was not expected", shown(value))),
            (Some(stored), Some(value)) if stored != value => {
                let from = stored.iter().zip(value).take_while(|(stored, found)| stored == found).count();
                let lengths = if stored.len() == value.len() {
                    String::new()
                } else {
                    format!(" ({} bytes where {} were expected)", value.len(), stored.len())
                };
                differences.push(format!(
                    "field `{name}` differs from byte {from} on: {} where {} was expected{lengths}",
                    shown(&value[from..]),
                    shown(&stored[from..]),
                ));
            }
            _ => {}
        }
    }
    for (time, expected, found) in [
        ("created_at", expected.created_at, found.created_at),
        ("last_seen", expected.last_seen, found.last_seen),
        ("expires_at", expected.expires_at, found.expires_at),
    ] {
        if expected != found {
            let (by, way) = if found > expected { (found - expected, "later") } else { (expected - found, "earlier") };
            differences.push(format!("`{time}` is {found}, {by} ms {way} than the expected {expected}"));
        }
    }
    if expected.owner != found.owner {
        differences.push(format!("the owner is {:?} where {:?} was expected", found.owner, expected.owner));
    }
    assert!(differences.is_empty(), "{what}: {}", differences.join("; "));
}

/// Bytes of a field for a message: as escaped text, cut short past 40 bytes.
fn shown(bytes: &[u8]) -> String {
    let text: String = bytes.iter().take(40).flat_map(|byte| byte.escape_ascii()).map(char::from).collect();
    let more = if bytes.len() > 40 { format!("... ({} bytes)", bytes.len()) } else { String::new() };
    format!("b\"{text}{more}\"")
}

/// Unwraps a store result, naming the operation that failed.
fn ok<T>(operation: &str, result: Result<T, StoreError>) -> T {
    result.unwrap_or_else(|error| panic!("{operation} failed: {error}"))
}

const LONG: Duration = Duration::from_secs(3600);

async fn unknown_keys_load_as_none<S: SessionStore>(store: S) {
    assert_eq!(ok("load", store.load(&new_key()).await), None);
}

async fn a_created_record_loads_as_stored<S: SessionStore>(store: S) {
    let every_byte: Vec<u8> = (0..=255).collect();
    let large = vec![b'x'; 64 * 1024];
    // Names a store might use for its own bookkeeping, and one that is not ASCII.
    let mut stored = Record::clone(&record(
        &[("c", b"1"), ("e", b"2"), ("s", b"3"), ("f:c", b"4"), ("user_id", b"42"), ("\u{e9}t\u{e9}", b"\"summer\"")],
        LONG,
    ));
    stored.fields.insert("bytes".to_owned(), every_byte);
    stored.fields.insert("empty".to_owned(), Vec::new());
    stored.fields.insert("large".to_owned(), large);
    // Three distinct times, so a store that mixes them up is caught.
    stored.created_at -= 2_000;
    stored.last_seen -= 1_000;
    let stored = Arc::new(stored);
    let key = new_key();
    assert!(ok("create", store.create(&key, &stored).await), "create on a new key returned false");
    assert_same_record(ok("load", store.load(&key).await), &stored, "the record did not load as stored");
}

/// The layer's marker of a moved id is such a record.
async fn a_record_without_fields_loads_as_stored<S: SessionStore>(store: S) {
    let (key, empty) = (new_key(), record(&[], Duration::from_secs(60)));
    assert!(ok("create", store.create(&key, &empty).await), "create of a record without fields returned false");
    assert_same_record(ok("load", store.load(&key).await), &empty, "a record without fields did not load as stored");
}

async fn create_refuses_a_live_key<S: SessionStore>(store: S) {
    let key = new_key();
    let first = record(&[("user_id", b"1")], LONG);
    assert!(ok("create", store.create(&key, &first).await));
    // Created, it says, a day on, past the first one's deadline: the store judges the first by its clock.
    let second = Arc::new(Record {
        created_at: first.created_at + 86_400_000,
        ..Record::clone(&record(&[("roles", b"[\"admin\"]")], LONG * 48))
    });
    assert!(!ok("create", store.create(&key, &second).await), "create over a live record returned true");
    assert_same_record(ok("load", store.load(&key).await), &first, "create over a live record changed it");
}

async fn create_takes_an_expired_key<S: SessionStore>(store: S) {
    let key = new_key();
    let old = record(&[("user_id", b"1")], Duration::from_millis(100));
    assert!(ok("create", store.create(&key, &old).await));
    sleep_past(old.expires_at).await;
    let new = record(&[("cart", b"[]")], LONG);
    assert!(ok("create", store.create(&key, &new).await), "an expired record blocked create");
    assert_same_record(ok("load", store.load(&key).await), &new, "fields of the expired record survived");
}

async fn save_changes_only_the_fields_it_names<S: SessionStore>(store: S) {
    let key = new_key();
    let created = record(&[("a", b"1"), ("b", b"2"), ("c", b"3")], LONG);
    assert!(ok("create", store.create(&key, &created).await));
    let changes = [("a", Some(b"10".to_vec())), ("b", None), ("d", Some(b"4".to_vec())), ("absent", None)];
    let patch = Patch {
        changes: &changes,
        last_seen: created.last_seen + 500,
        expires_at: created.expires_at + 1000,
        owner: OwnerChange::Keep,
        replaces_deadline: false,
        created_at: None,
    };
    assert!(ok("save", store.save(&key, &patch).await), "save on a live record returned false");
    let expected = patched(&created, &patch);
    assert_same_record(ok("load", store.load(&key).await), &expected, "save did not apply exactly its patch");
}

async fn save_without_changes_moves_the_deadline<S: SessionStore>(store: S) {
    let key = new_key();
    let created = record(&[("a", b"1")], LONG);
    assert!(ok("create", store.create(&key, &created).await));
    let patch = Patch {
        changes: &[],
        last_seen: created.last_seen + 500,
        expires_at: created.expires_at + 60_000,
        owner: OwnerChange::Keep,
        replaces_deadline: false,
        created_at: None,
    };
    assert!(ok("save", store.save(&key, &patch).await));
    let expected = patched(&created, &patch);
    assert_same_record(ok("load", store.load(&key).await), &expected, "an empty patch did not move the times");
}

async fn save_never_resurrects_a_record<S: SessionStore>(store: S) {
    let changes = [("a", Some(b"1".to_vec()))];
    let patch = patch(&changes, now_millis() + millis(LONG));
    let unknown = new_key();
    assert!(!ok("save", store.save(&unknown, &patch).await), "save on an unknown key returned true");
    assert_eq!(ok("load", store.load(&unknown).await), None, "save created a record");

    let deleted = new_key();
    assert!(ok("create", store.create(&deleted, &record(&[("b", b"2")], LONG)).await));
    ok("delete", store.delete(&deleted).await);
    assert!(!ok("save", store.save(&deleted, &patch).await), "save on a deleted record returned true");
    assert_eq!(ok("load", store.load(&deleted).await), None, "save brought a deleted record back");

    let expired = new_key();
    let short = record(&[("b", b"2")], Duration::from_millis(100));
    assert!(ok("create", store.create(&expired, &short).await));
    sleep_past(short.expires_at).await;
    assert!(!ok("save", store.save(&expired, &patch).await), "save on an expired record returned true");
    assert_eq!(ok("load", store.load(&expired).await), None, "save brought an expired record back");
}

async fn delete_removes_only_its_record<S: SessionStore>(store: S) {
    let (doomed, kept) = (new_key(), new_key());
    let kept_record = record(&[("a", b"1")], LONG);
    assert!(ok("create", store.create(&doomed, &record(&[("a", b"1")], LONG)).await));
    assert!(ok("create", store.create(&kept, &kept_record).await));
    assert!(ok("delete", store.delete(&doomed).await), "delete of a live record returned false");
    assert_eq!(ok("load", store.load(&doomed).await), None, "a deleted record still loads");
    assert_same_record(ok("load", store.load(&kept).await), &kept_record, "delete touched another record");
    // False for nothing there: the layer then looks whether a cycle moved the session away.
    assert!(!ok("delete of a deleted key", store.delete(&doomed).await), "delete of a deleted key returned true");
    assert!(!ok("delete of an unknown key", store.delete(&new_key()).await), "delete of an unknown key returned true");
    let moved = new_key();
    let moving = record(&[("a", b"1")], LONG);
    assert!(ok("create", store.create(&moved, &moving).await));
    assert!(ok("cycle", store.cycle(&moved, &new_key(), &patch(&[], moving.expires_at)).await));
    assert!(!ok("delete of a moved key", store.delete(&moved).await), "delete of a moved key returned true");
}

/// The idle timeout: each request that saves pushes the deadline back, so a busy session outlives its
/// first deadline, and ends at its last one.
async fn records_end_at_the_idle_deadline<S: SessionStore>(store: S) {
    let key = new_key();
    let created = record(&[("a", b"1")], Duration::from_millis(600));
    assert!(ok("create", store.create(&key, &created).await));
    let pushed_back = created.expires_at + 900;
    assert!(ok("save", store.save(&key, &patch(&[], pushed_back)).await));
    sleep_past(created.expires_at).await;
    assert!(ok("load", store.load(&key).await).is_some(), "the record ended at its old deadline after a save moved it");
    sleep_past(pushed_back).await;
    assert_eq!(ok("load", store.load(&key).await), None, "the record outlived its deadline");
}

/// The absolute timeout: a save that changes fields but leaves the deadline where it was (the layer caps
/// it at created + absolute timeout) does not extend the session.
async fn records_end_at_the_absolute_deadline<S: SessionStore>(store: S) {
    let key = new_key();
    let created = record(&[("a", b"1")], Duration::from_millis(600));
    assert!(ok("create", store.create(&key, &created).await));
    let changes = [("a", Some(b"2".to_vec()))];
    assert!(ok("save", store.save(&key, &patch(&changes, created.expires_at)).await));
    sleep_past(created.expires_at).await;
    assert_eq!(ok("load", store.load(&key).await), None, "a save without a new deadline extended the record");
}

/// A request that loaded the session before another lengthened its lifetime (`remember_for`) saves with
/// the deadline it worked out then: the store keeps the later one, for a save and a cycle alike, and the
/// record still ends at it.
async fn a_deadline_only_moves_later<S: SessionStore>(store: S) {
    let (key, moved) = (new_key(), new_key());
    let created = record(&[("a", b"1")], Duration::from_millis(600));
    assert!(ok("create", store.create(&key, &created).await));
    let lengthened = created.expires_at + 900;
    assert!(ok("save", store.save(&key, &patch(&[("b", Some(b"1".to_vec()))], lengthened)).await));
    let changes = [("a", Some(b"2".to_vec()))];
    assert!(ok("save", store.save(&key, &patch(&changes, created.expires_at)).await));
    let saved = ok("load", store.load(&key).await).expect("the saved record loads");
    assert_eq!(saved.expires_at, lengthened, "a save moved the deadline earlier");
    assert_eq!(saved.fields.get("a").map(Vec::as_slice), Some(&b"2"[..]), "the save's change was not applied");
    assert!(ok("cycle", store.cycle(&key, &moved, &patch(&[], created.expires_at)).await));
    let cycled = ok("load", store.load(&moved).await).expect("the cycled record loads");
    assert_eq!(cycled.expires_at, lengthened, "a cycle moved the deadline earlier");
    sleep_past(created.expires_at).await;
    assert!(ok("load", store.load(&moved).await).is_some(), "the record ended at the earlier deadline");
    sleep_past(lengthened).await;
    assert_eq!(ok("load", store.load(&moved).await), None, "the record outlived its later deadline");
}

/// A request that shortens the session's own lifetime (`remember_for` a shorter time, or not at all)
/// replaces the deadline, for a save and a cycle alike, and the record ends at the earlier one.
async fn a_replaced_deadline_moves_earlier<S: SessionStore>(store: S) {
    let (key, moved) = (new_key(), new_key());
    let created = record(&[("a", b"1")], LONG);
    assert!(ok("create", store.create(&key, &created).await));
    let earlier = now_millis() + 4000;
    let replacing = |changes, expires_at| Patch { replaces_deadline: true, ..patch(changes, expires_at) };
    assert!(ok("save", store.save(&key, &replacing(&[("b", None)], earlier)).await));
    let saved = ok("load", store.load(&key).await).expect("the saved record loads");
    assert_eq!(saved.expires_at, earlier, "a save that replaces the deadline kept the later one");
    let earliest = earlier - 2000;
    assert!(ok("cycle", store.cycle(&key, &moved, &replacing(&[], earliest)).await));
    let cycled = ok("load", store.load(&moved).await).expect("the cycled record loads");
    assert_eq!(cycled.expires_at, earliest, "a cycle that replaces the deadline kept the later one");
    sleep_past(earliest).await;
    assert_eq!(ok("load", store.load(&moved).await), None, "the record outlived its replaced deadline");
}

/// `with_idle_timeout(Duration::MAX)` and the like give deadlines up to `u64::MAX`.
async fn a_record_without_deadline_stays<S: SessionStore>(store: S) {
    for expires_at in [u64::MAX, u64::from(u32::MAX) * 1000 * 100] {
        let key = new_key();
        let stored = Arc::new(Record { expires_at, ..Record::clone(&record(&[("a", b"1")], LONG)) });
        assert!(ok("create", store.create(&key, &stored).await), "create with deadline {expires_at} returned false");
        assert_same_record(ok("load", store.load(&key).await), &stored, &format!("deadline {expires_at}"));
        let changes = [("b", Some(b"2".to_vec()))];
        let patch = patch(&changes, expires_at);
        assert!(ok("save", store.save(&key, &patch).await));
        assert_same_record(
            ok("load", store.load(&key).await),
            &patched(&stored, &patch),
            &format!("deadline {expires_at} after a save"),
        );
    }
}

async fn cycle_moves_the_record_and_keeps_its_data<S: SessionStore>(store: S) {
    let (old, new) = (new_key(), new_key());
    let before = record(&[("user_id", b"7"), ("cart", b"[1,2]")], LONG);
    assert!(ok("create", store.create(&old, &before).await));
    // The layer cycles with the request's changes, as a save would apply them.
    let changes = [("roles", Some(b"[\"admin\"]".to_vec())), ("cart", None)];
    let patch = Patch {
        changes: &changes,
        last_seen: before.last_seen + 500,
        expires_at: before.expires_at + 1000,
        owner: OwnerChange::Keep,
        replaces_deadline: false,
        created_at: None,
    };
    assert!(ok("cycle", store.cycle(&old, &new, &patch).await), "cycle of a live record to a free key returned false");
    let after = patched(&before, &patch);
    assert_same_record(ok("load", store.load(&new).await), &after, "the record did not move with exactly its patch");
    assert_eq!(ok("load", store.load(&old).await), None, "the old key still loads after cycle");
}

/// A sign-in restarts the record's creation time, in a save or a cycle, whatever the patch does to the
/// owner (each change of owner takes its own statement or script in some stores).
async fn a_patch_with_a_creation_time_sets_it<S: SessionStore>(store: S) {
    let owner = OwnerKey::of(new_key().as_bytes());
    for change in [OwnerChange::Keep, OwnerChange::Set(owner), OwnerChange::Clear, OwnerChange::Adopt(owner)] {
        let (old, new) = (new_key(), new_key());
        let before = record(&[("user_id", b"7")], LONG);
        assert!(ok("create", store.create(&old, &before).await));
        let changes = [("roles", Some(b"[]".to_vec()))];
        let restarted = Patch {
            owner: change,
            created_at: Some(before.created_at + 250),
            ..patch(&changes, before.expires_at + 1000)
        };
        assert!(ok("save", store.save(&old, &restarted).await));
        let created_at = |record: Option<Arc<Record>>| record.map(|record| record.created_at);
        let saved = created_at(ok("load", store.load(&old).await));
        assert_eq!(saved, Some(before.created_at + 250), "the creation time after a save with {change:?} and one");
        let restarted = Patch { created_at: Some(before.created_at + 500), ..restarted };
        assert!(ok("cycle", store.cycle(&old, &new, &restarted).await));
        let cycled = created_at(ok("load", store.load(&new).await));
        assert_eq!(cycled, Some(before.created_at + 500), "the creation time after a cycle with {change:?} and one");
    }
}

async fn cycle_refuses_a_taken_key<S: SessionStore>(store: S) {
    let (old, taken) = (new_key(), new_key());
    let mine = record(&[("user_id", b"7")], LONG);
    let theirs = record(&[("user_id", b"8")], LONG);
    assert!(ok("create", store.create(&old, &mine).await));
    assert!(ok("create", store.create(&taken, &theirs).await));
    let changes = [("roles", Some(b"[]".to_vec()))];
    assert!(
        !ok("cycle", store.cycle(&old, &taken, &patch(&changes, mine.expires_at)).await),
        "cycle onto a live key returned true"
    );
    assert_same_record(ok("load", store.load(&taken).await), &theirs, "cycle overwrote a live record");
    assert_same_record(ok("load", store.load(&old).await), &mine, "a refused cycle changed the session");
}

/// A logout (delete) or the end of the session between a request's load and its cycle: the cycle must not
/// bring the session back under a new id.
async fn cycle_refuses_an_ended_record<S: SessionStore>(store: S) {
    let changes = [("user_id", Some(b"7".to_vec()))];
    let patch = patch(&changes, now_millis() + millis(LONG));

    let deleted = new_key();
    assert!(ok("create", store.create(&deleted, &record(&[("user_id", b"7")], LONG)).await));
    ok("delete", store.delete(&deleted).await);
    let new = new_key();
    assert!(!ok("cycle", store.cycle(&deleted, &new, &patch).await), "cycle of a deleted record returned true");
    assert_eq!(ok("load", store.load(&new).await), None, "cycle brought a deleted session back under a new id");

    let expired = new_key();
    let short = record(&[("user_id", b"7")], Duration::from_millis(100));
    assert!(ok("create", store.create(&expired, &short).await));
    sleep_past(short.expires_at).await;
    let new = new_key();
    assert!(!ok("cycle", store.cycle(&expired, &new, &patch).await), "cycle of an expired record returned true");
    assert_eq!(ok("load", store.load(&new).await), None, "cycle brought an expired session back under a new id");

    let new = new_key();
    assert!(!ok("cycle", store.cycle(&new_key(), &new, &patch).await), "cycle of an unknown key returned true");
    assert_eq!(ok("load", store.load(&new).await), None, "cycle of an unknown key created a record");
}

/// A new key whose record has ended (expired, not yet reclaimed) is free: the cycle replaces that record
/// whole, and nothing of it is left beside the moved session.
async fn cycle_takes_a_key_whose_record_ended<S: SessionStore>(store: S) {
    let (old, ended) = (new_key(), new_key());
    let live = record(&[("user_id", b"7")], LONG);
    let short = record(&[("cart", b"[1]")], Duration::from_millis(100));
    assert!(ok("create", store.create(&old, &live).await));
    assert!(ok("create", store.create(&ended, &short).await));
    sleep_past(short.expires_at).await;
    let changes = [("roles", Some(b"[]".to_vec()))];
    let patch = patch(&changes, now_millis() + millis(LONG));
    assert!(ok("cycle", store.cycle(&old, &ended, &patch).await), "an ended record kept its key from a cycle");
    let expected = patched(&live, &patch);
    assert_same_record(ok("load", store.load(&ended).await), &expected, "something of the ended record is left");
    assert_eq!(ok("load", store.load(&old).await), None, "the old key still loads after cycle");
}

/// Two requests of one visitor that both cycle the session (two logins at once): one moves it, the other
/// finds it gone, and exactly one session holds the data afterwards.
async fn concurrent_cycles_of_one_session_leave_one_session<S: SessionStore>(store: S) {
    let old = new_key();
    let created = record(&[("user_id", b"7")], LONG);
    assert!(ok("create", store.create(&old, &created).await));
    let expires_at = created.expires_at;
    let targets: Vec<StoreKey> = (0..20).map(|_| new_key()).collect();
    let mut cycles = JoinSet::new();
    for target in targets.clone() {
        let store = store.clone();
        cycles.spawn(async move {
            let changes = [("roles", Some(b"[]".to_vec()))];
            store.cycle(&old, &target, &patch(&changes, expires_at)).await
        });
    }
    let mut moved = 0;
    while let Some(cycled) = cycles.join_next().await {
        moved += usize::from(ok("cycle", cycled.expect("a cycle task panicked")));
    }
    assert_eq!(moved, 1, "{moved} concurrent cycles of one session reported success");
    let mut live = 0;
    for target in &targets {
        live += usize::from(ok("load", store.load(target).await).is_some());
    }
    assert_eq!(live, 1, "concurrent cycles left {live} live copies of one session");
    assert_eq!(ok("load", store.load(&old).await), None, "the old key still loads after the cycles");
}

/// Field names for the concurrency cases, `f00` to `f99`. Patches borrow `&'static str`s, as the derive's
/// keys are, so these are leaked, once.
static FIELDS: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| (0..100).map(|i| &*Box::leak(format!("f{i:02}").into_boxed_str())).collect());

async fn concurrent_saves_of_different_fields_all_survive<S: SessionStore>(store: S) {
    let key = new_key();
    let created = record(&[("kept", b"1")], LONG);
    assert!(ok("create", store.create(&key, &created).await));
    let expires_at = created.expires_at;
    let mut saves = JoinSet::new();
    for (i, field) in FIELDS.iter().enumerate() {
        let store = store.clone();
        saves.spawn(async move {
            let changes = [(*field, Some(i.to_string().into_bytes()))];
            store.save(&key, &patch(&changes, expires_at)).await
        });
    }
    while let Some(saved) = saves.join_next().await {
        assert!(ok("save", saved.expect("a save task panicked")), "a concurrent save returned false");
    }
    let loaded = ok("load", store.load(&key).await).expect("the record vanished under concurrent saves");
    let lost: Vec<_> = FIELDS
        .iter()
        .enumerate()
        .filter(|(i, field)| loaded.fields.get(**field) != Some(&i.to_string().into_bytes()))
        .map(|(_, field)| *field)
        .collect();
    assert!(lost.is_empty(), "concurrent saves lost the updates to {lost:?}");
    assert_eq!(loaded.fields.get("kept").map(Vec::as_slice), Some(&b"1"[..]), "a field no save named was lost");
    assert_eq!(loaded.fields.len(), 101);
}

async fn concurrent_saves_of_one_field_leave_one_value<S: SessionStore>(store: S) {
    let key = new_key();
    let created = record(&[("kept", b"1")], LONG);
    assert!(ok("create", store.create(&key, &created).await));
    let expires_at = created.expires_at;
    let mut saves = JoinSet::new();
    for i in 0..100 {
        let store = store.clone();
        saves.spawn(async move {
            // Values of different lengths, so a torn write could not pass for one of them.
            let changes = [("cart", Some(format!("[{}]", "7,".repeat(i)).into_bytes()))];
            store.save(&key, &patch(&changes, expires_at + i as u64)).await
        });
    }
    while let Some(saved) = saves.join_next().await {
        assert!(ok("save", saved.expect("a save task panicked")), "a concurrent save returned false");
    }
    let loaded = ok("load", store.load(&key).await).expect("the record vanished under concurrent saves");
    let written: HashMap<Vec<u8>, u64> =
        (0..100).map(|i| (format!("[{}]", "7,".repeat(i)).into_bytes(), created.expires_at + i as u64)).collect();
    let cart = loaded.fields.get("cart").expect("every save set the field, yet it is missing");
    assert!(written.contains_key(cart), "the field holds a value no save wrote: {:?}", String::from_utf8_lossy(cart));
    assert!(
        written.values().any(|deadline| *deadline == loaded.expires_at),
        "the deadline is not one that was written"
    );
    assert_eq!(loaded.created_at, created.created_at, "saves changed the creation time");
    assert_eq!(loaded.fields.len(), 2, "saves of one field changed others: {:?}", loaded.fields.keys());
}

async fn an_outage_fails_promptly_and_loses_nothing<S: SessionStore>(store: S, switch: &mut dyn FnMut(&S, Outage)) {
    let kept = new_key();
    let kept_record = record(&[("user_id", b"7")], LONG);
    assert!(ok("create", store.create(&kept, &kept_record).await));
    let (created, cycled) = (new_key(), new_key());
    let (owned, owner) = (new_key(), OwnerKey::of(new_key().as_bytes()));
    let owned_record = Arc::new(Record { owner: Some(owner), ..Record::clone(&kept_record) });
    assert!(ok("create", store.create(&owned, &owned_record).await));

    switch(&store, Outage::Begin);
    let changes = [("user_id", Some(b"8".to_vec()))];
    let patch = patch(&changes, kept_record.expires_at + 1000);
    let new_record = record(&[("a", b"1")], LONG);
    expect_failure("load", store.load(&kept)).await;
    expect_failure("create", store.create(&created, &new_record)).await;
    expect_failure("save", store.save(&kept, &patch)).await;
    expect_failure("cycle", store.cycle(&kept, &cycled, &patch)).await;
    expect_failure("delete", store.delete(&kept)).await;
    expect_failure("owner_sessions", store.owner_sessions(&owner)).await;
    expect_failure("revoke_owner", store.revoke_owner(&owner, None)).await;
    switch(&store, Outage::End);

    let loaded = timeout(OUTAGE_BOUND, store.load(&kept)).await.expect("the first load after the outage hung");
    assert_eq!(
        ok("the first load after the outage", loaded),
        Some(kept_record.clone()),
        "the outage changed the record"
    );
    assert_eq!(ok("load", store.load(&created).await), None, "a create that failed was applied");
    assert_eq!(ok("load", store.load(&cycled).await), None, "a cycle that failed was applied");
    assert_same_record(ok("load", store.load(&owned).await), &owned_record, "a revocation that failed was applied");
    let listed = ok("owner_sessions", store.owner_sessions(&owner).await);
    assert_eq!(listed.iter().map(|session| session.key).collect::<Vec<_>>(), [owned], "the owner's index lost it");

    // And every operation works again, each read back.
    assert!(ok("save after the outage", store.save(&kept, &patch).await));
    let saved = patched(&kept_record, &patch);
    assert_same_record(ok("load", store.load(&kept).await), &saved, "a save after the outage was not applied");
    assert!(ok("create after the outage", store.create(&created, &new_record).await));
    assert_same_record(
        ok("load", store.load(&created).await),
        &new_record,
        "a create after the outage was not applied",
    );
    let cycle_patch = Patch { changes: &[], ..patch };
    assert!(ok("cycle after the outage", store.cycle(&kept, &cycled, &cycle_patch).await));
    assert_eq!(ok("load", store.load(&kept).await), None, "a cycle after the outage left the old id");
    assert_same_record(
        ok("load", store.load(&cycled).await),
        &patched(&saved, &cycle_patch),
        "a cycle after the outage lost the record",
    );
}

async fn expect_failure<T: std::fmt::Debug>(operation: &str, call: impl Future<Output = Result<T, StoreError>>) {
    let started = std::time::Instant::now();
    match timeout(OUTAGE_BOUND, call).await {
        Err(_) => panic!("{operation} during an outage did not return within {OUTAGE_BOUND:?}"),
        Ok(Ok(value)) => panic!("{operation} during an outage succeeded: {value:?}"),
        Ok(Err(_)) => println!("store conformance: {operation} during an outage failed in {:?}", started.elapsed()),
    }
}
