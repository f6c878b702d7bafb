//! The schemas whose handles layers hand out, and the check that they agree on what each store key means.
//!
//! Every schema under a layer reads and writes the same record per session, so a store key two schemas name
//! is one value. What writing it does depends on the field's marks: an `owner` field files the session under
//! its owner, a `privilege` field gives the session a new id. A schema that left a mark off would write the
//! value without it: sign a session in as another user without a new id, or move it to an owner whose
//! `revoke_owner` cannot find it; and a session has one owner, so two schemas must not name two. The derive
//! sees one schema at a time, so the layer checks: the first time a request takes a schema's handle, that
//! schema's session fields (and the keys they read through `rename_from`) are compared with those of the
//! schemas handed out before that can meet it in one session (below). One that disagrees is reported as
//! [`Error::SchemaConflict`], by that handle and every handle of the layer after it, so the mistake cannot go
//! unseen in the app's tests or its log.
//!
//! A layer's clones share its check, configured anew or not, but a schema is compared only with those that
//! can meet it in one session. Each schema a layer hands out is kept with the layer's [`Reach`]: the names
//! it reads the id cookie under and the paths and domains a browser sends it to. Two layers share
//! sessions when a request can carry one id cookie both read, or through a third that issues it: a clone
//! at `/` whose cookie reaches clones at `/admin` and `/shop` puts one session in front of all three. So
//! the schemas compared are those handed out under reaches connected, name by name, by overlapping paths
//! and domains; clones at `/admin` and `/shop` alone, or on plain HTTP and on HTTPS under the default
//! names (`id` and `__Host-id`), are compared apart. A layer that hands out nothing (a base configured
//! only to be cloned) connects nothing. A disagreement found anywhere is reported by every handle of the
//! layer and its clones. Layers built apart are checked apart, though they share sessions if they read one
//! id cookie from one store: each stands for an app, and two of them in one process are as likely to be
//! two releases of one app (a test of a deploy), whose marks may differ while sessions move from one to
//! the other.

use std::{
    borrow::Cow,
    sync::{
        atomic::{AtomicU64, Ordering},
        Mutex, MutexGuard, OnceLock, PoisonError,
    },
};

use super::config::{IdCookie, Transport};
use crate::{schema::Place, Error, FieldInfo};

/// One schema as layers check it: its name and fields, and the last reaches it was checked under, so that
/// a layer checks it once and then only reads those numbers. The derive makes one `static` of it per
/// schema.
#[doc(hidden)]
pub struct SchemaMarks {
    name: &'static str,
    fields: &'static [FieldInfo],
    /// The [`Reach::number`]s this schema was last checked under, each in the slot its number picks; 0,
    /// none, before any was. Several, so that requests taking its handle through a few layers in turn
    /// (`/admin` and `/shop`) each find theirs.
    checked_under: [AtomicU64; 4],
}

impl SchemaMarks {
    /// The schema `name`, of `fields`, not checked by any layer yet.
    pub const fn new(name: &'static str, fields: &'static [FieldInfo]) -> Self {
        SchemaMarks { name, fields, checked_under: [const { AtomicU64::new(0) }; 4] }
    }

    /// The slot that remembers whether the schema was checked under the reach numbered `number`.
    fn slot(&self, number: u64) -> &AtomicU64 {
        &self.checked_under[(number % 4) as usize]
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
    /// Unique in the process and never 0; the same for the layers of one check that reach alike (a clone
    /// given only another timeout keeps its base's), as [`Schemas::reach`] hands it out.
    number: u64,
    /// The id cookie's name on HTTPS requests, on plain-HTTP ones, or both, as the layer's transport has it.
    names: Vec<Cow<'static, str>>,
    /// The path and domain the id cookie is set for.
    id_cookie: IdCookie,
}

impl Reach {
    /// Whether both layers read the same id cookie names on the same path and domain.
    fn is(&self, other: &Reach) -> bool {
        self.names == other.names
            && self.id_cookie.path == other.id_cookie.path
            && self.id_cookie.domain == other.id_cookie.domain
    }

    /// Whether a request could carry an id cookie of the name `name` that both layers read.
    fn meets(&self, other: &Reach, name: &str) -> bool {
        self.reads(name) && other.reads(name) && self.id_cookie.scope_overlaps(&other.id_cookie)
    }

