//! The cookie name prefixes `__Host-`, `__Secure-`, `__Http-` and `__Host-Http-`, whose promises browsers
//! enforce.

/// Whether `name` starts with the cookie prefix `prefix`, which browsers match without regard to case
/// (RFC 6265bis): `__host-id` makes the same promises as `__Host-id`.
pub(crate) fn has_prefix(name: &str, prefix: &str) -> bool {
    name.get(..prefix.len()).is_some_and(|start| start.eq_ignore_ascii_case(prefix))
}

/// Whether browsers keep a cookie named `name` only if it is `Secure`: `__Host-` (and `__Host-Http-`),
/// `__Secure-` and `__Http-`.
pub(crate) fn needs_secure(name: &str) -> bool {
    ["__Host-", "__Secure-", "__Http-"].into_iter().any(|prefix| has_prefix(name, prefix))
}

/// Whether browsers keep a cookie named `name` only if it is `HttpOnly`: `__Http-` and `__Host-Http-`.
pub(crate) fn needs_http_only(name: &str) -> bool {
    ["__Http-", "__Host-Http-"].into_iter().any(|prefix| has_prefix(name, prefix))
}
