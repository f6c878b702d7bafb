//! Client cookies: how a field's cookie is described, protected and read back.

mod codec;
mod header;
mod prefix;
mod scope;
mod set_cookie;
mod spec;

pub use codec::{protect, unprotect};
pub(crate) use codec::{protect_in, sign_id, unprotect_bytes, verify_id};
pub(crate) use header::CookieHeader;
pub(crate) use prefix::{has_prefix, needs_http_only, needs_secure};
pub(crate) use scope::{domain_match, path_match};
pub(crate) use set_cookie::{LineTemplate, SetCookie};
pub use spec::{CookieSpec, Protection, SameSite};

/// The most bytes of name and value a browser keeps for one cookie.
pub const MAX_COOKIE_BYTES: usize = 4096;

/// The most bytes of an attribute's value (`Path`, `Domain`) a browser reads; a longer one is ignored.
pub(crate) const MAX_ATTRIBUTE_BYTES: usize = 1024;

/// The longest a browser keeps a cookie, in seconds: 400 days from when it was last set, whatever its
/// `Max-Age` or `Expires` says.
pub(crate) const MAX_LIFETIME_SECS: u64 = 400 * 86_400;
