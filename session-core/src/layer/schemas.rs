//! The schemas one layer serves, and the check that they agree on what each store key means.
//!
//! Every schema whose handles a layer hands out reads and writes the same record per session, so a store
//! key two schemas name is one value. What writing it does depends on the field's marks: an `owner` field
//! files the session under its owner, a `privilege` field gives the session a new id. A schema that left
//! a mark off would write the value without it: sign a session in as another user without a new id, or move
//! it to an owner whose `revoke_owner` cannot find it. The derive sees one schema at a time, so the layer
//! checks: the first time a request takes a schema's handle, that schema's session fields are compared with
//! those of every schema the layer handed out before. One that disagrees is reported as
//! [`Error::SchemaConflict`], by that handle and every handle of the layer after it, so the mistake cannot go
//! unseen in the app's tests or its log.

use std::{
    collections::{hash_map::Entry, HashMap},
    sync::{
        atomic::{AtomicU64, Ordering},
        Mutex, OnceLock, PoisonError,
    },
};

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

/// The store keys of the schemas a layer has handed out, with the marks that change what a write does.
pub(crate) struct Schemas {
    /// This layer's number, unique in the process and never 0.
    number: u64,
    keys: Mutex<HashMap<&'static str, Marks>>,
    /// The first disagreement found, as [`Error::SchemaConflict`] says it.
    conflict: OnceLock<String>,
}

/// What one schema's field says of a store key.
#[derive(Clone, Copy)]
struct Marks {
    schema: &'static str,
    field: &'static str,
    owner: bool,
    privilege: bool,
}

impl Marks {
    fn of(schema: &SchemaMarks, field: &FieldInfo) -> Option<(&'static str, Marks)> {
        match field.place {
            Place::Session { key, owner, privilege, .. } => {
                Some((key, Marks { schema: schema.name, field: field.field, owner, privilege }))
            }
            Place::Cookie { .. } => None,
        }
    }

    /// The marks one has and the other has not, as `#[session(...)]` keys.
    fn differences(self, other: Marks) -> Vec<&'static str> {
        [("owner", self.owner != other.owner), ("privilege", self.privilege != other.privilege)]
            .into_iter()
            .filter_map(|(mark, differs)| differs.then_some(mark))
            .collect()
    }
}

impl Default for Schemas {
    fn default() -> Self {
        static NEXT_NUMBER: AtomicU64 = AtomicU64::new(1);
        Schemas {
            number: NEXT_NUMBER.fetch_add(1, Ordering::Relaxed),
            keys: Mutex::default(),
            conflict: OnceLock::new(),
        }
    }
}

impl Schemas {
    /// Whether `schema` agrees with every schema this layer handed out before it, and they with each other.
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
        // Only bookkeeping happens under the lock: a panic elsewhere leaves the map as good as it was.
        let mut keys = self.keys.lock().unwrap_or_else(PoisonError::into_inner);
        for (key, marks) in schema.fields.iter().filter_map(|field| Marks::of(schema, field)) {
            match keys.entry(key) {
                Entry::Vacant(vacant) => {
                    vacant.insert(marks);
                }
                Entry::Occupied(seen) => {
                    let seen = *seen.get();
                    let differences = marks.differences(seen);
                    if !differences.is_empty() {
                        let _ = self.conflict.set(conflict(key, seen, marks, &differences));
                    }
                }
            }
        }
    }
}

/// What [`Error::SchemaConflict`] says of the store key `key`, marked unlike by two schemas' fields.
fn conflict(key: &str, first: Marks, second: Marks, differences: &[&str]) -> String {
    let marked = |marks: Marks| {
        let marks: Vec<&str> = [("owner", marks.owner), ("privilege", marks.privilege)]
            .into_iter()
            .filter_map(|(mark, set)| set.then_some(mark))
            .collect();
        if marks.is_empty() {
            "no mark".to_owned()
        } else {
            format!("`{}`", marks.join("` and `"))
        }
    };
    let side = |marks: Marks| format!("`{}::{}` ({})", marks.schema, marks.field, marked(marks));
    format!(
        "the schemas under one layer mark the store key `{key}` unlike: {} and {}. Every schema under a layer \
         reads and writes the same session, and a write through the field without `{}` would skip what the \
         mark does: mark the field alike in both, or store one under a key of its own with \
         `#[session(name = \"...\")]`",
        side(first),
        side(second),
        differences.join("` or `"),
    )
}
