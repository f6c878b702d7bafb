//! Reading a `#[session]` field's stored bytes, including what an earlier release of the schema stored:
//! under the key it had before `rename_from`, or as the type named by `migrate_from`.
//!
//! Such a value is read as usual and queued among the request's changes in its current place and form,
//! so the request's one commit moves or converts it, in the same patch as the handler's own changes. An
//! owner stored before its field was marked `owner` joins the owner's index the same way.

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

/// The value of `F` as the handler sees it. A value found only under the field's `rename_from` key is
/// moved to its key; one that decodes only through `migrate_from` is converted and written back. A
/// value that does not decode at all reads as `None`, and is left in the store as it is.
pub(super) fn read<F: SessionField>(state: &mut RecordState) -> Result<Option<F::Value>, Error> {
    let found = match (state.current(F::KEY), F::RENAMED_FROM) {
        (Some(bytes), _) => Some((F::KEY, bytes)),
        (None, Some(old)) => state.current(old).map(|bytes| (old, bytes)),
        (None, None) => None,
    };
    let Some((found_under, bytes)) = found else { return Ok(None) };
    let moved = found_under != F::KEY;
    match decode_stored::<F::Value>(bytes) {
        Ok(value) => {
            // A session with an owner got it from this field's write, which indexed it: only one without
            // (stored before the field was the owner) needs the hash, so reading a signed-in user's id
            // costs no SHA-256.
            let unindexed = F::OWNER && state.current_owner().is_none();
            let owner = unindexed.then(|| OwnerKey::of(bytes));
            if moved {
                let bytes = bytes.to_vec();
                tracing::debug!(field = F::KEY, from = found_under, "moving a renamed session field");
                state.change(F::KEY, Some(bytes));
                state.change(found_under, None);
            }
            if let Some(owner) = owner {
                tracing::debug!(
                    field = F::KEY,
                    "indexing the owner of a session stored before its field was the owner"
                );
                state.change_owner(Some(owner));
            }
            Ok(Some(value))
        }
        Err(error) => match F::migrate(bytes) {
            Some(value) => {
                tracing::debug!(field = F::KEY, "converting a session field stored as its earlier type");
                state.change(F::KEY, Some(encode_stored::<F>(&value)?));
                if moved {
                    state.change(found_under, None);
                }
                Ok(Some(value))
            }
            None => {
                warn_undecodable(F::KEY, &error);
                Ok(None)
            }
        },
    }
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
