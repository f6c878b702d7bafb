//! [`CookieValue`] for id and time types of other crates, each behind a feature of the same name.

#[cfg(any(feature = "uuid", feature = "time"))]
use super::{Bound, CookieValue};

/// Hyphenated lowercase, as `Uuid`'s `Display` writes it: 36 bytes, and only the canonical form decodes.
#[cfg(feature = "uuid")]
impl CookieValue for uuid::Uuid {
    const BOUND: Bound = Bound::Fixed(uuid::fmt::Hyphenated::LENGTH);
    const SEPARATOR_FREE: bool = true;

    fn shape() -> String {
        "uuid".to_owned()
    }

    fn encode(&self, out: &mut String) {
        out.push_str(self.hyphenated().encode_lower(&mut uuid::Uuid::encode_buffer()));
    }

    fn decode(encoded: &str) -> Option<Self> {
        let id = uuid::Uuid::try_parse(encoded).ok()?;
        (id.hyphenated().encode_lower(&mut uuid::Uuid::encode_buffer()) == encoded).then_some(id)
    }
}

/// Nanoseconds since the Unix epoch, in decimal: the instant is kept exactly, the offset is not (it decodes
/// in UTC).
#[cfg(feature = "time")]
impl CookieValue for time::OffsetDateTime {
    const BOUND: Bound = <i128 as CookieValue>::BOUND;
    const SEPARATOR_FREE: bool = true;

    fn shape() -> String {
        "timestamp".to_owned()
    }

    fn encode(&self, out: &mut String) {
        self.unix_timestamp_nanos().encode(out);
    }

    fn decode(encoded: &str) -> Option<Self> {
        time::OffsetDateTime::from_unix_timestamp_nanos(i128::decode(encoded)?).ok()
    }
}
