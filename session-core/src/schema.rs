//! The [`SessionSchema`] trait: what `#[derive(SessionSchema)]` knows about a struct, kept for run time.

use crate::{cookie::CookieSpec, SessionHandle};

/// A struct whose fields are routed to cookies and to the session store, implemented by
/// `#[derive(SessionSchema)]`.
pub trait SessionSchema {
    /// The generated handle (`VisitorSession` for `struct Visitor`).
    type Handle: SessionHandle;

    /// The struct's name.
    const NAME: &'static str;

    /// One entry per field, in declaration order.
    const FIELDS: &'static [FieldInfo];
}

/// Where one field lives and what that implies, as declared by its attributes.
#[derive(Clone, Copy, Debug)]
pub struct FieldInfo {
    /// The Rust field name.
    pub field: &'static str,
    /// The field's type, as written.
    pub ty: &'static str,
    /// Where the value is stored.
    pub place: Place,
    /// `rename_from`: the store key or cookie name an earlier release used. Values found only under it
    /// are read; a cookie moves to the current name in the same response, a session value when a request
    /// sets or removes the field.
    pub rename_from: Option<&'static str>,
    /// `migrate_from`: the type an earlier release stored, for values that no longer decode as `ty`.
    pub migrate_from: Option<Migration>,
    /// The stored form of `ty`, as stable text: for a `#[session]` field its serde format, traced; for a
    /// cookie field its `CookieValue` encoding. [`schema_lock`](crate::schema_lock()) records it.
    pub shape: fn() -> String,
}

/// `#[session(migrate_from = Old)]`: the type whose stored values a field converts with `From<Old>`.
#[derive(Clone, Copy, Debug)]
pub struct Migration {
    /// The earlier type, as written.
    pub ty: &'static str,
    /// Its stored form, as [`FieldInfo::shape`] gives it.
    pub shape: fn() -> String,
}

/// Where a field's value is kept.
#[derive(Clone, Copy, Debug)]
pub enum Place {
    /// In a client cookie.
    Cookie {
        /// Name, protection and attributes of the cookie.
        spec: CookieSpec,
        /// Worst-case bytes of name and protected value, proven at compile time to be at most 4096.
        max_bytes: usize,
        /// The reason given with `allow_sensitive`, if any.
        allow_sensitive: Option<&'static str>,
    },
    /// In the server-side store, under the session id.
    Session {
        /// The key of the field inside the session record.
        key: &'static str,
        /// `sensitive`: redacted in `Debug`, logs and the report; can never be routed to a cookie.
        sensitive: bool,
        /// `flash`: read once with `take_*`.
        flash: bool,
        /// `owner`: the store indexes sessions by this field's stored value.
        owner: bool,
        /// `privilege`: writing the field gives the session a new id.
        privilege: bool,
    },
}
