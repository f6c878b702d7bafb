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
//! A layer's clones share its check, configured anew or not, but a schema is compared only with those handed
//! out by layers that can be sent the same id cookie in one request, and so share sessions: the [`Reach`]
//! of each layer, the names it reads the id cookie under and the paths and domains a browser sends it to,
//! is kept with each schema it handed out. So clones at `/admin` and `/shop`, or on plain HTTP and on
//! HTTPS under the default names (`id` and `__Host-id`), are compared apart, while clones at `/` and
//! `/admin` under one name are compared together, as the first's cookie reaches the second. A disagreement
//! found anywhere is reported by every handle of the layer and its clones. Layers built apart are checked
//! apart, though they share sessions if they read one id cookie from one store: each stands for an app,
//! and two of them in one process are as likely to be two releases of one app (a test of a deploy), whose
//! marks may differ while sessions move from one to the other.

use std::{
    borrow::Cow,
    sync::{
        atomic::{AtomicU64, Ordering},
        Mutex, MutexGuard, OnceLock, PoisonError,
    },
};

use super::config::{IdCookie, Transport};
use crate::{schema::Place, Error, FieldInfo};

/// One schema as layers check it: its name and fields, and the last layer that checked it, so that a layer
/// checks it once and then only reads that number. The derive makes one `static` of it per schema.
#[doc(hidden)]
pub struct SchemaMarks {
    name: &'static str,
    fields: &'static [FieldInfo],
    /// The [`Reach::number`] of the last layer that checked this schema; 0, no layer's, before any did.
    checked_by: AtomicU64,
}

impl SchemaMarks {
    /// The schema `name`, of `fields`, not checked by any layer yet.
    pub const fn new(name: &'static str, fields: &'static [FieldInfo]) -> Self {
        SchemaMarks { name, fields, checked_by: AtomicU64::new(0) }
    }

    /// What each of its session fields says of a store key: of the one it stores under, and of the one it
    /// reads through `rename_from`; with the field's place among the schema's.
    fn keys(&self) -> impl Iterator<Item = (usize, &'static str, Marks)> + '_ {
        self.fields.iter().enumerate().flat_map(|(at, field)| {
            let Place::Session { key, owner, privilege, .. } = field.place else { return Vec::new() };
            let marks = Marks { schema: self.name, field: field.field, renamed_from: false, owner, privilege };
            let renamed = field.rename_from.map(|old| (at, old, Marks { renamed_from: true, ..marks }));
            [(at, key, marks)].into_iter().chain(renamed).collect()
        })
    }
}

/// Where a layer reads its id cookie: under which names, and on which paths and domains a browser sends
/// it. Layers whose reaches meet can be sent one id cookie in one request, and so share sessions.
#[derive(Clone)]
pub(crate) struct Reach {
    /// Unique in the process and never 0; a layer's clones share it, a layer configured anew gets another.
    number: u64,
    /// The id cookie's name on HTTPS requests, on plain-HTTP ones, or both, as the layer's transport has it.
    names: Vec<Cow<'static, str>>,
    /// The path and domain the id cookie is set for.
    id_cookie: IdCookie,
}

impl Reach {
    /// The reach of a layer that reads `id_cookie` on requests that are, as `transport` has it, HTTPS or not.
    pub(crate) fn new(id_cookie: &IdCookie, transport: Transport) -> Self {
        static NEXT_NUMBER: AtomicU64 = AtomicU64::new(1);
        let names = match transport {
            Transport::Https => vec![id_cookie.name(true)],
            Transport::PlainHttp => vec![id_cookie.name(false)],
            Transport::Detect { .. } => vec![id_cookie.name(true), id_cookie.name(false)],
        };
        Reach { number: NEXT_NUMBER.fetch_add(1, Ordering::Relaxed), names, id_cookie: id_cookie.clone() }
    }

    /// Whether both layers read the same id cookie names on the same path and domain.
    fn is(&self, other: &Reach) -> bool {
        self.names == other.names
            && self.id_cookie.path == other.id_cookie.path
            && self.id_cookie.domain == other.id_cookie.domain
    }

