//! [`Secret`]: a value that may live in the session store but never in a cookie or a log.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Wraps a value that must stay on the server: it serializes as the inner value (so it can be a
/// `#[session]` field), prints as `Secret(..)`, and does not implement
/// [`CookieValue`](crate::CookieValue), so routing it to a cookie is a compile error.
///
/// ```
/// use session_core::Secret;
///
/// let token = Secret::new(String::from("s3cr3t"));
/// assert_eq!(format!("{token:?}"), "Secret(..)");
/// assert_eq!(token.expose(), "s3cr3t");
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    /// Wraps `value`.
    pub fn new(value: T) -> Self {
        Secret(value)
    }

    /// The inner value; the name makes each use easy to find in review.
    pub fn expose(&self) -> &T {
        &self.0
    }

    /// Unwraps the inner value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(..)")
    }
}

impl<T: Serialize> Serialize for Secret<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Secret<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(Secret)
    }
}
