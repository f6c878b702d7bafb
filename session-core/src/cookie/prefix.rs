//! The cookie name prefixes `__Host-`, `__Secure-`, `__Http-` and `__Host-Http-`, whose promises browsers
//! enforce.

/// Whether `name` starts with the cookie prefix `prefix`, which browsers match without regard to case
/// (RFC 6265bis): `__host-id` makes the same promises as `__Host-id`.
pub(crate) fn has_prefix(name: &str, prefix: &str) -> bool {
    name.get(..prefix.len()).is_some_and(|start| start.eq_ignore_ascii_case(prefix))
}
