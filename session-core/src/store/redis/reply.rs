//! What a [`RedisStore`](crate::RedisStore) makes of Redis's replies.

use redis::Value;

use super::{now_millis, OwnerKey, Record, StoreError, FIELD_PREFIX, OWNER, TIMES};

/// The record in an `HGETALL` reply (a RESP2 array of names and values, or a RESP3 map), its buffers moved
/// into it, not copied. `None` for an empty reply (no such key), for a hash without `t` (no record of this
/// store) and for a record past its deadline, which Redis has not reclaimed yet.
pub(super) fn parse_record(reply: Value) -> Result<Option<Record>, StoreError> {
    let pairs: Vec<(Value, Value)> = match reply {
        Value::Array(items) => {
            let mut items = items.into_iter();
            std::iter::from_fn(|| Some((items.next()?, items.next()?))).collect()
        }
        Value::Map(pairs) => pairs,
        Value::Nil => Vec::new(),
        other => return Err(StoreError::new(format!("Redis answered HGETALL with {other:?}"))),
    };
    let (mut times, mut owner) = (None, None);
    let mut fields = std::collections::HashMap::with_capacity(pairs.len().saturating_sub(1));
    for pair in pairs {
        let (Value::BulkString(name), Value::BulkString(value)) = pair else {
            return Err(StoreError::new("Redis answered HGETALL with a value that is not a string"));
        };
        if name == TIMES.as_bytes() {
            let malformed = || StoreError::new("a session record's `t` is malformed").unreadable();
            times = Some(parse_times(&value).ok_or_else(malformed)?);
        } else if name == OWNER.as_bytes() {
            let malformed = || StoreError::new("a session record's `o` is malformed").unreadable();
            owner = Some(owner_of_index(&value).ok_or_else(malformed)?);
        } else if let Some(field) = field_name(name) {
            fields.insert(field, value);
        }
    }
    let Some([expires_at, last_seen, created_at]) = times else { return Ok(None) };
    let record = Record { fields, created_at, last_seen, expires_at, owner };
    Ok((!record.is_expired(now_millis())).then_some(record))
}

/// The session field a stored name holds, `f:` taken off in place: no copy.
fn field_name(mut name: Vec<u8>) -> Option<String> {
    if !name.starts_with(FIELD_PREFIX.as_bytes()) {
        return None;
    }
    name.drain(..FIELD_PREFIX.len());
    String::from_utf8(name).ok()
}

/// The key an index or session name ends in: its last 64 hex digits.
pub(super) fn hash_at_end(name: &[u8]) -> Option<&str> {
    let start = name.len().checked_sub(64)?;
    std::str::from_utf8(&name[start..]).ok()
}

/// The owner whose index is named `index`.
fn owner_of_index(index: &[u8]) -> Option<OwnerKey> {
    OwnerKey::from_hex(hash_at_end(index)?)
}

/// `<expires> <last seen> <created>`.
pub(super) fn parse_times(bytes: &[u8]) -> Option<[u64; 3]> {
    let mut numbers = std::str::from_utf8(bytes).ok()?.split(' ').map(|number| number.parse().ok());
    let times = [numbers.next()??, numbers.next()??, numbers.next()??];
    numbers.next().is_none().then_some(times)
}
