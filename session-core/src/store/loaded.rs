//! [`LoadedRecord`]: a record as one request reads it, copied out of its store or shared with it.

use std::collections::HashMap;

use super::{memory::PackedFields, Record};

/// A record as the layer holds it for one request. Stores never build one: the layer wraps what `load`
/// returns, and `MemoryStore` (through [`SessionStore::load_ready`](super::SessionStore::load_ready))
/// shares its packed record instead of copying every field out of the map.
#[doc(hidden)]
#[derive(Debug)]
pub struct LoadedRecord {
    fields: Fields,
    created_at: u64,
    expires_at: u64,
}

#[derive(Debug)]
enum Fields {
    Copied(HashMap<String, Vec<u8>>),
    Shared(PackedFields),
}

impl From<Record> for LoadedRecord {
    fn from(record: Record) -> Self {
        LoadedRecord {
            fields: Fields::Copied(record.fields),
            created_at: record.created_at,
            expires_at: record.expires_at,
        }
    }
}

impl LoadedRecord {
    pub(crate) fn shared(fields: PackedFields, created_at: u64, expires_at: u64) -> Self {
        LoadedRecord { fields: Fields::Shared(fields), created_at, expires_at }
    }

    /// The serialized value of `field`, if the record has it.
    pub(crate) fn get(&self, field: &str) -> Option<&[u8]> {
        match &self.fields {
            Fields::Copied(fields) => fields.get(field).map(Vec::as_slice),
            Fields::Shared(packed) => packed.get(field),
        }
    }

    /// When the session was created, in milliseconds since the Unix epoch.
    pub(crate) fn created_at(&self) -> u64 {
        self.created_at
    }

    /// When the record stops being valid, in milliseconds since the Unix epoch.
    pub(crate) fn expires_at(&self) -> u64 {
        self.expires_at
    }

    /// The record as stores take it, for writing it under a new key.
    pub(crate) fn into_record(self) -> Record {
        let fields = match self.fields {
            Fields::Copied(fields) => fields,
            Fields::Shared(packed) => packed.unpack(),
        };
        Record { fields, created_at: self.created_at, expires_at: self.expires_at }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copied_and_shared_records_read_alike() {
        let record = Record {
            fields: HashMap::from([("cart".to_owned(), b"[1]".to_vec()), ("user".to_owned(), b"7".to_vec())]),
            created_at: 1,
            expires_at: 2,
        };
        let packed = PackedFields::pack(record.fields.iter().map(|(n, v)| (n.as_str(), v.as_slice()))).unwrap();
        let shared = LoadedRecord::shared(packed, 1, 2);
        let copied = LoadedRecord::from(record.clone());
        for loaded in [&shared, &copied] {
            assert_eq!(loaded.get("cart"), Some(&b"[1]"[..]));
            assert_eq!(loaded.get("user"), Some(&b"7"[..]));
            assert_eq!(loaded.get("notice"), None);
            assert_eq!((loaded.created_at(), loaded.expires_at()), (1, 2));
        }
        assert_eq!(shared.into_record(), record);
        assert_eq!(copied.into_record(), record);
    }
}
