//! Cookie fields and the id cookie: read straight from the request, queued as Set-Cookie for the response.

use std::{borrow::Cow, sync::atomic::Ordering};

use http::{header::SET_COOKIE, HeaderMap, HeaderValue};
use smallvec::SmallVec;

use super::RawSession;
use crate::__private::CookieField;
use crate::{
    cookie::{protect_in, sign_id, unprotect_bytes, verify_id, CookieSpec, Protection, SetCookie, MAX_COOKIE_BYTES},
    id::{has_id_cookie_shape, ID_COOKIE_VALUE_LEN, ID_TEXT_LEN},
    value::CookieValue,
    Error, SessionId,
};

/// The longest signed cookie value signed on the stack; longer ones get a buffer of their own.
const SIGNED_ON_STACK: usize = 256;

/// What this request did with cookies, so reads see its own writes and a bad cookie is logged once.
#[derive(Default)]
pub(super) struct CookieLog {
    /// Plain encodings set by this request (`None`: removed), newest last.
    written: SmallVec<[(&'static str, Option<String>); 1]>,
    /// Cookies already reported as failing verification or decoding.
    warned: Vec<&'static str>,
    /// The Set-Cookie headers of the response, at most one per cookie name. (Inline for one, so a
    /// response that sets only the id cookie, or one field, allocates nothing for the list.)
    outgoing: SmallVec<[(Cow<'static, str>, HeaderValue); 1]>,
}

impl CookieLog {
    /// Queues a Set-Cookie for the response, replacing what this request queued earlier under `name`.
    fn queue(&mut self, name: Cow<'static, str>, header: Option<HeaderValue>) {
        // Names and values are RFC 6265 octets and the attributes were validated, so `header` is always
        // there; if it were not, sending nothing is the safe failure.
        let Some(header) = header else {
            tracing::error!(cookie = %name, "a Set-Cookie line did not form a valid header; not sent");
            return;
        };
        self.outgoing.retain(|(queued, _)| *queued != name);
        self.outgoing.push((name, header));
    }
}

/// What the browser sent under a cookie field's name.
enum Sent<'s, T> {
    Nothing,
    /// Values, none of which verified, decoded and kept within `max_len`.
    Unusable,
    /// Values that verified as two different ones: the visitor's own, and one planted beside it on a
    /// longer path by a sibling subdomain, which may be authentic (the planter's own, set by this app).
    /// Which is the visitor's cannot be told, so neither is read.
    Conflicting,
    /// More values than [`MAX_COOKIE_VALUES`]: the visitor's own may be among those left unread, behind
    /// copies of one authentic value planted on longer paths, which must not win by their number.
    TooMany,
    Verified(Verified<'s, T>),
}

/// A cookie field's value as the browser sent it, verified and decoded.
struct Verified<'s, T> {
    value: T,
    /// Its plain encoding, borrowed from the request where no decryption was needed.
    plain: Cow<'s, str>,
    /// The key that verified it: 0 is the current one.
    key_index: usize,
}

/// The id cookie as the browser sent it.
pub(super) enum IncomingId {
    Absent,
    /// Present, but no value carried an authentic, well-formed id.
    Rejected,
    /// Values carried different authentic ids, or there were more values than [`MAX_COOKIE_VALUES`]: the
    /// authentic ids among the first `MAX_COOKIE_VALUES` values, each once. None is adopted, and the cookie is
    /// not cleared: a removal reaches only the cookie under this layer's path and domain, the visitor's
    /// own, and a planted one would then be all the browser sent. `destroy` ends them all.
    Conflicting(Vec<SessionId>),
    Valid {
        id: SessionId,
        verified_with_previous_key: bool,
    },
}

/// The most values of one cookie, the id cookie or a field's, a request is read with. A browser sends one
/// per path and domain that holds one: a visitor's own, and any that a sibling subdomain planted on longer
/// paths. Each value costs a MAC check per key, so a header of thousands of forged copies must not cost
/// thousands.
pub(super) const MAX_COOKIE_VALUES: usize = 8;

impl RawSession {
    pub(super) fn cookie_log(&self) -> std::sync::MutexGuard<'_, CookieLog> {
        self.0.cookie_log.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The log, about to record a cookie this request sets or removes.
    fn cookie_log_to_change(&self) -> std::sync::MutexGuard<'_, CookieLog> {
        self.0.cookies_changed.store(true, Ordering::Release);
        self.cookie_log()
    }

    /// Whether this request set or removed any cookie: until it does, reads and the response skip the log.
    fn cookies_changed(&self) -> bool {
        self.0.cookies_changed.load(Ordering::Acquire)
    }

    /// Reads a cookie field: `None` if absent, forged, no longer decodable as `T`, or longer than its
    /// `max_len`. No I/O.
    pub fn cookie_get<F: CookieField>(&self) -> Option<F::Value> {
        self.read_cookie(&F::SPEC)
    }

    /// Sets a cookie field: refused with [`Error::CookieTooLarge`] past `max_len` or 4096 bytes, and with
    /// [`Error::HandlerReturned`] once the response has left; then nothing is sent.
    pub fn cookie_set<F: CookieField>(&self, value: &F::Value) -> Result<(), Error> {
        self.write_cookie(&F::SPEC, value)
    }

    /// Removes a cookie field from the browser (if it has it or this request set it). Once the response has
    /// left, nothing can be sent: that is logged as a warning.
    pub fn cookie_remove<F: CookieField>(&self) {
        self.remove_cookie(&F::SPEC)
    }

    fn read_cookie<T: CookieValue>(&self, spec: &CookieSpec) -> Option<T> {
        if self.is_closed() {
            // The response's headers have gone without `Vary: Cookie`: a body made from the visitor's
            // cookies now could be cached and handed to the next visitor.
            tracing::warn!(
                cookie = spec.name,
                "cookie field read after its handler returned (in a response body stream, an upgrade callback \
                 or a spawned task): read as absent; read it before returning the response"
            );
            return None;
        }
        self.mark_read();
        if self.is_id_cookie(spec) {
            return None;
        }
        if self.cookies_changed() {
            if let Some((_, written)) = self.cookie_log().written.iter().rev().find(|(name, _)| *name == spec.name) {
                return written.as_deref().and_then(|plain| decode(spec, plain));
            }
        }
        let mut sent = self.verified_cookie::<T>(spec, spec.name);
        if let Sent::Verified(Verified { value, plain, key_index }) = sent {
            if key_index > 0 {
                // Verified by a previous key: re-issue under the current one, so the old key can retire.
                // It fitted before, under the same bound, so it fits now.
                let _ = self.queue_cookie(spec, plain.into_owned());
            }
            return Some(value);
        }
        // `rename_from`: only when the browser has nothing under the new name, the value an earlier release
        // set under the old one, verified for the old name (the MAC and the AEAD bind the name).
        if let Some(old) = self.renamed_from(spec).filter(|_| matches!(sent, Sent::Nothing)) {
            sent = self.verified_cookie::<T>(spec, old);
            if let Sent::Verified(Verified { value, plain, .. }) = sent {
                tracing::debug!(cookie = spec.name, from = old, "moving a renamed cookie");
                // Moved on a later request if this one's cookies have already gone.
                let _ = self.queue_cookie(spec, plain.into_owned()).and_then(|()| self.clear_renamed_cookie(spec));
                return Some(value);
            }
        }
        let problem = match sent {
            Sent::Nothing | Sent::Verified(_) => return None,
            Sent::Unusable => {
                "cookie failed verification, no longer decodes or is over its max_len; reading it as absent"
            }
            Sent::Conflicting => {
                "cookie sent with two different valid values (one planted on a longer path by another subdomain?); \
                 reading it as absent"
            }
            Sent::TooMany => {
                "cookie sent more than eight times (copies planted on longer paths by another subdomain?); reading \
                 it as absent"
            }
        };
        let mut log = self.cookie_log();
        if !log.warned.contains(&spec.name) {
            log.warned.push(spec.name);
            tracing::warn!(cookie = spec.name, "{problem}");
        }
        None
    }

    /// The value sent under `name` that verifies for `name` under one of the keys, decodes as `T` and is
    /// within `max_len`; unless two different ones do, or there are more than [`MAX_COOKIE_VALUES`].
    fn verified_cookie<T: CookieValue>(&self, spec: &CookieSpec, name: &'static str) -> Sent<'_, T> {
        let keys = &self.0.shared.keys;
        let mut sent = Sent::Nothing;
        for (index, value) in self.0.cookie_header.values(name).enumerate() {
            if index == MAX_COOKIE_VALUES {
                return Sent::TooMany;
            }
            if matches!(sent, Sent::Nothing) {
                sent = Sent::Unusable;
            }
            let Some((plain, key_index)) = unprotect_bytes(spec.protection, name, value, keys) else {
                continue;
            };
            let Some(value) = decode::<T>(spec, &plain) else { continue };
            // The setter refuses a longer value, so a client sent it: taken as it is, it could not even be
            // written back.
            if spec.max_len.is_some_and(|limit| value.len_units() > limit) {
                continue;
            }
            match &sent {
                // The same value twice (one set before a key rotation, say) is one value.
                Sent::Verified(first) if first.plain == plain => {}
                Sent::Verified(_) => return Sent::Conflicting,
                _ => sent = Sent::Verified(Verified { value, plain, key_index }),
            }
        }
        sent
    }

    /// A field cookie under the name this layer gives the session id cookie (`with_cookie_name`; the
    /// derive refuses the default names): never read, written or removed as the field's, so it cannot
    /// replace or clear the session.
    fn is_id_cookie(&self, spec: &CookieSpec) -> bool {
        spec.name == *self.id_cookie_name()
    }

    /// The field's `rename_from` name, unless it is this request's id cookie: that one is the session's,
    /// never a field's to read or delete.
    fn renamed_from(&self, spec: &CookieSpec) -> Option<&'static str> {
        spec.rename_from.filter(|old| *old != *self.id_cookie_name())
    }

    /// Tells the browser to delete the cookie the field had under its `rename_from` name, if it sent one.
    fn clear_renamed_cookie(&self, spec: &CookieSpec) -> Result<(), Error> {
        let Some(old) = self.renamed_from(spec) else { return Ok(()) };
        if self.0.cookie_header.contains(old) {
            let line = SetCookie { name: old, ..self.field_cookie(spec, "") };
            self.send_for_handler(Cow::Borrowed(old), line.removal_header())?;
        }
        Ok(())
    }

    fn write_cookie<T: CookieValue>(&self, spec: &CookieSpec, value: &T) -> Result<(), Error> {
        if self.is_id_cookie(spec) {
            return Err(Error::Config(format!(
                "cookie field `{0}` has the session id cookie's name: setting it would replace the visitor's \
                 session id; rename one of them (`#[cookie(name = \"...\")]` on the field, or \
                 `SessionLayer::with_cookie_name`)",
                spec.name
            )));
        }
        if let Some(limit) = spec.max_len {
            let len = value.len_units();
            if len > limit {
                return Err(Error::CookieTooLarge { cookie: spec.name, len, limit });
            }
        }
        self.queue_cookie(spec, encode(spec, value))?;
        self.clear_renamed_cookie(spec)
    }

    fn remove_cookie(&self, spec: &CookieSpec) {
        if self.is_id_cookie(spec) {
            return;
        }
        let mut log = self.cookie_log_to_change();
        if self.is_closed() {
            drop(log);
            tracing::warn!(cookie = spec.name, error = %Error::HandlerReturned, "cookie not removed");
            return;
        }
        let set_here = log.written.iter().any(|(name, _)| *name == spec.name);
        log.written.push((spec.name, None));
        drop(log);
        let removed = if set_here || self.0.cookie_header.contains(spec.name) {
            self.send_for_handler(Cow::Borrowed(spec.name), self.field_cookie(spec, "").removal_header())
        } else {
            Ok(())
        };
        // The accessor returns nothing (removing cannot fail otherwise), so a removal too late to be sent
        // is said in the log.
        if let Err(error) = removed.and_then(|()| self.clear_renamed_cookie(spec)) {
            tracing::warn!(cookie = spec.name, %error, "cookie not removed");
        }
    }

    /// Queues the Set-Cookie of `plain` (the encoded value, kept for this request's own reads).
    fn queue_cookie(&self, spec: &CookieSpec, plain: String) -> Result<(), Error> {
        // The protected value only passes through on its way into the Set-Cookie line: signed on the stack
        // when it is of the usual size, rather than given an allocation of its own.
        let mut scratch = [0; SIGNED_ON_STACK];
        let protected = protect_in(spec.protection, spec.name, &plain, &self.0.shared.keys[0], &mut scratch);
        let len = spec.name.len() + protected.len();
        if len > MAX_COOKIE_BYTES {
            return Err(Error::CookieTooLarge { cookie: spec.name, len, limit: MAX_COOKIE_BYTES });
        }
        self.send_for_handler(Cow::Borrowed(spec.name), self.field_cookie(spec, &protected).header())?;
        self.cookie_log_to_change().written.push((spec.name, Some(plain)));
        Ok(())
    }

    /// Queues the Set-Cookie of a field cookie the handler set or removed: refused once the handler has
    /// returned (see `RawSession::close`), when the response's cookies are sent or about to be. Checked with
    /// the log locked, so a line either is queued before they are sent or is refused.
    fn send_for_handler(&self, name: Cow<'static, str>, header: Option<HeaderValue>) -> Result<(), Error> {
        let mut log = self.cookie_log_to_change();
        if self.is_closed() {
            return Err(Error::HandlerReturned);
        }
        log.queue(name, header);
        Ok(())
    }

    /// Queues a Set-Cookie of the layer's own, for the id cookie.
    fn send(&self, name: Cow<'static, str>, header: Option<HeaderValue>) {
        self.cookie_log_to_change().queue(name, header);
    }

    /// Moves the queued Set-Cookie headers into the response's `headers`, keeping the handler's own.
    /// Returns whether there were any.
    pub(crate) fn write_set_cookies(&self, headers: &mut HeaderMap) -> bool {
        if !self.cookies_changed() {
            return false;
        }
        let outgoing = std::mem::take(&mut self.cookie_log().outgoing);
        let wrote = !outgoing.is_empty();
        for (_, header) in outgoing {
            headers.append(SET_COOKIE, header);
        }
        wrote
    }

    fn field_cookie<'a>(&self, spec: &'a CookieSpec, value: &'a str) -> SetCookie<'a> {
        SetCookie {
            name: spec.name,
            value,
            http_only: spec.http_only,
            same_site: spec.same_site,
            partitioned: spec.partitioned,
            secure: spec.secure && self.0.secure,
            path: spec.path,
            domain: spec.domain,
            max_age_secs: spec.max_age_secs,
        }
    }

    /// The id cookie the browser sent. Two different authentic ids give no session at all: a sibling
    /// subdomain can plant a genuine id under a longer path, which the browser sends first, and a planted
    /// cookie must not choose the session. The same id sent twice is one id.
    ///
    /// Past [`MAX_COOKIE_VALUES`] values no session either, and the rest go unread: each authentic id costs
    /// a logout two store calls, and an ended session's cookie stays authentic, so without a bound one
    /// request could send thousands and replay them at will. Ignoring the rest instead would let planted
    /// copies of one id push the visitor's own out of sight, and that id become the session.
    pub(super) fn incoming_id(&self) -> IncomingId {
        let name: &str = self.id_cookie_name();
        let mut present = false;
        let mut authentic: Option<(SessionId, bool)> = None;
        let mut others: Vec<SessionId> = Vec::new();
        let mut too_many = false;
        for (index, sent) in self.id_cookie_values().enumerate() {
            present = true;
            if index == MAX_COOKIE_VALUES {
                tracing::debug!("more than {MAX_COOKIE_VALUES} session id cookies in one request; adopting none");
                too_many = true;
                break;
            }
            let Some((text, key_index)) = verify_id(name, sent, &self.0.shared.keys) else { continue };
            let Some(id) = SessionId::parse(text) else { continue };
            match &authentic {
                None => authentic = Some((id, key_index > 0)),
                Some((first, _)) if *first == id || others.contains(&id) => {}
                Some(_) => others.push(id),
            }
        }
        match authentic {
            Some((id, _)) if too_many || !others.is_empty() => {
                if !too_many {
                    tracing::debug!("different authentic session ids in one request; adopting none");
                }
                others.insert(0, id);
                IncomingId::Conflicting(others)
            }
            None if too_many => IncomingId::Conflicting(Vec::new()),
            Some((id, verified_with_previous_key)) => IncomingId::Valid { id, verified_with_previous_key },
            None if present => IncomingId::Rejected,
            None => IncomingId::Absent,
        }
    }

    /// Clears an id cookie that cannot be an id of ours at all (wrong length or alphabet), without any
    /// cryptography, so even requests that never touch the session shed it.
    pub(crate) fn clear_malformed_id_cookie(&self) {
        let mut present = false;
        for value in self.id_cookie_values() {
            if has_id_cookie_shape(value) {
                return;
            }
            present = true;
        }
        if present {
            tracing::debug!("malformed session id cookie cleared");
            self.clear_id_cookie();
        }
    }

    pub(super) fn has_id_cookie(&self) -> bool {
        self.id_cookie_values().next().is_some()
    }

    /// The id cookie's name on this request.
    fn id_cookie_name(&self) -> &Cow<'static, str> {
        &self.0.id_cookie_name
    }

    /// Every value the browser sent under the id cookie's name.
    fn id_cookie_values(&self) -> impl Iterator<Item = &[u8]> + '_ {
        self.0.cookie_header.values(self.id_cookie_name())
    }

