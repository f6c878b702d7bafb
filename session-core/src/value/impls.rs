//! [`CookieValue`] for the standard types.

use super::{escape_into, first_reason, unescape, Bound, CookieValue, ESCAPE_GROWTH, SEPARATOR, UNBOUNDED};

/// Decimal digits of `n`, plus one for a sign when `negative`.
const fn decimal_len(mut n: u128, negative: bool) -> usize {
    let mut digits = 1;
    while n >= 10 {
        n /= 10;
        digits += 1;
    }
    digits + negative as usize
}

macro_rules! integers {
    ($($t:ty),*) => {$(
        impl CookieValue for $t {
            // The longer of the two extremes: `-128` is longer than `127`.
            const BOUND: Bound = {
                let max = decimal_len(<$t>::MAX as u128, false);
                let min = decimal_len((<$t>::MIN as i128).unsigned_abs(), <$t>::MIN != 0);
                Bound::Fixed(if max > min { max } else { min })
            };
            const SEPARATOR_FREE: bool = true;

            fn shape() -> String {
                stringify!($t).to_owned()
            }

            fn encode(&self, out: &mut String) {
                use std::fmt::Write;
                // Writing to a `String` cannot fail.
                let _ = write!(out, "{self}");
            }

            fn decode(encoded: &str) -> Option<Self> {
                // `+7` and `007` would parse, but are not what `encode` writes: refuse them so every value
                // has exactly one encoding.
                let canonical = !encoded.starts_with('+')
                    && !(encoded.len() > 1 && encoded.trim_start_matches('-').starts_with('0'));
                if canonical { encoded.parse().ok() } else { None }
            }
        }
    )*};
}

integers!(u8, u16, u32, u64, u128, usize, i8, i16, i32, i64, i128, isize);

impl CookieValue for bool {
    const BOUND: Bound = Bound::Fixed(5);
    const SEPARATOR_FREE: bool = true;

    fn shape() -> String {
        "bool".to_owned()
    }

    fn encode(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }

    fn decode(encoded: &str) -> Option<Self> {
        match encoded {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    }
}

impl CookieValue for char {
    const BOUND: Bound = Bound::Fixed(4 * ESCAPE_GROWTH);

    fn shape() -> String {
        "char".to_owned()
    }

    fn encode(&self, out: &mut String) {
        escape_into(self.encode_utf8(&mut [0; 4]), out);
    }

    fn decode(encoded: &str) -> Option<Self> {
        let text = unescape(encoded)?;
        let mut chars = text.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => Some(c),
            _ => None,
        }
    }
}

impl CookieValue for String {
    const BOUND: Bound = Bound::Growing { base: 0, per_unit: ESCAPE_GROWTH };

    fn shape() -> String {
        "str".to_owned()
    }

    fn len_units(&self) -> usize {
        self.len()
    }

    fn encode(&self, out: &mut String) {
        escape_into(self, out);
    }

    fn decode(encoded: &str) -> Option<Self> {
        unescape(encoded)
    }

    const PRIVATE_BOUND: Bound = Bound::Growing { base: 0, per_unit: 1 };

    fn encode_private(&self, out: &mut String) {
        out.push_str(self);
    }

    fn private_shape() -> String {
        "str as written".to_owned()
    }

    fn decode_private(encoded: &str) -> Option<Self> {
        Some(encoded.to_owned())
    }
}

/// `None` is the empty string; `Some(v)` is `~` followed by `v`, so `Some("")` and `None` differ.
impl<T: CookieValue> CookieValue for Option<T> {
    const BOUND: Bound = match T::BOUND {
        Bound::Fixed(n) => Bound::Fixed(n.saturating_add(1)),
        Bound::Growing { base, per_unit } => Bound::Growing { base: base.saturating_add(1), per_unit },
    };
    const SEPARATOR_FREE: bool = T::SEPARATOR_FREE;
    const NOT_FOR_PLAIN_COOKIES: Option<&'static str> = T::NOT_FOR_PLAIN_COOKIES;
    const NOT_FOR_COOKIES: Option<&'static str> = T::NOT_FOR_COOKIES;

