//! A record's fields packed into one allocation, the way [`MemoryStore`](super::MemoryStore) keeps them.
//!
//! A `HashMap<String, Vec<u8>>` costs a table and two allocations per field, scattered over the heap; a
//! million sessions of them is mostly allocator overhead and cache misses. Packed, a record is one block:
//! for each field, its name's length and its value's length (`u32`, little-endian), then both. The block
//! is reference-counted in the same allocation, so a request shares a stored record by one counter and a
//! lookup follows one pointer to the fields.

use std::{collections::HashMap, ops::Range, sync::Arc};

/// One record's fields, packed: cloning shares them.
#[derive(Clone, Debug, Default)]
pub(crate) struct PackedFields(Arc<[u8]>);

/// Bytes of the two length prefixes of a field.
const HEADER: usize = 8;

/// A field's change, as a request's [`Patch`](crate::store::Patch) carries it: `None` removes it.
type Change = (&'static str, Option<Vec<u8>>);

impl PackedFields {
    /// Packs `fields`. `None` if a name or value is over 4 GiB (never the case for cookie-sized data).
    pub(crate) fn pack<'a>(fields: impl Iterator<Item = (&'a str, &'a [u8])> + Clone) -> Option<Self> {
        let len = fields.clone().map(|(name, value)| HEADER + name.len() + value.len()).sum();
        // Collected from an iterator of known length, the block is allocated once, counter included.
        let mut block: Arc<[u8]> = std::iter::repeat_n(0, len).collect();
        let mut writer = Writer { block: Arc::get_mut(&mut block)?, at: 0 };
        for (name, value) in fields {
            writer.field(name, value)?;
        }
        Some(PackedFields(block))
    }

    /// The fields, in the order they were packed.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, &[u8])> + Clone {
        // Names were packed from `&str`, so this never ends early.
        self.spans().map_while(|(name, value)| Some((std::str::from_utf8(name).ok()?, &self.0[value])))
    }

    /// The value of the field `name`, if there is one.
    pub(crate) fn get(&self, name: &str) -> Option<&[u8]> {
        value_range(&self.0, name).map(|range| &self.0[range])
    }

    /// The fields as a [`Record`](crate::store::Record) holds them.
    pub(crate) fn unpack(&self) -> HashMap<String, Vec<u8>> {
        let mut fields = HashMap::with_capacity(self.spans().count());
        for (name, value) in self.iter() {
            fields.insert(name.to_owned(), value.to_vec());
        }
        fields
    }

    /// These fields with `changes` applied, in a new block.
    fn patched(&self, changes: &[Change]) -> Option<Self> {
        let kept = self.iter().filter(|(name, _)| !changes.iter().any(|(changed, _)| changed == name));
        let set = changes.iter().filter_map(|(name, value)| Some((*name, value.as_deref()?)));
        Self::pack(kept.chain(set))
    }

    /// Applies `changes` where the fields lie, if no one else holds the block and every change overwrites
    /// a value with one of the same length. Returns false, changing nothing, otherwise.
    fn overwrite(&mut self, changes: &[Change]) -> bool {
        let Some(block) = Arc::get_mut(&mut self.0) else {
            return false;
        };
        let fits = |(name, value): &Change| {
            let range = value_range(block, name);
            value.as_ref().zip(range).is_some_and(|(value, range)| value.len() == range.len())
        };
        if !changes.iter().all(fits) {
            return false;
        }
        for (name, value) in changes {
            if let (Some(range), Some(value)) = (value_range(block, name), value) {
                block[range].copy_from_slice(value);
            }
        }
        true
    }

    /// Each field's name and where its value lies.
    fn spans(&self) -> Spans<'_> {
        Spans { block: &self.0, at: 0 }
    }

    /// Heap bytes held.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.0.len()
    }
}

/// Applies `changes` to `fields`. When no request holds them and every change keeps its value's length
/// (the usual save of a counter, a timestamp or a flag) they change where they lie, and the save
/// allocates nothing; otherwise `fields` becomes a new block, and requests that hold the old one keep
/// reading it unchanged. `None` if a field is over 4 GiB.
pub(super) fn patch(fields: &mut PackedFields, changes: &[Change]) -> Option<()> {
    if !fields.overwrite(changes) {
        *fields = fields.patched(changes)?;
    }
    Some(())
}

/// Where the value of `name` lies in `block`.
fn value_range(block: &[u8], name: &str) -> Option<Range<usize>> {
    Spans { block, at: 0 }.find(|(field, _)| *field == name.as_bytes()).map(|(_, value)| value)
}

