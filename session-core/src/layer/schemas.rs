//! The schemas whose handles layers hand out, and the check that they agree on what each store key means.
//!
//! Every schema under a layer reads and writes the same record per session, so a store key two schemas
//! name is one value. What writing it does depends on the field's marks: an `owner` field files the session
//! under its owner, a `privilege` field gives the session a new id. A schema that left a mark off would write
//! the value without it: sign a session in as another user without a new id, or move it to an owner whose
//! `revoke_owner` cannot find it; and a session has one owner, so two schemas must not name two. The derive
//! sees one schema at a time, so the layer checks: the first time a request takes a schema's handle, that
//! schema's session fields (and the keys they read through `rename_from`) are compared with those of every
//! schema the layer handed out before. One that disagrees is reported as [`Error::SchemaConflict`], by that
//! handle and every handle of the layer after it, so the mistake cannot go unseen in the app's tests or its
//! log.
//!
//! A layer's clones share its check, and so does a clone configured anew but for the id cookie it reads (its
//! name and key, and where a browser sends it); one that reads another id cookie, or the same one on paths or
//! domains that do not overlap (`/admin` and `/shop`), shares no session with it, and gets a check of its
//! own. Where a browser sends the cookie is compared with the layer the check was made for: so clones at
//! `/admin` and `/shop` of one at `/` that reads the same name share its check, as its cookie reaches both.
//! Layers built apart are checked apart, though they share sessions if they read one id cookie from one
//! store: each stands for an app, and two of them in one process are as likely to be two releases of one app
//! (a test of a deploy), whose marks may differ while sessions move from one to the other.

use std::{
    collections::{hash_map::Entry, HashMap},
    sync::{
        atomic::{AtomicU64, Ordering},
        Mutex, MutexGuard, OnceLock, PoisonError,
    },
};

use super::config::IdCookie;
use crate::{schema::Place, Error, FieldInfo};

/// One schema as layers check it: its name and fields, and the last layer that checked it, so that the
/// layer checks it once and then only reads that number. The derive makes one `static` of it per schema.
#[doc(hidden)]
pub struct SchemaMarks {
    name: &'static str,
    fields: &'static [FieldInfo],
    /// The [`Schemas::number`] of the last layer that checked this schema; 0, no layer's, before any did.
    checked_by: AtomicU64,
}

impl SchemaMarks {
    /// The schema `name`, of `fields`, not checked by any layer yet.
    pub const fn new(name: &'static str, fields: &'static [FieldInfo]) -> Self {
        SchemaMarks { name, fields, checked_by: AtomicU64::new(0) }
    }
}

/// The store keys of the schemas a layer (and its clones) handed out, with the marks that change what a
/// write does.
pub(crate) struct Schemas {
    /// This check's number, unique in the process and never 0.
    number: u64,
    /// The id cookie of the layers it checks, as [`Schemas::new`] takes it.
    sessions: [u8; 32],
    /// Where a browser sends that id cookie, as the layer this check was made for set it.
    scope: IdCookie,
    registry: Mutex<Registry>,
    /// The first disagreement found, as [`Error::SchemaConflict`] says it.
    conflict: OnceLock<String>,
}

#[derive(Default)]
struct Registry {
    /// What each store key is marked, by the first field seen to store it or read it through `rename_from`.
    keys: HashMap<&'static str, Marks>,
    /// The store key sessions are owned by, and the first field seen to mark it `owner`.
    owner: Option<(&'static str, Marks)>,
}

/// What one schema's field says of a store key.
#[derive(Clone, Copy)]
struct Marks {
    schema: &'static str,
    field: &'static str,
    /// Whether the field reads the key through `rename_from`, rather than storing under it.
    renamed_from: bool,
    owner: bool,
    privilege: bool,
}

impl Marks {
    /// The marks one has and the other has not, as `#[session(...)]` keys.
    fn differences(self, other: Marks) -> Vec<&'static str> {
        [("owner", self.owner != other.owner), ("privilege", self.privilege != other.privilege)]
            .into_iter()
            .filter_map(|(mark, differs)| differs.then_some(mark))
            .collect()
    }