    /// Queues the id cookie for `id`, persistent for `max_age_secs` when `remember_for` asked for it.
    pub(super) fn set_id_cookie(&self, id: &SessionId, max_age_secs: Option<u64>) {
        let name = self.id_cookie_name();
        // Signed on the stack: the only allocation is the Set-Cookie line itself.
        let (mut text, mut signed) = ([0; ID_TEXT_LEN], [0; ID_COOKIE_VALUE_LEN]);
        let value = sign_id(name, id.write_text(&mut text), &self.0.shared.keys[0], &mut signed);
        let line = value.and_then(|value| self.0.shared.id_cookie_line(name, self.0.secure, value, max_age_secs));
        self.send(name.clone(), line);
    }

    pub(super) fn clear_id_cookie(&self) {
        let cookie = self.0.shared.id_cookie.set_cookie(self.id_cookie_name(), self.0.secure, "");
        self.send(self.id_cookie_name().clone(), cookie.removal_header());
    }
}

/// Encodes a cookie field's value for its protection: a `private` cookie seals the type's plain form
/// (`CookieValue::encode_private`), which need not be cookie-safe; the others carry its cookie-safe encoding.
fn encode<T: CookieValue>(spec: &CookieSpec, value: &T) -> String {
    let mut plain = String::new();
    match spec.protection {
        Protection::Private => value.encode_private(&mut plain),
        Protection::Plain | Protection::Signed => value.encode(&mut plain),
    }
    plain
}

/// Decodes what [`encode`] wrote for the same protection.
fn decode<T: CookieValue>(spec: &CookieSpec, plain: &str) -> Option<T> {
    match spec.protection {
        Protection::Private => T::decode_private(plain),
        Protection::Plain | Protection::Signed => T::decode(plain),
    }
}