    fn reads(&self, name: &str) -> bool {
        self.names.iter().any(|read| read == name)
    }
}

/// The schemas a layer and its clones handed out, each with the reach of the layer that handed it out.
#[derive(Default)]
pub(crate) struct Schemas {
    state: Mutex<State>,
    /// The first disagreement found, as [`Error::SchemaConflict`] says it.
    conflict: OnceLock<String>,
}

#[derive(Default)]
struct State {
    /// Every reach a layer of this check was configured to, each once.
    reaches: Vec<Reach>,
    /// Each schema handed out, once per reach (by its number) it was handed out under.
    handed_out: Vec<(u64, &'static SchemaMarks)>,
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
    /// The reach of a layer of this check that reads `id_cookie` on requests that are, as `transport` has
    /// it, HTTPS or not: the one a layer reaching alike already has, number and all.
    pub(crate) fn reach(&self, id_cookie: &IdCookie, transport: Transport) -> Reach {
        static NEXT_NUMBER: AtomicU64 = AtomicU64::new(1);
        let names = match transport {
            Transport::Https => vec![id_cookie.name(true)],
            Transport::PlainHttp => vec![id_cookie.name(false)],
            Transport::Detect { .. } => vec![id_cookie.name(true), id_cookie.name(false)],
        };
        let reach = Reach { number: 0, names, id_cookie: id_cookie.clone() };
        let mut state = lock(&self.state);
        if let Some(known) = state.reaches.iter().find(|known| known.is(&reach)) {
            return known.clone();
        }
        let reach = Reach { number: NEXT_NUMBER.fetch_add(1, Ordering::Relaxed), ..reach };
        state.reaches.push(reach.clone());
        reach
    }

    /// Whether `schema`, handed out by a layer of `reach`, agrees with itself and with every schema handed
    /// out under a reach connected to that one, and they with each other.
    pub(crate) fn check(&self, schema: &'static SchemaMarks, reach: &Reach) -> Result<(), Error> {
        let slot = schema.slot(reach.number);
        if slot.load(Ordering::Acquire) != reach.number {
            self.register(schema, reach);
            slot.store(reach.number, Ordering::Release);
        }
        match self.conflict.get() {
            None => Ok(()),
            Some(conflict) => Err(Error::SchemaConflict(conflict.clone())),
        }
    }

    fn register(&self, schema: &'static SchemaMarks, reach: &Reach) {
        let mut state = lock(&self.state);
        if state.handed_out.iter().any(|&(by, seen)| by == reach.number && std::ptr::eq(seen, schema)) {
            return;
        }
        state.handed_out.push((reach.number, schema));
        // The new reach may join others into one group of layers that share sessions: every pair of
        // schemas in that group is compared (rare: once per schema and reach).
        for name in &reach.names {
            let group = connected(&state, reach, name);
            let mut pairs =
                group.iter().enumerate().flat_map(|(at, first)| group[at..].iter().map(move |second| (first, second)));
            if let Some(conflict) = pairs.find_map(|(first, second)| disagreement(first, second)) {
                let _ = self.conflict.set(conflict);
                return;
            }
        }
    }
}

/// The schemas handed out under reaches that read the id cookie `name` and are connected to `reach` by
/// overlapping paths and domains, each once, in the order they were handed out.
fn connected(state: &State, reach: &Reach, name: &str) -> Vec<&'static SchemaMarks> {
    // Only reaches that handed out a schema: a layer that hands out nothing issues no id cookie.
    let handing_out = |number| state.handed_out.iter().any(|&(by, _)| by == number);
    let mut group: Vec<&Reach> = vec![reach];
    let mut grew = true;
    while grew {
        grew = false;
        for other in &state.reaches {
            if handing_out(other.number)
                && !group.iter().any(|member| member.number == other.number)
                && group.iter().any(|member| member.meets(other, name))
            {
                group.push(other);
                grew = true;
            }
        }
    }
    let mut schemas: Vec<&'static SchemaMarks> = Vec::new();
    for &(by, schema) in &state.handed_out {
        if group.iter().any(|member| member.number == by) && !schemas.iter().any(|seen| std::ptr::eq(*seen, schema)) {
            schemas.push(schema);
        }
    }
    schemas
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Layers that reach alike (a clone given only another timeout) get one number, which a schema's
    /// check remembers, so requests taking a handle through either in turn check nothing again.
    #[test]
    fn layers_that_reach_alike_share_a_number() {
        let schemas = Schemas::default();
        let mut admin = IdCookie::default();
        admin.path = "/admin".into();
        let root = schemas.reach(&IdCookie::default(), Transport::Https);
        assert_eq!(schemas.reach(&IdCookie::default(), Transport::Https).number, root.number);
        assert_ne!(schemas.reach(&IdCookie::default(), Transport::PlainHttp).number, root.number);
        assert_ne!(schemas.reach(&admin, Transport::Https).number, root.number);
        assert_eq!(lock(&schemas.state).reaches.len(), 3);
    }
}
