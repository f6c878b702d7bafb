//! A record's fields packed into one allocation, the way [`MemoryStore`](super::MemoryStore) keeps them.
//!
//! A `HashMap<String, Vec<u8>>` costs a table and two allocations per field, scattered over the heap; a
//! million sessions of them is mostly allocator overhead and cache misses. Packed, a record is one block:
//! for each field, its name's length and its value's length (`u32`, little-endian), then both.

use std::collections::HashMap;

/// One record's fields, packed.
#[derive(Debug, Default)]
pub(crate) struct PackedFields(Box<[u8]>);

/// Bytes of the two length prefixes of a field.
const HEADER: usize = 8;

impl PackedFields {
    /// Packs `fields`. `None` if a name or value is over 4 GiB (never the case for cookie-sized data).
    pub(crate) fn pack<'a>(fields: impl Iterator<Item = (&'a str, &'a [u8])> + Clone) -> Option<Self> {
        let len = fields.clone().map(|(name, value)| HEADER + name.len() + value.len()).sum();
        let mut packed = Vec::with_capacity(len);
        for (name, value) in fields {
            packed.extend_from_slice(&u32::try_from(name.len()).ok()?.to_le_bytes());
            packed.extend_from_slice(&u32::try_from(value.len()).ok()?.to_le_bytes());
            packed.extend_from_slice(name.as_bytes());
            packed.extend_from_slice(value);
        }
        Some(PackedFields(packed.into_boxed_slice()))
    }

    /// The fields, in the order they were packed.
    pub(crate) fn iter(&self) -> Fields<'_> {
        Fields { rest: &self.0 }
    }

    /// The fields as a [`Record`](crate::store::Record) holds them.
    pub(crate) fn unpack(&self) -> HashMap<String, Vec<u8>> {
        let mut fields = HashMap::with_capacity(self.iter().count());
        for (name, value) in self.iter() {
            fields.insert(name.to_owned(), value.to_vec());
        }
        fields
    }

    /// These fields with `changes` applied: `Some` sets a field, `None` removes it.
    pub(super) fn patched(&self, changes: &[(&'static str, Option<Vec<u8>>)]) -> Option<Self> {
        let kept = self.iter().filter(|(name, _)| !changes.iter().any(|(changed, _)| changed == name));
        let set = changes.iter().filter_map(|(name, value)| Some((*name, value.as_deref()?)));
        Self::pack(kept.chain(set))
    }

    /// Heap bytes held.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.0.len()
    }
}

/// Iterator over packed fields. Packing is ours and always well formed; a truncated block would end the
/// iteration rather than panic.
#[derive(Clone)]
pub(crate) struct Fields<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Fields<'a> {
    type Item = (&'a str, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        let length = |at: usize| -> Option<usize> {
            let bytes = self.rest.get(at..at + 4)?;
            usize::try_from(u32::from_le_bytes(bytes.try_into().ok()?)).ok()
        };
        let (name_len, value_len) = (length(0)?, length(4)?);
        let name = self.rest.get(HEADER..HEADER + name_len)?;
        let value = self.rest.get(HEADER + name_len..HEADER + name_len + value_len)?;
        self.rest = &self.rest[HEADER + name_len + value_len..];
        Some((std::str::from_utf8(name).ok()?, value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_round_trip_and_patch() {
        let fields = HashMap::from([("cart".to_owned(), b"[1,2]".to_vec()), ("user".to_owned(), Vec::new())]);
        let packed = PackedFields::pack(fields.iter().map(|(n, v)| (n.as_str(), v.as_slice()))).unwrap();
        assert_eq!(packed.len(), 2 * HEADER + 4 + 5 + 4);
        assert_eq!(packed.unpack(), fields);

        let changes = [("cart", None), ("notice", Some(b"\"hi\"".to_vec())), ("user", Some(b"7".to_vec()))];
        let patched = packed.patched(&changes).unwrap().unpack();
        let expected = HashMap::from([("notice".to_owned(), b"\"hi\"".to_vec()), ("user".to_owned(), b"7".to_vec())]);
        assert_eq!(patched, expected);
    }

    #[test]
    fn a_truncated_block_ends_the_fields_without_panicking() {
        let packed = PackedFields::pack([("name", &b"value"[..])].into_iter()).unwrap();
        for cut in 0..packed.0.len() {
            assert_eq!(Fields { rest: &packed.0[..cut] }.count(), 0);
        }
    }
}