    /// The field, for a message: `` `Visitor::user_id` (`owner` and `privilege`) ``.
    fn describe(self) -> String {
        let marks: Vec<&str> = [("owner", self.owner), ("privilege", self.privilege)]
            .into_iter()
            .filter_map(|(mark, set)| set.then_some(mark))
            .collect();
        let marks = if marks.is_empty() { "no mark".to_owned() } else { format!("`{}`", marks.join("` and `")) };
        let through = if self.renamed_from { ", which reads it through `rename_from`," } else { "" };
        format!("`{}::{}`{through} ({marks})", self.schema, self.field)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Only bookkeeping happens under the lock: a panic elsewhere leaves it as good as it was.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Schemas {
    /// A check of its own, for the layers that read the id cookie `sessions` stands for (a digest of its
    /// names and key), sent where `scope` is: see [`Schemas::reads`].
    pub(crate) fn new(sessions: [u8; 32], scope: IdCookie) -> Self {
        static NEXT_NUMBER: AtomicU64 = AtomicU64::new(1);
        Schemas {
            number: NEXT_NUMBER.fetch_add(1, Ordering::Relaxed),
            sessions,
            scope,
            registry: Mutex::default(),
            conflict: OnceLock::new(),
        }
    }

    /// Whether this check is of layers that read the id cookie `sessions` stands for, in a request that
    /// could carry the cookie `scope` describes: a layer configured anew keeps its check only then.
    pub(crate) fn reads(&self, sessions: [u8; 32], scope: &IdCookie) -> bool {
        self.sessions == sessions && self.scope.scope_overlaps(scope)
    }

    /// Whether `schema` agrees with every schema handed out before it, and they with each other.
    pub(crate) fn check(&self, schema: &'static SchemaMarks) -> Result<(), Error> {
        if schema.checked_by.load(Ordering::Acquire) != self.number {
            self.register(schema);
            schema.checked_by.store(self.number, Ordering::Release);
        }
        match self.conflict.get() {
            None => Ok(()),
            Some(conflict) => Err(Error::SchemaConflict(conflict.clone())),
        }
    }

    fn register(&self, schema: &SchemaMarks) {
        let mut registry = lock(&self.registry);
        for field in schema.fields {
            let Place::Session { key, owner, privilege, .. } = field.place else { continue };
            let marks = Marks { schema: schema.name, field: field.field, renamed_from: false, owner, privilege };
            let renamed = field.rename_from.map(|old| (old, Marks { renamed_from: true, ..marks }));
            for (key, marks) in [(key, marks)].into_iter().chain(renamed) {
                if let Some(conflict) = registry.file(key, marks) {
                    let _ = self.conflict.set(conflict);
                }
            }
            if owner {
                match registry.owner {
                    None => registry.owner = Some((key, marks)),
                    Some((owned_by, first)) if owned_by != key => {
                        let _ = self.conflict.set(two_owners((owned_by, first), (key, marks)));
                    }
                    Some(_) => {}
                }
            }
        }
    }
}

impl Registry {
    /// Files what `marks` says of `key`; what [`Error::SchemaConflict`] says if another field says otherwise.
    fn file(&mut self, key: &'static str, marks: Marks) -> Option<String> {
        match self.keys.entry(key) {
            Entry::Vacant(vacant) => {
                vacant.insert(marks);
                None
            }
            Entry::Occupied(seen) => {
                let seen = *seen.get();
                let differences = marks.differences(seen);
                (!differences.is_empty()).then(|| unlike(key, seen, marks, &differences))
            }
        }
    }
}

/// What [`Error::SchemaConflict`] says of the store key `key`, marked unlike by two schemas' fields.
fn unlike(key: &str, first: Marks, second: Marks, differences: &[&str]) -> String {
    format!(
        "the schemas under one layer mark the store key `{key}` unlike: {} and {}. Every schema under a layer \
         reads and writes the same session, and a write through the field without `{}` would skip what the \
         mark does: mark the field alike in both, or store one under a key of its own with \
         `#[session(name = \"...\")]`",
        first.describe(),
        second.describe(),
        differences.join("` or `"),
    )
}

/// What [`Error::SchemaConflict`] says of two schemas that mark different store keys `owner`.
fn two_owners((first_key, first): (&str, Marks), (second_key, second): (&str, Marks)) -> String {
    format!(
        "the schemas under one layer give a session two owners: {}, stored under `{first_key}`, and {}, stored \
         under `{second_key}`. A session has one owner, which `revoke_owner` and `owner_sessions` find it by: \
         mark `owner` one field, stored under one key, in every schema that stores it",
        first.describe(),
        second.describe(),
    )
}