/// Writes fields one after the other into a block of exactly their size.
struct Writer<'a> {
    block: &'a mut [u8],
    at: usize,
}

impl Writer<'_> {
    /// Writes one field: the two lengths, the name, the value.
    fn field(&mut self, name: &str, value: &[u8]) -> Option<()> {
        self.put(&u32::try_from(name.len()).ok()?.to_le_bytes())?;
        self.put(&u32::try_from(value.len()).ok()?.to_le_bytes())?;
        self.put(name.as_bytes())?;
        self.put(value)
    }

    fn put(&mut self, bytes: &[u8]) -> Option<()> {
        let end = self.at.checked_add(bytes.len())?;
        self.block.get_mut(self.at..end)?.copy_from_slice(bytes);
        self.at = end;
        Some(())
    }
}

/// Walks a packed block: each field's name, and the range of its value. Packing is ours and always well
/// formed; a truncated block would end the walk rather than panic.
#[derive(Clone)]
struct Spans<'a> {
    block: &'a [u8],
    at: usize,
}

impl<'a> Iterator for Spans<'a> {
    type Item = (&'a [u8], Range<usize>);

    fn next(&mut self) -> Option<Self::Item> {
        let length = |offset: usize| -> Option<usize> {
            let bytes = self.block.get(self.at + offset..self.at + offset + 4)?;
            usize::try_from(u32::from_le_bytes(bytes.try_into().ok()?)).ok()
        };
        let (name_len, value_len) = (length(0)?, length(4)?);
        let name_start = self.at + HEADER;
        let value_start = name_start.checked_add(name_len)?;
        let value_end = value_start.checked_add(value_len)?;
        if value_end > self.block.len() {
            return None;
        }
        self.at = value_end;
        Some((&self.block[name_start..value_start], value_start..value_end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Patch, Record};

    #[test]
    fn fields_round_trip_and_patch() {
        let fields = HashMap::from([("cart".to_owned(), b"[1,2]".to_vec()), ("user".to_owned(), Vec::new())]);
        let packed = PackedFields::pack(fields.iter().map(|(n, v)| (n.as_str(), v.as_slice()))).unwrap();
        assert_eq!(packed.len(), 2 * HEADER + 4 + 5 + 4);
        assert_eq!(packed.unpack(), fields);
        assert_eq!(
            (packed.get("cart"), packed.get("user"), packed.get("use")),
            (Some(&b"[1,2]"[..]), Some(&[][..]), None)
        );

        let changes = [("cart", None), ("notice", Some(b"\"hi\"".to_vec())), ("user", Some(b"7".to_vec()))];
        let patched = packed.patched(&changes).unwrap().unpack();
        let expected = HashMap::from([("notice".to_owned(), b"\"hi\"".to_vec()), ("user".to_owned(), b"7".to_vec())]);
        assert_eq!(patched, expected);
    }

    #[test]
    fn a_save_of_same_length_values_changes_the_block_in_place_unless_a_request_holds_it() {
        let fields = [("count", &b"41"[..]), ("user", &b"7"[..])];
        let mut shared = PackedFields::pack(fields.into_iter()).unwrap();
        let block = shared.0.as_ptr();
        patch(&mut shared, &[("count", Some(b"42".to_vec()))]).unwrap();
        assert_eq!(shared.0.as_ptr(), block, "overwritten where it lies");
        assert_eq!(shared.iter().collect::<Vec<_>>(), [("count", &b"42"[..]), ("user", &b"7"[..])]);

        let held = shared.clone();
        patch(&mut shared, &[("count", Some(b"43".to_vec()))]).unwrap();
        assert_eq!(held.get("count"), Some(&b"42"[..]), "a request's copy never changes");
        assert_eq!(shared.get("count"), Some(&b"43"[..]));
        drop(held);

        let other_shapes: [&[Change]; 3] =
            [&[("count", Some(b"100".to_vec()))], &[("user", None)], &[("new", Some(b"1".to_vec()))]];
        for changes in other_shapes {
            let mut expected = Record { fields: shared.unpack(), ..Record::default() };
            expected.apply(&Patch { changes, expires_at: 0 });
            patch(&mut shared, changes).unwrap();
            assert_eq!(shared.unpack(), expected.fields, "{changes:?}");
        }
    }

    #[test]
    fn a_truncated_block_ends_the_fields_without_panicking() {
        let packed = PackedFields::pack([("name", &b"value"[..])].into_iter()).unwrap();
        for cut in 0..packed.0.len() {
            assert_eq!(Spans { block: &packed.0[..cut], at: 0 }.count(), 0);
        }
    }
}