    fn shape() -> String {
        format!("option<{}>", T::shape())
    }

    fn len_units(&self) -> usize {
        self.as_ref().map_or(0, T::len_units)
    }

    fn encode(&self, out: &mut String) {
        if let Some(value) = self {
            out.push('~');
            value.encode(out);
        }
    }

    fn decode(encoded: &str) -> Option<Self> {
        if encoded.is_empty() {
            return Some(None);
        }
        T::decode(encoded.strip_prefix('~')?).map(Some)
    }

    const PRIVATE_BOUND: Bound = match T::PRIVATE_BOUND {
        Bound::Fixed(n) => Bound::Fixed(n.saturating_add(1)),
        Bound::Growing { base, per_unit } => Bound::Growing { base: base.saturating_add(1), per_unit },
    };

    fn private_shape() -> String {
        format!("option<{}>", T::private_shape())
    }

    fn encode_private(&self, out: &mut String) {
        if let Some(value) = self {
            out.push('~');
            value.encode_private(out);
        }
    }

    fn decode_private(encoded: &str) -> Option<Self> {
        if encoded.is_empty() {
            return Some(None);
        }
        T::decode_private(encoded.strip_prefix('~')?).map(Some)
    }
}

/// Writes `value` as one part of a composite: escaped unless its encoding is separator-free.
pub(crate) fn encode_part<T: CookieValue>(value: &T, out: &mut String) {
    if T::SEPARATOR_FREE {
        value.encode(out);
    } else {
        let mut plain = String::new();
        value.encode(&mut plain);
        escape_into(&plain, out);
    }
}

pub(crate) fn decode_part<T: CookieValue>(part: &str) -> Option<T> {
    if T::SEPARATOR_FREE {
        T::decode(part)
    } else {
        T::decode(&unescape(part)?)
    }
}

/// `Vec<T>` needs `max_len` (the most elements); each element is preceded by the separator so that an
/// empty vector and a vector of one empty element differ.
impl<T: CookieValue> CookieValue for Vec<T> {
    const BOUND: Bound = match T::BOUND.embedded(T::SEPARATOR_FREE) {
        Bound::Fixed(n) => Bound::Growing { base: 0, per_unit: n.saturating_add(1) },
        Bound::Growing { .. } => UNBOUNDED,
    };
    const SEPARATOR_FREE: bool = false;
    const NOT_FOR_PLAIN_COOKIES: Option<&'static str> = T::NOT_FOR_PLAIN_COOKIES;
    const NOT_FOR_COOKIES: Option<&'static str> = T::NOT_FOR_COOKIES;

    fn shape() -> String {
        format!("[{}]", T::shape())
    }

    fn len_units(&self) -> usize {
        self.len()
    }

    fn encode(&self, out: &mut String) {
        for item in self {
            out.push(SEPARATOR as char);
            encode_part(item, out);
        }
    }

    fn decode(encoded: &str) -> Option<Self> {
        if encoded.is_empty() {
            return Some(Vec::new());
        }
        encoded.strip_prefix(SEPARATOR as char)?.split(SEPARATOR as char).map(decode_part).collect()
    }
}

impl<T: CookieValue, const N: usize> CookieValue for [T; N] {
    const BOUND: Bound = match T::BOUND.embedded(T::SEPARATOR_FREE) {
        Bound::Fixed(n) => Bound::Fixed(n.saturating_mul(N).saturating_add(N.saturating_sub(1))),
        Bound::Growing { .. } => UNBOUNDED,
    };
    const NOT_FOR_PLAIN_COOKIES: Option<&'static str> = T::NOT_FOR_PLAIN_COOKIES;
    const NOT_FOR_COOKIES: Option<&'static str> = T::NOT_FOR_COOKIES;

    fn shape() -> String {
        format!("[{}; {N}]", T::shape())
    }

    fn encode(&self, out: &mut String) {
        for (i, item) in self.iter().enumerate() {
            if i > 0 {
                out.push(SEPARATOR as char);
            }
            encode_part(item, out);
        }
    }

