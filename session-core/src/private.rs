//! The paths generated code uses. Not public API: it may change in any release, which is why the runtime
//! pins its derive crate to the exact same version.

pub use crate::cookie::{CookieSpec, Protection, SameSite, MAX_COOKIE_BYTES};
pub use crate::layer::SchemaMarks;
pub use crate::schema::{FieldInfo, Migration, Place};
pub use crate::session::{revoke_owner, sessions_of, RawSession};
pub use crate::value::{escape_into, first_reason, unescape, Bound, CookieValue, SEPARATOR};
pub use crate::SessionInfo;
pub use crate::{Error, MemoryStore, SessionHandle, SessionId, SessionSchema, SessionStore, StoreKey};
pub use core;
pub use http;
pub use std::{borrow::ToOwned, format, string::String, vec::Vec};

#[cfg(feature = "axum")]
pub use axum;

/// A `#[cookie]` field, as a marker type the derive generates per field. Every accessor goes through it,
/// so a field type that is not a [`CookieValue`] is reported once, on the `Value` of this impl.
pub trait CookieField {
    /// The field's type.
    type Value: CookieValue;
    /// The field's cookie.
    const SPEC: CookieSpec;
    /// The worst-case length of the field's encoding: the sealed one for a `private` cookie.
    const BOUND: Bound = match Self::SPEC.protection {
        Protection::Private => <Self::Value as CookieValue>::PRIVATE_BOUND,
        Protection::Plain | Protection::Signed => <Self::Value as CookieValue>::BOUND,
    };
    /// The field's [`CookieValue::NOT_FOR_PLAIN_COOKIES`].
    const NOT_FOR_PLAIN_COOKIES: Option<&'static str> = <Self::Value as CookieValue>::NOT_FOR_PLAIN_COOKIES;
    /// The field's [`CookieValue::NOT_FOR_COOKIES`].
    const NOT_FOR_COOKIES: Option<&'static str> = <Self::Value as CookieValue>::NOT_FOR_COOKIES;
}

/// A `#[session]` field, as a marker type the derive generates per field.
pub trait SessionField {
    /// The field's type.
    type Value: serde::Serialize + serde::de::DeserializeOwned + Send + Sync;
    /// The field's key in the session record.
    const KEY: &'static str;
    /// `#[session(owner)]`: the field's value names who owns the session, and the store indexes it.
    const OWNER: bool = false;
    /// `#[session(privilege)]`: writing the field gives the session a new id in the same commit.
    const PRIVILEGE: bool = false;
    /// `rename_from`: the key an earlier release stored the field under.
    const RENAMED_FROM: Option<&'static str> = None;

    /// `migrate_from`: a stored value that no longer decodes as `Value`, read as the earlier type and
    /// converted. `None` without `migrate_from`, or when it does not decode as the earlier type either.
    fn migrate(stored: &[u8]) -> Option<Self::Value> {
        let _ = stored;
        None
    }
}

/// What `#[session(migrate_from = Old)]` asks of the field's type: `From<Old>`. A trait of its own, so
/// that a missing `From` is reported with the fix.
#[diagnostic::on_unimplemented(
    message = "`migrate_from = {Old}` needs `{Self}` to implement `From<{Old}>`",
    label = "stored values of this earlier type cannot become the field's type",
    note = "help: implement `From<{Old}> for {Self}`, converting a value the earlier release stored into the \
            field's new type (if `{Self}` is not your own type, name a type of yours in `migrate_from`, such as \
            a `#[serde(transparent)]` newtype around the earlier type)"
)]
pub trait MigrateFrom<Old>: Sized {
    /// Converts a value of the earlier type.
    fn migrate_from(old: Old) -> Self;
}

impl<Old, New: From<Old>> MigrateFrom<Old> for New {
    fn migrate_from(old: Old) -> Self {
        New::from(old)
    }
}

/// Decodes `stored` as `Old` (the type named by `migrate_from`) and converts it to the field's type.
pub fn migrate<Old: serde::de::DeserializeOwned, New: MigrateFrom<Old>>(stored: &[u8]) -> Option<New> {
    crate::session::decode_stored::<Old>(stored).ok().map(New::migrate_from)
}

/// The stored form of a `#[session]` field's type, for [`FieldInfo::shape`].
pub fn session_shape<F: SessionField>() -> String {
    crate::schema_lock::serde_shape::<F::Value>()
}

/// The stored form of the type named by `migrate_from`.
pub fn serde_shape<T: serde::de::DeserializeOwned>() -> String {
    crate::schema_lock::serde_shape::<T>()
}

