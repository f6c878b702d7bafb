//! Values that can live in a cookie: the [`CookieValue`] trait and its worst-case length.
//!
//! Every encoding produced here is made of RFC 6265 `cookie-octet`s only, so it can be sent as a cookie
//! value without quoting, and it never contains `%` sequences other than its own escapes.

mod escape;
mod external;
mod impls;

pub use escape::{escape_into, unescape, ESCAPE_GROWTH};
pub(crate) use impls::{decode_part, encode_part};

/// How long the encoding of a [`CookieValue`] can get.
///
/// The derive turns this into a compile-time proof that a cookie fits the 4096 bytes a browser keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bound {
    /// Every value encodes to at most this many bytes.
    Fixed(usize),
    /// The encoding grows with the value: at most `base + per_unit * units` bytes, where `units` is what
    /// [`CookieValue::len_units`] returns (bytes of a `String`, elements of a `Vec`) and what
    /// `#[cookie(max_len = N)]` limits. `per_unit == usize::MAX` means the type cannot be bounded.
    Growing {
        /// Bytes any value needs, whatever its length.
        base: usize,
        /// Worst-case bytes each unit adds.
        per_unit: usize,
    },
}

impl Bound {
    /// The worst-case encoded length for values of at most `max_len` units, or `None` when the type is
    /// unbounded and no `max_len` was given (or the bound does not fit in `usize`).
    pub const fn worst_case(self, max_len: Option<usize>) -> Option<usize> {
        match (self, max_len) {
            (Bound::Fixed(n), _) => Some(n),
            // Unbounded whatever `max_len` says, even `max_len = 1`, whose product would not overflow.
            (Bound::Growing { per_unit: usize::MAX, .. }, _) => None,
            (Bound::Growing { base, per_unit }, Some(units)) => match per_unit.checked_mul(units) {
                Some(grown) => base.checked_add(grown),
                None => None,
            },
            (Bound::Growing { .. }, None) => None,
        }
    }

    /// True when the type has a fixed worst case, so `max_len` is not needed.
    pub const fn is_fixed(self) -> bool {
        matches!(self, Bound::Fixed(_))
    }

    /// The bound of a value embedded in a composite (tuple, array, struct, `Vec`): its bytes may need
    /// escaping so that they cannot be confused with the separator.
    pub const fn embedded(self, separator_free: bool) -> Bound {
        let growth = if separator_free { 1 } else { ESCAPE_GROWTH };
        match self {
            Bound::Fixed(n) => Bound::Fixed(n.saturating_mul(growth)),
            Bound::Growing { base, per_unit } => {
                Bound::Growing { base: base.saturating_mul(growth), per_unit: per_unit.saturating_mul(growth) }
            }
        }
    }

    /// The bound of a fixed sequence of parts joined by one separator byte.
    pub const fn join(parts: &[Bound]) -> Bound {
        let mut total = 0usize;
        let mut i = 0;
        while i < parts.len() {
            match parts[i] {
                Bound::Fixed(n) => total = total.saturating_add(n),
                Bound::Growing { .. } => return UNBOUNDED,
            }
            i += 1;
        }
        Bound::Fixed(total.saturating_add(parts.len().saturating_sub(1)))
    }
}

/// The bound of a type that cannot be limited by `max_len` (for example a `Vec` of `String`s).
pub const UNBOUNDED: Bound = Bound::Growing { base: 0, per_unit: usize::MAX };

/// The byte that separates the parts of a composite value (tuple, array, struct, `Vec`).
pub const SEPARATOR: u8 = b':';

/// A value that can be stored in a client cookie.
///
/// Implemented for `bool`, the integers, `char`, `String`, `Option<T>`, arrays, tuples of up to eight
/// elements and `Vec<T>`; `#[derive(CookieValue)]` implements it for unit enums (encoded as their
/// snake_case variant name, so `Theme::Dark` becomes `dark`) and for structs whose fields are bounded. As a
/// derived struct exists to be put in a cookie, a field whose name looks sensitive (`password`, `token`) is
/// refused as a cookie of that name would be, unless `#[cookie_value(allow_sensitive = "reason")]` on the
/// field says why it is harmless.
///
/// Types that hold secrets, such as [`Secret`](crate::Secret), deliberately do not implement it: that is
/// what makes the compiler refuse to route them to a cookie.
///
/// # Contract
///
/// * `encode` writes only RFC 6265 `cookie-octet`s, never a `%` that [`unescape`] would misread.
/// * `decode(encode(v)) == Some(v)` for every value, and `decode` never panics on any input.
/// * The encoding is never longer than [`BOUND`](Self::BOUND) allows for `len_units()` units.
/// * The same three hold for `encode_private`, `decode_private` and
///   [`PRIVATE_BOUND`](Self::PRIVATE_BOUND), except that its output need not be cookie-safe.
///
/// # Example
///
/// ```
/// use session_core::CookieValue;
///
/// let mut out = String::new();
/// (7u8, true).encode(&mut out);
/// assert_eq!(out, "7:true");
/// assert_eq!(<(u8, bool)>::decode(&out), Some((7, true)));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be stored in a cookie",
    label = "this type does not implement `CookieValue`",
    note = "secrets (`Secret<T>`) and unbounded or non-cookie-safe types never implement `CookieValue`",
    note = "help: route the field to the server with `#[session]` (or `#[session(sensitive)]`), or `#[derive(CookieValue)]` on your own bounded type"
)]
pub trait CookieValue: Sized {
    /// The worst-case length of [`encode`](Self::encode)'s output.
    const BOUND: Bound;