    fn decode(encoded: &str) -> Option<Self> {
        if N == 0 {
            return encoded.is_empty().then(|| Vec::new().try_into().ok()).flatten();
        }
        let items: Option<Vec<T>> = encoded.split(SEPARATOR as char).map(decode_part).collect();
        items?.try_into().ok()
    }
}

macro_rules! tuples {
    ($(($($name:ident $index:tt),+))*) => {$(
        impl<$($name: CookieValue),+> CookieValue for ($($name,)+) {
            const BOUND: Bound = Bound::join(&[$($name::BOUND.embedded($name::SEPARATOR_FREE)),+]);
            const NOT_FOR_PLAIN_COOKIES: Option<&'static str> =
                first_reason(&[$($name::NOT_FOR_PLAIN_COOKIES),+]);
            const NOT_FOR_COOKIES: Option<&'static str> = first_reason(&[$($name::NOT_FOR_COOKIES),+]);

            fn shape() -> String {
                format!("({})", [$($name::shape()),+].join(", "))
            }

            fn encode(&self, out: &mut String) {
                let mut first = true;
                $(
                    if !std::mem::take(&mut first) {
                        out.push(SEPARATOR as char);
                    }
                    encode_part(&self.$index, out);
                )+
            }

            fn decode(encoded: &str) -> Option<Self> {
                let mut parts = encoded.split(SEPARATOR as char);
                let value = ($(decode_part::<$name>(parts.next()?)?,)+);
                parts.next().is_none().then_some(value)
            }
        }
    )*};
}

tuples! {
    (A 0)
    (A 0, B 1)
    (A 0, B 1, C 2)
    (A 0, B 1, C 2, D 3)
    (A 0, B 1, C 2, D 3, E 4)
    (A 0, B 1, C 2, D 3, E 4, F 5)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded<T: CookieValue>(value: &T) -> String {
        let mut out = String::new();
        value.encode(&mut out);
        out
    }

    #[test]
    fn integer_bounds_are_exact() {
        assert_eq!(u8::BOUND, Bound::Fixed(3));
        assert_eq!(i8::BOUND, Bound::Fixed(4));
        assert_eq!(u64::BOUND, Bound::Fixed(20));
        assert_eq!(i64::BOUND, Bound::Fixed(20));
        assert_eq!(i128::BOUND, Bound::Fixed(40));
        assert_eq!(encoded(&i64::MIN).len(), 20);
        assert_eq!(encoded(&u128::MAX).len(), 39);
    }

    #[test]
    fn integers_have_one_encoding() {
        assert_eq!(u8::decode("7"), Some(7));
        assert_eq!(u8::decode("07"), None);
        assert_eq!(i8::decode("-0"), None);
        assert_eq!(u8::decode("+7"), None);
        assert_eq!(u8::decode("0"), Some(0));
    }

    #[test]
    fn option_distinguishes_none_from_empty() {
        assert_eq!(encoded(&None::<String>), "");
        assert_eq!(encoded(&Some(String::new())), "~");
        assert_eq!(Option::<String>::decode("~"), Some(Some(String::new())));
        assert_eq!(Option::<String>::decode(""), Some(None));
    }

    #[test]
    fn vec_distinguishes_empty_from_one_empty_element() {
        assert_eq!(encoded(&Vec::<String>::new()), "");
        assert_eq!(encoded(&vec![String::new()]), ":");
        assert_eq!(Vec::<String>::decode(":"), Some(vec![String::new()]));
        assert_eq!(encoded(&vec![1u8, 2]), ":1:2");
    }

    #[test]
    fn nested_composites_escape_their_parts() {
        let value = (String::from("a:b"), [1u8, 2], Some((true, 'x')));
        let text = encoded(&value);
        assert_eq!(<(String, [u8; 2], Option<(bool, char)>)>::decode(&text), Some(value));
    }

    #[test]
    fn vec_of_strings_is_unbounded() {
        assert_eq!(<Vec<String>>::BOUND.worst_case(Some(3)), None);
    }
}
