//! The description of one cookie field, written by the derive as a constant.

/// How a cookie value is protected on the client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protection {
    /// Sent as it is: the user can read and change it.
    Plain,
    /// An HMAC-SHA256 over name and value is prepended: readable, but any change is detected.
    Signed,
    /// Encrypted and authenticated with AES-256-GCM, the name as associated data: hidden and tamper-evident.
    Private,
}

/// Length of a base64url (unpadded) HMAC-SHA256 tag.
pub(crate) const SIGNATURE_LEN: usize = 43;
/// AES-GCM nonce and tag bytes added to a private value before base64url.
pub(crate) const PRIVATE_OVERHEAD: usize = 12 + 16;

impl Protection {
    /// The worst-case length of a protected value whose plain encoding is at most `value_len` bytes.
    pub const fn protected_len(self, value_len: usize) -> usize {
        match self {
            Protection::Plain => value_len,
            Protection::Signed => value_len.saturating_add(SIGNATURE_LEN),
            Protection::Private => base64_len(value_len.saturating_add(PRIVATE_OVERHEAD)),
        }
    }

    /// Who can see or change a cookie protected this way, in words for [`report`](crate::report()).
    pub const fn exposure(self) -> &'static str {
        match self {
            Protection::Plain => "visible and modifiable by the user",
            Protection::Signed => "visible to the user, tampering detected",
            Protection::Private => "hidden from the user, tampering detected",
        }
    }

    /// The lowercase name used in `#[cookie(...)]`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Protection::Plain => "plain",
            Protection::Signed => "signed",
            Protection::Private => "private",
        }
    }
}

/// Length of the unpadded base64 encoding of `n` bytes.
const fn base64_len(n: usize) -> usize {
    n / 3 * 4
        + match n % 3 {
            0 => 0,
            1 => 2,
            _ => 3,
        }
}

/// The `SameSite` attribute of a cookie.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SameSite {
    /// Sent on top-level navigations from other sites, not on their subrequests (the default).
    Lax,
    /// Never sent from other sites.
    Strict,
    /// Sent everywhere; requires `Secure`.
    None,
}

/// Everything the runtime needs to know about one `#[cookie]` field, fixed at compile time.
#[derive(Clone, Copy, Debug)]
pub struct CookieSpec {
    /// The cookie name.
    pub name: &'static str,
    /// How the value is protected.
    pub protection: Protection,
    /// `max_len`: the most units (string bytes, sequence elements) the setter accepts.
    pub max_len: Option<usize>,
    /// `Max-Age` in seconds; `None` for a browser-session cookie.
    pub max_age_secs: Option<u64>,
    /// `HttpOnly`.
    pub http_only: bool,
    /// `Secure`.
    pub secure: bool,
    /// `SameSite`.
    pub same_site: SameSite,
    /// `Path` (default `/`).
    pub path: &'static str,
    /// `Domain`, when set.
    pub domain: Option<&'static str>,
    /// `Partitioned` (CHIPS).
    pub partitioned: bool,
    /// `rename_from`: the name an earlier release gave the cookie. When the browser has no cookie under
    /// [`name`](Self::name), the value is read under this one (verified for this name), re-issued under the
    /// new name and the old cookie cleared.
    pub rename_from: Option<&'static str>,
}

impl CookieSpec {
    /// A signed, `HttpOnly`, `Secure`, `SameSite=Lax` browser-session cookie on `/`: the defaults of
    /// `#[cookie]`.
    pub const fn new(name: &'static str) -> Self {
        CookieSpec {
            name,
            protection: Protection::Signed,
            max_len: None,
            max_age_secs: None,
            http_only: true,
            secure: true,
            same_site: SameSite::Lax,
            path: "/",
            domain: None,
            partitioned: false,
            rename_from: None,
        }
    }

    /// The worst-case bytes of name and protected value for a plain encoding of at most `value_len` bytes.
    pub const fn worst_case_len(&self, value_len: usize) -> usize {
        self.name.len().saturating_add(self.protection.protected_len(value_len))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_lengths_match_the_engine() {
        use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
        for n in 0..100 {
            assert_eq!(base64_len(n), URL_SAFE_NO_PAD.encode(vec![0u8; n]).len());
        }
        assert_eq!(URL_SAFE_NO_PAD.encode([0u8; 32]).len(), SIGNATURE_LEN);
    }
}
