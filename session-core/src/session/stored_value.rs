//! Reading a `#[session]` field's stored bytes, including what an earlier release of the schema stored:
//! under the key it had before `rename_from`, or as the type named by `migrate_from`.
//!
//! Such a value is read where and as it is, every time, and nothing is written for reading it: it moves to
//! the field's key, in the field's form, when a request sets the field. A write made for a read would
//! carry the value as this request loaded it, unconditionally, over whatever another request committed
//! meanwhile (a page and its script, both the first requests after a deploy): a lost update. An owner
//! stored before its field was marked `owner` is the exception, because `revoke_owner` must find its
//! session: reading the field indexes it, if the session still has no owner when the write applies
//! ([`OwnerChange::Adopt`](crate::store::OwnerChange::Adopt)).

use serde::de::DeserializeOwned;

use super::record_state::RecordState;
use crate::{__private::SessionField, store::OwnerKey, Error};

/// Decodes a stored field value: the one place that knows the store holds JSON.
pub(crate) fn decode_stored<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, serde_json::Error> {
    serde_json::from_slice(bytes)
}

/// Encodes a field value for the store.
pub(super) fn encode_stored<F: SessionField>(value: &F::Value) -> Result<Vec<u8>, Error> {
    serde_json::to_vec(value).map_err(|source| Error::Serialize { field: F::KEY, source })
}

/// The value of `F` as the handler sees it: under the field's key, or else under its `rename_from` key;
/// as the field's type, or else converted from its `migrate_from` type. A value that does not decode at all
/// reads as `None`. Either way the stored value is left as it is.
pub(super) fn read<F: SessionField>(state: &mut RecordState) -> Option<F::Value> {
    let bytes = current::<F>(state)?;
    match decode_stored::<F::Value>(bytes) {
        Ok(value) => {
            // A session with an owner got it from this field's write, which indexed it: only one without
            // (stored before the field was the owner) needs the hash, so reading a signed-in user's id
            // costs no SHA-256.
            if F::OWNER && state.current_owner().is_none() {
                if let Some(owner) = owner_key(bytes) {
                    tracing::debug!(
                        field = F::KEY,
                        "indexing the owner of a session stored before its field was the owner"
                    );
                    state.adopt_owner(owner);
                }
            }
            Some(value)
        }
        Err(error) => {
            let migrated = F::migrate(bytes);
            if migrated.is_none() {
                warn_undecodable(F::KEY, &error);
            }
            migrated
        }
    }
}

/// The bytes `F` holds as this request sees them: under the field's key, or else under its `rename_from`
/// key. What a read decodes, and what a write is compared with to tell whether it changes the field.
pub(super) fn current<F: SessionField>(state: &RecordState) -> Option<&[u8]> {
    state.current(F::KEY).or_else(|| state.current(F::RENAMED_FROM?))
}

/// The owner an owner field's stored value names: `None` for JSON's `null`, an `Option` owner set to
/// `None`, which is no owner at all (else every such session would share the owner "null", and list and
/// revoke one another).
pub(super) fn owner_key(stored: &[u8]) -> Option<OwnerKey> {
    (stored != b"null").then(|| OwnerKey::of(stored))
}

/// After the handler set or removed `F`: the value under its `rename_from` key, if any, is stale and goes
/// in the same patch.
pub(super) fn drop_old_key<F: SessionField>(state: &mut RecordState) {
    if let Some(old) = F::RENAMED_FROM {
        state.change(old, None);
    }
}

fn warn_undecodable(field: &'static str, error: &serde_json::Error) {
    // serde_json's message can quote the stored value, which may be sensitive: log only what kind of
    // mismatch it was and where.
    let kind = match error.classify() {
        serde_json::error::Category::Data => "a value of another type",
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof => "malformed JSON",
        serde_json::error::Category::Io => "unreadable bytes",
    };
    tracing::warn!(
        field,
        found = kind,
        column = error.column(),
        "stored session field no longer decodes; reading it as absent (`migrate_from` can convert it)"
    );
}
