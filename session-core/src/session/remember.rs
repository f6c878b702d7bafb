//! "Remember me": a session's own lifetime, kept in its record under a reserved field.
//!
//! The lifetime travels with the record's fields, so every store keeps it, `cycle` carries it to the new
//! id, and `destroy` ends it, without a store knowing it is there.

use crate::store::Record;

/// The record field holding the lifetime `remember_for` gave a session, in milliseconds as JSON. `@` is
/// refused at the start of a `#[session(name = "...")]`, so no schema field can collide with it.
pub(crate) const REMEMBER_FIELD: &str = "@remember_for";

/// The lifetime `remember_for` gave `record`, in milliseconds, if any. Also one no longer than the layer's
/// idle timeout: it does not lengthen the session on the server, but its id cookie stays persistent.
pub(crate) fn remembered(record: &Record) -> Option<u64> {
    record.fields.get(REMEMBER_FIELD).and_then(|bytes| decode(bytes))
}

/// The lifetime as stored.
pub(crate) fn encode(millis: u64) -> Vec<u8> {
    millis.to_string().into_bytes()
}

/// A stored lifetime; `None` for anything [`encode`] did not write.
pub(crate) fn decode(bytes: &[u8]) -> Option<u64> {
    std::str::from_utf8(bytes).ok()?.parse().ok()
}