    /// Whether a request could carry an id cookie that both layers read.
    fn meets(&self, other: &Reach) -> bool {
        self.names.iter().any(|name| other.names.contains(name)) && self.id_cookie.scope_overlaps(&other.id_cookie)
    }
}

/// The schemas a layer and its clones handed out, each with the reach of the layer that handed it out.
#[derive(Default)]
pub(crate) struct Schemas {
    handed_out: Mutex<Vec<(Reach, &'static SchemaMarks)>>,
    /// The first disagreement found, as [`Error::SchemaConflict`] says it.
    conflict: OnceLock<String>,
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
    /// Whether `schema`, handed out by a layer of `reach`, agrees with itself and with every schema handed
    /// out before it by a layer whose reach meets that one, and they with each other.
    pub(crate) fn check(&self, schema: &'static SchemaMarks, reach: &Reach) -> Result<(), Error> {
        if schema.checked_by.load(Ordering::Acquire) != reach.number {
            self.register(schema, reach);
            schema.checked_by.store(reach.number, Ordering::Release);
        }
        match self.conflict.get() {
            None => Ok(()),
            Some(conflict) => Err(Error::SchemaConflict(conflict.clone())),
        }
    }

    fn register(&self, schema: &'static SchemaMarks, reach: &Reach) {
        let mut handed_out = lock(&self.handed_out);
        // Found here: a schema whose handles two layers hand out in turn, and one a layer configured anew
        // hands out where another of the same reach did (so the list stays as short as the app's routing).
        if handed_out.iter().any(|(by, seen)| by.is(reach) && std::ptr::eq(*seen, schema)) {
            return;
        }
        let sharing_sessions = handed_out.iter().filter(|(by, _)| by.meets(reach)).map(|(_, seen)| *seen);
        if let Some(conflict) =
            std::iter::once(schema).chain(sharing_sessions).find_map(|seen| disagreement(seen, schema))
        {
            let _ = self.conflict.set(conflict);
        }
        handed_out.push((reach.clone(), schema));
    }
}

/// What [`Error::SchemaConflict`] says of `second`, handed out after `first` (or of one schema's own fields,
/// when both are that schema): a store key they mark unlike, or two keys they mark `owner`.
fn disagreement(first: &SchemaMarks, second: &SchemaMarks) -> Option<String> {
    let same_schema = std::ptr::eq(first, second);
    first.keys().find_map(|(first_at, first_key, first_marks)| {
        second.keys().find_map(|(second_at, second_key, second_marks)| {
            if same_schema && first_at == second_at {
                None
            } else if first_key == second_key {
                let differences = second_marks.differences(first_marks);
                (!differences.is_empty()).then(|| unlike(first_key, first_marks, second_marks, &differences))
            } else if first_marks.owner && second_marks.owner && !first_marks.renamed_from && !second_marks.renamed_from
            {
                Some(two_owners((first_key, first_marks), (second_key, second_marks)))
            } else {
                None
            }
        })
    })
}

/// What [`Error::SchemaConflict`] says of the store key `key`, marked unlike by two schemas' fields.
fn unlike(key: &str, first: Marks, second: Marks, differences: &[&str]) -> String {
    // A field that reads the key through `rename_from` keeps reading it whatever its own key is called.
    let apart = match [first, second].into_iter().find(|marks| !marks.renamed_from) {
        Some(stores) if first.renamed_from || second.renamed_from => format!(
            "give `{}::{}` a key of its own with `#[session(name = \"...\")]`, or drop `rename_from` once no \
             session holds the old key",
            stores.schema, stores.field
        ),
        Some(_) => "store one under a key of its own with `#[session(name = \"...\")]`".to_owned(),
        None => "drop one `rename_from` once no session holds the old key".to_owned(),
    };
    format!(
        "the schemas under one layer mark the store key `{key}` unlike: {} and {}. Every schema under a layer \
         reads and writes the same session, and a write through the field without `{}` would skip what the \
         mark does: mark the field alike in both, or {apart}",
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