    /// True when the encoding never contains the composite [`SEPARATOR`] or an escape, so a composite can
    /// embed it without escaping (integers, `bool`, derived unit enums).
    const SEPARATOR_FREE: bool = false;

    /// The length that `#[cookie(max_len = N)]` limits: bytes of a string, elements of a sequence.
    /// Types with a [`Bound::Fixed`] bound return 0.
    fn len_units(&self) -> usize {
        0
    }

    /// Appends the cookie-safe encoding of `self` to `out`.
    fn encode(&self, out: &mut String);

    /// Parses an encoding produced by [`encode`](Self::encode); `None` for anything else.
    fn decode(encoded: &str) -> Option<Self>;

    /// The worst-case length of [`encode_private`](Self::encode_private)'s output.
    const PRIVATE_BOUND: Bound = Self::BOUND;

    /// Appends the encoding sealed inside a `private` cookie. An encrypted value is base64url on the wire,
    /// so what it seals need not be cookie-safe: a type whose cookie-safe encoding escapes (a `String`,
    /// three bytes for one) can seal its plain form instead, and a `private` cookie of `max_len = N` then
    /// counts N bytes, not 3N. The default is [`encode`](Self::encode).
    fn encode_private(&self, out: &mut String) {
        self.encode(out);
    }

    /// Parses an encoding produced by [`encode_private`](Self::encode_private); `None` for anything else.
    fn decode_private(encoded: &str) -> Option<Self> {
        Self::decode(encoded)
    }

    /// What [`encode`](Self::encode) writes, for the [schema lock](crate::schema_lock()): two types of one
    /// shape read each other's cookies, and a change of shape between releases is reported. The standard
    /// impls and the derive describe their encodings (`str`, `u8`, `option<str>`, `[u16]`, `(bool, char)`,
    /// `enum {"light" | "dark"}`, `(size: u8, zoom: u16)` for a derived struct, its fields named). The
    /// default names the type, so that the lock reports any change of a
    /// hand-written impl's type, a move to another module included: an impl that delegates to another
    /// type's encoding, or keeps its own stable, can say so here.
    fn shape() -> String {
        format!("{HAND_WRITTEN}`{}`", std::any::type_name::<Self>())
    }

    /// What [`encode_private`](Self::encode_private) writes, described as [`shape`](Self::shape) describes
    /// `encode`: what a `private` cookie of this type holds. The default is `shape`'s, as the default
    /// `encode_private` is `encode`.
    fn private_shape() -> String {
        Self::shape()
    }

    /// Why a user must not be able to change this value, if they must not: `#[derive(CookieValue)]` sets it
    /// for a type named like authorization or identity data (`Role`, `UserId`), or a struct with a field so
    /// named or typed (`is_admin`, `user_id`, `level: Role`), and `Option`, `Vec`, arrays and tuples pass on
    /// their elements' (a derived struct, its fields', but for a field marked
    /// `#[cookie_value(allow_sensitive = "...")]`, whose reason covers its type too).
    /// `#[derive(SessionSchema)]` refuses such a value in a `plain` cookie, with this as the message,
    /// whatever name the field's type gives it (a type alias, `use ... as`). `None` for hand-written impls.
    const NOT_FOR_PLAIN_COOKIES: Option<&'static str> = None;

    /// Why this value must not leave the server at all, if it must not: `#[derive(CookieValue)]` sets it
    /// for a type named like a secret (`AuthToken`, `OtpCode`), and `Option`, `Vec`, arrays, tuples and
    /// derived structs pass on their parts' (but for a struct field marked `allow_sensitive`, as above).
    /// `#[derive(SessionSchema)]` refuses such a value in any cookie
    /// without `allow_sensitive`, with this as the message, whatever name the field's type gives it. `None`
    /// for hand-written impls.
    const NOT_FOR_COOKIES: Option<&'static str> = None;
}

/// How the default [`CookieValue::shape`] begins, so that the schema lock can say what it means.
pub(crate) const HAND_WRITTEN: &str = "hand-written ";

/// The first of `reasons` that is given: a composite's [`CookieValue::NOT_FOR_PLAIN_COOKIES`] or
/// [`CookieValue::NOT_FOR_COOKIES`], from its own and its parts'.
pub const fn first_reason(reasons: &[Option<&'static str>]) -> Option<&'static str> {
    let mut index = 0;
    while index < reasons.len() {
        if reasons[index].is_some() {
            return reasons[index];
        }
        index += 1;
    }
    None
}
