//! Who owns a session, as a store indexes it: [`OwnerKey`], the change a request makes to it
//! ([`OwnerChange`]), and what a store lists for an owner ([`OwnedSession`]).

use sha2::{Digest, Sha256};

use crate::id::StoreKey;

/// The owner of a session (the value of its `#[session(owner)]` field, such as a user id) as a store
/// indexes it: the SHA-256 of the value's serialized form.
///
/// A hash, like [`StoreKey`], so the index in a dump of the store names no user and no live session:
/// it maps owner hashes to store keys, which are hashes of ids.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OwnerKey([u8; 32]);

impl OwnerKey {
    /// The key of the owner whose field value serializes to `value` (the bytes the field is stored as).
    pub fn of(value: &[u8]) -> Self {
        OwnerKey(Sha256::digest(value).into())
    }

    /// The 32 bytes of the hash.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// A key from its 32 bytes, as a store that keeps owners in binary reads them back.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        OwnerKey(bytes)
    }

    /// The hash as 64 lowercase hex digits, for stores that key by text.
    pub fn to_hex(&self) -> String {
        StoreKey::from_bytes(self.0).to_hex()
    }

    /// A key from the 64 lowercase hex digits of [`OwnerKey::to_hex`]; `None` for anything else.
    pub fn from_hex(hex: &str) -> Option<Self> {
        StoreKey::from_hex(hex).map(|key| OwnerKey(*key.as_bytes()))
    }
}

impl std::fmt::Debug for OwnerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "OwnerKey({}..)", &self.to_hex()[..8])
    }
}

/// What a [`Patch`](super::Patch) does to the owner of the record it applies to. Almost every request
/// leaves it alone ([`Keep`](Self::Keep)), and a store then touches no index.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OwnerChange {
    /// The owner stays as it is.
    #[default]
    Keep,
    /// The record now belongs to this owner (a sign-in): it leaves any former owner's index and joins
    /// this one's.
    Set(OwnerKey),
    /// The record belongs to nobody any more (a sign-out that keeps the session): it leaves its owner's
    /// index.
    Clear,
    /// The record joins this owner's index only if it has no owner when the patch applies; one that has
    /// an owner by then keeps it. A request that read an owner stored before its field was marked
    /// `owner` indexes it so: another request that signed the session in as someone else meanwhile has
    /// the last word, where a `Set` from the value read before would undo it.
    Adopt(OwnerKey),
}

impl OwnerChange {
    /// The owner of a record that had `before` once this change is applied.
    pub fn applied_to(self, before: Option<OwnerKey>) -> Option<OwnerKey> {
        match self {
            OwnerChange::Keep => before,
            OwnerChange::Set(owner) => Some(owner),
            OwnerChange::Clear => None,
            OwnerChange::Adopt(owner) => before.or(Some(owner)),
        }
    }

    /// Whether a handler's write of the owner field asked for this change, rather than a read that
    /// indexes an owner stored before its field was the owner ([`Adopt`](Self::Adopt)): a refused save
    /// loses only the former.
    pub(crate) fn asked_by_handler(self) -> bool {
        matches!(self, OwnerChange::Set(_) | OwnerChange::Clear)
    }
}

/// One live session of an owner, as [`SessionStore::owner_sessions`](super::SessionStore::owner_sessions)
/// lists it: its key and its times (milliseconds since the Unix epoch), never its fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OwnedSession {
    /// The session's store key.
    pub key: StoreKey,
    /// When it was created.
    pub created_at: u64,
    /// When a request last wrote it.
    pub last_seen: u64,
    /// When it ends unless a request comes first.
    pub expires_at: u64,
}