/// The encoding of a cookie field's type, for [`FieldInfo::shape`]: the one its protection stores (a
/// `private` cookie seals [`CookieValue::encode_private`]'s).
pub fn cookie_shape<F: CookieField>() -> String {
    match F::SPEC.protection {
        Protection::Private => <F::Value as CookieValue>::private_shape(),
        Protection::Plain | Protection::Signed => <F::Value as CookieValue>::shape(),
    }
}

/// One field of a struct deriving `CookieValue`, as a marker type the derive generates per field. The
/// struct's impl reaches the field's type only through it, so a field type that is not a [`CookieValue`]
/// is reported once, on the `Value` of this impl, spanned on the field's type.
pub trait CookiePart {
    /// The field's type.
    type Value: CookieValue;
    /// The field's bound as one part of a composite (escaped unless separator-free).
    const BOUND: Bound = <Self::Value as CookieValue>::BOUND.embedded(<Self::Value as CookieValue>::SEPARATOR_FREE);
    /// The field's [`CookieValue::NOT_FOR_PLAIN_COOKIES`].
    const NOT_FOR_PLAIN_COOKIES: Option<&'static str> = <Self::Value as CookieValue>::NOT_FOR_PLAIN_COOKIES;
    /// The field's [`CookieValue::NOT_FOR_COOKIES`].
    const NOT_FOR_COOKIES: Option<&'static str> = <Self::Value as CookieValue>::NOT_FOR_COOKIES;

    /// The field's [`CookieValue::shape`].
    fn shape() -> String {
        <Self::Value as CookieValue>::shape()
    }
}

/// [`encode_part`] for the field behind the marker `P`.
pub fn encode_field<P: CookiePart>(value: &P::Value, out: &mut String) {
    crate::value::encode_part(value, out)
}

/// [`decode_part`] for the field behind the marker `P`.
pub fn decode_field<P: CookiePart>(part: &str) -> Option<P::Value> {
    crate::value::decode_part(part)
}

/// False for a type that no `max_len` can bound (a `String` inside a tuple or a `Vec`), so the derive
/// can tell "add `max_len`" from "`max_len` cannot help" in its compile-time error.
pub const fn max_len_can_bound(bound: Bound) -> bool {
    !matches!(bound, Bound::Growing { per_unit: usize::MAX, .. })
}

/// Bytes reserved in `cookie_budget` for the session id cookie: a name of up to 32 bytes, `=`, the
/// signed id, and the `; ` separator.
pub const ID_COOKIE_RESERVE: usize = crate::id::ID_COOKIE_NAME_MAX_LEN + 1 + crate::id::ID_COOKIE_VALUE_LEN + 2;

/// Bytes one cookie adds to the request's `Cookie` header besides its name and value (`=` and `; `).
pub const HEADER_OVERHEAD_PER_COOKIE: usize = 3;

/// The worst-case bytes of name and protected value of a cookie field, or `None` when the type has no
/// bound and the field has no `max_len`.
pub const fn cookie_max_bytes(spec: &CookieSpec, bound: Bound) -> Option<usize> {
    match bound.worst_case(spec.max_len) {
        Some(value_len) => Some(spec.worst_case_len(value_len)),
        None => None,
    }
}

/// Appends one part of a derived composite value, escaped unless it is separator-free.
pub fn encode_part<T: CookieValue>(value: &T, out: &mut String) {
    crate::value::encode_part(value, out)
}

/// Reads one part written by [`encode_part`].
pub fn decode_part<T: CookieValue>(part: &str) -> Option<T> {
    crate::value::decode_part(part)
}

/// The handle behind a request's extensions, for the generated extractors.
pub fn handle_from_extensions<H: SessionHandle>(extensions: &http::Extensions) -> Result<H, Error> {
    crate::session::handle_from_extensions(extensions)
}

/// Implements axum's `FromRequestParts` for a generated handle when the runtime has its `axum` feature;
/// expands to nothing otherwise, so the user's crate needs no feature of its own.
#[cfg(feature = "axum")]
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_axum_extractor {
    ($handle:ty) => {
        #[automatically_derived]
        impl<__S: ::core::marker::Send + ::core::marker::Sync> $crate::__private::axum::extract::FromRequestParts<__S>
            for $handle
        {
            type Rejection = $crate::Error;

            async fn from_request_parts(
                parts: &mut $crate::__private::http::request::Parts,
                _state: &__S,
            ) -> ::core::result::Result<Self, Self::Rejection> {
                $crate::__private::handle_from_extensions(&parts.extensions)
            }
        }
    };
}

/// Implements axum's `FromRequestParts` for a generated handle when the runtime has its `axum` feature;
/// expands to nothing otherwise, so the user's crate needs no feature of its own.
#[cfg(not(feature = "axum"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_axum_extractor {
    ($handle:ty) => {};
}

pub use crate::__impl_axum_extractor as impl_axum_extractor;
