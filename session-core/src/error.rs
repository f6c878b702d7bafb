//! The one error type of the crate.

/// What can go wrong with a session.
///
/// With the `axum` feature it is also a response: [`Error::status`] says which.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A cookie value is longer than its `max_len` or than the 4096 bytes a browser keeps; nothing was set.
    #[error("{}", cookie_too_large(cookie, *len, *limit))]
    CookieTooLarge {
        /// The cookie name.
        cookie: &'static str,
        /// The length of the refused value (in `max_len` units, or bytes of name and value).
        len: usize,
        /// The limit it broke.
        limit: usize,
    },
    /// Key material too short to be safe.
    #[error(
        "key material is {len} bytes; at least {min} are needed: give random bytes, such as the 64 characters \
         `openssl rand -base64 48` prints (as they are: decoded, they are 48 bytes)"
    )]
    KeyTooShort {
        /// Bytes given.
        len: usize,
        /// Bytes needed.
        min: usize,
    },
    /// A session value could not be serialized for the store.
    #[error("session field `{field}` could not be serialized: {source}")]
    Serialize {
        /// The field's store key.
        field: &'static str,
        /// What serde said.
        source: serde_json::Error,
    },
    /// The session store failed, or did not answer in time: the request's session changes were not
    /// saved, except that a write the store received before the timeout may still land after it. So a
    /// client's retry of a change that adds to a value (an item put in a cart) can apply it twice, as
    /// with any request that timed out.
    #[error("session store failed: {0}")]
    Store(#[source] StoreError),
    /// The request's changes would make the session larger than its store keeps for one session
    /// ([`MemoryStore::with_max_bytes`](crate::MemoryStore::with_max_bytes)); they were not saved, and
    /// the session is as it was. Retrying cannot help: keep less in the session, or raise the bound.
    #[error("session too large for its store: {0}; nothing was saved, and the session is as it was")]
    SessionTooLarge(#[source] StoreError),
    /// The session ended, or another request gave it a new id, while this request ran (a sign-out, a
    /// revocation, a concurrent sign-in), or a sign-in gave it a new id less than a minute before this
    /// request arrived with the old one: its changes belong to a session that is over, so they were not
    /// saved, and no cookie was changed. A `destroy` gets it too when the session it meant to end has moved
    /// to a new id, which it cannot end. The client can retry with the cookies it holds now.
    #[error(
        "the session ended or was given a new id by another request (a sign-out, a revocation, a \
         concurrent sign-in) while this one ran or a moment before it arrived: its changes were not saved"
    )]
    EndedDuringRequest,
    /// The request carried two different authentic session ids under the id cookie's name (the visitor's
    /// own, and one planted beside it on a longer path by a sibling subdomain, where the id cookie is not
    /// `__Host-`), or more than eight values, the visitor's own perhaps among those left unread. None is
    /// adopted, and the session's changes were not saved: saving them would start a session whose cookie
    /// replaces the visitor's own, not the planted one, signing the visitor out everywhere, or in as the
    /// planter chose. The paths the planted cookies are sent to have no session until they expire or a
    /// `destroy` ends the sessions they name.
    #[error(
        "the request carried session id cookies that cannot be told apart (cookies planted on this path \
         beside the visitor's own): none was adopted and this request's session changes were not saved"
    )]
    AmbiguousSession,
    /// A session handle was used after its handler returned the response: by then the layer had saved the
    /// request's session changes and sent its cookies, so this access could not take part. Read and change
    /// the session before the handler returns; a response body being streamed, a WebSocket upgrade's
    /// callback or a task the handler spawned all run after that. The same once the request was dropped
    /// before its handler returned (the client went away, a timeout around the app), which saves nothing.
    #[error(
        "the session was used after its handler returned, when the request's session changes had been saved \
         and its cookies sent: read and change the session before returning the response, not in a response \
         body stream, an upgrade callback or a spawned task"
    )]
    HandlerReturned,
    /// A session handle was asked for on a request that did not pass through `SessionLayer`.
    #[error(
        "no session on this request: add `SessionLayer::new(store, key)` as a layer around this handler (in \
         axum, `.layer(...)` wraps only the routes added before it)"
    )]
    MissingLayer,
    /// Two schemas whose handles the layer (or clones of it that share its sessions) hands out name one
    /// store key, but only one marks it `owner` or `privilege`; or they mark two different keys `owner`.
    /// Every schema under a layer reads and writes the same session, and a write through the field without
    /// the mark would skip what it does (index the owner, give the session a new id). Found the first time a
    /// request takes the second schema's handle; from then on, every handle of the layer and its clones
    /// answers it, with a 500. The message names the key, both fields and the fix.
    #[error("{0}")]
    SchemaConflict(String),
    /// The layer's configuration is invalid.
    #[error("invalid session configuration: {0}")]
    Config(String),
}

/// What [`Error::CookieTooLarge`] says: which limit, in which unit, and what to do.
fn cookie_too_large(cookie: &str, len: usize, limit: usize) -> String {
    if limit == crate::cookie::MAX_COOKIE_BYTES {
        format!(
            "cookie `{cookie}` would be {len} bytes of name and value, over the {limit} a browser keeps: nothing \
             was set; keep less in it, or the value on the server with `#[session]`"
        )
    } else {
        format!(
            "cookie `{cookie}` would be {len} long, over its `max_len` of {limit} (bytes of a string, elements of \
             a sequence): nothing was set; check the length before setting it, or raise `max_len`"
        )
    }
}

impl Error {
    /// The HTTP status this error answers with: 400 for a value too large for its cookie or a session too
    /// large for its store (the request brought it), 409 for changes to a session that ended during the
    /// request, 503 when the store is down, 500 otherwise (a record the store could not read included).
    pub fn status(&self) -> http::StatusCode {
        match self {
            Error::CookieTooLarge { .. } | Error::SessionTooLarge(_) => http::StatusCode::BAD_REQUEST,
            Error::EndedDuringRequest | Error::AmbiguousSession => http::StatusCode::CONFLICT,
            Error::Store(error) if !error.is_unreadable() => http::StatusCode::SERVICE_UNAVAILABLE,
            _ => http::StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The response for this error: its status, a short plain-text body that reveals nothing about cookie
    /// values or session contents, and for a store failure `Retry-After: 1`. A handler that answers with it
    /// (as `?` does in axum) failed halfway, so the layer saves and sends none of the request's session
    /// changes, as for any 5xx.
    ///
    /// It also logs the error with its causes (the store's own reason, the fix a misconfiguration needs),
    /// which the body leaves out: at `error`, or at `warn` for a 4xx, which the request caused. In axum,
    /// returning the error does the same.
    pub fn to_response<B: From<String>>(&self) -> http::Response<B> {
        // A client's input is not the server's fault: it must not page anyone.
        if self.status().is_client_error() {
            tracing::warn!(error = %Causes(self), "session error caused by the request");
        } else {
            tracing::error!(error = %Causes(self), "session error");
        }
        self.response()
    }

    /// [`Error::to_response`] without its log line, for the layer, which logs the error in its own words.
    pub(crate) fn response<B: From<String>>(&self) -> http::Response<B> {
        let body = match self {
            Error::CookieTooLarge { .. } => "a value is too large for its cookie".to_owned(),
            Error::SessionTooLarge(_) => "the session is too large to store; nothing was saved".to_owned(),
            Error::EndedDuringRequest => {
                "the session changed during this request; its changes were not saved, please retry".to_owned()
            }
            Error::AmbiguousSession => "conflicting session cookies were sent; the changes were not saved".to_owned(),
            Error::Store(error) if error.is_unreadable() => "a stored session could not be read".to_owned(),
            Error::Store(_) => "session storage is unavailable, please retry".to_owned(),
            _ => "session error".to_owned(),
        };
        let mut response = http::Response::new(B::from(body));
        *response.status_mut() = self.status();
        response.extensions_mut().insert(SessionErrorResponse);
        let headers = response.headers_mut();
        headers.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("text/plain; charset=utf-8"));
        if self.status() == http::StatusCode::SERVICE_UNAVAILABLE {
            // The store is usually back within moments (a failover, a restart): invite a prompt retry.
            headers.insert(http::header::RETRY_AFTER, http::HeaderValue::from_static("1"));
        }
        response
    }
}

/// An error and the causes beneath it, as one line for a log: `session store failed: SQLite refused a
/// session statement: no such table: sessions`. A failure the layer meets after the handler returned is
/// never handed to the app, so its log line is the only place the store's own reason (a missing table, a
/// full Redis, a read-only replica) can show. A cause whose text the line already holds is skipped:
/// [`Error::Store`] and [`Error::SessionTooLarge`] repeat their [`StoreError`]'s message.
pub(crate) struct Causes<'a>(pub(crate) &'a (dyn std::error::Error + 'static));

impl std::fmt::Display for Causes<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut line = self.0.to_string();
        let mut cause = self.0.source();
        while let Some(error) = cause {
            let text = error.to_string();
            if !line.contains(&text) {
                line.push_str(": ");
                line.push_str(&text);
            }
            cause = error.source();
        }
        f.write_str(&line)
    }
}

/// Marks a response made by [`Error::to_response`]: the handler that answers with it stopped halfway.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SessionErrorResponse;

impl From<StoreError> for Error {
    /// [`Error::SessionTooLarge`] for a store's refusal of a session over its bound
    /// ([`StoreError::too_large`]), [`Error::Store`] for any other store failure.
    fn from(error: StoreError) -> Self {
        if error.too_large {
            Error::SessionTooLarge(error)
        } else {
            Error::Store(error)
        }
    }
}

/// A failure reported by a [`SessionStore`](crate::SessionStore).
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct StoreError {
    message: String,
    #[source]
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
    /// Set by [`StoreError::too_large`]: the store works, the write asked too much of it.
    too_large: bool,
    /// Set by [`StoreError::unreadable`]: the store works, the record it read does not make sense.
    unreadable: bool,
}

impl StoreError {
    /// A store failure described by `message`.
    pub fn new(message: impl Into<String>) -> Self {
        StoreError { message: message.into(), source: None, too_large: false, unreadable: false }
    }

    /// A store failure caused by `source`.
    pub fn with_source(message: impl Into<String>, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        StoreError { source: Some(Box::new(source)), ..StoreError::new(message) }
    }

    /// A write refused, changing nothing, because it would make one session larger than the store keeps
    /// for a session. The store itself is fine and a retry would be refused the same way, so the layer
    /// answers [`Error::SessionTooLarge`] (400, logged as a warning) rather than a 503 inviting a retry.
    pub fn too_large(message: impl Into<String>) -> Self {
        StoreError { too_large: true, ..StoreError::new(message) }
    }

    /// True for [`StoreError::too_large`].
    pub fn is_too_large(&self) -> bool {
        self.too_large
    }

    /// A stored record the store read but cannot make sense of (edited by hand, or written under the same
    /// key by another program). The store works and a retry would read the same, so the layer treats the
    /// session as absent, logging the error, and clears its id cookie: the visitor starts over under a new
    /// id, and the record is left as it is until it ends. Elsewhere (an owner's listing) it answers 500,
    /// not a 503 inviting a retry. `self` is the error that describes what was wrong:
    /// `StoreError::new("...").unreadable()`.
    pub fn unreadable(self) -> Self {
        StoreError { unreadable: true, ..self }
    }

    /// True for [`StoreError::unreadable`].
    pub fn is_unreadable(&self) -> bool {
        self.unreadable
    }
}

#[cfg(feature = "axum")]
impl axum::response::IntoResponse for Error {
    fn into_response(self) -> axum::response::Response {
        self.to_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_input_from_the_request_answers_with_a_4xx() {
        let too_large = Error::CookieTooLarge { cookie: "locale", len: 17, limit: 16 };
        assert_eq!(too_large.status(), http::StatusCode::BAD_REQUEST);
        assert_eq!(
            too_large.to_string(),
            "cookie `locale` would be 17 long, over its `max_len` of 16 (bytes of a string, elements of a \
             sequence): nothing was set; check the length before setting it, or raise `max_len`"
        );
        assert_eq!(
            Error::CookieTooLarge { cookie: "cart", len: 4100, limit: 4096 }.to_string(),
            "cookie `cart` would be 4100 bytes of name and value, over the 4096 a browser keeps: nothing was \
             set; keep less in it, or the value on the server with `#[session]`"
        );
        assert_eq!(Error::Store(StoreError::new("down")).status(), http::StatusCode::SERVICE_UNAVAILABLE);
        let unreadable: http::Response<String> = Error::Store(StoreError::new("nonsense").unreadable()).to_response();
        assert_eq!(unreadable.status(), http::StatusCode::INTERNAL_SERVER_ERROR, "a retry would read the same");
        assert_eq!(unreadable.headers().get(http::header::RETRY_AFTER), None);
        let server_side = [
            Error::MissingLayer,
            Error::HandlerReturned,
            Error::Config("bad".into()),
            Error::KeyTooShort { len: 1, min: 64 },
            Error::SchemaConflict("marked unlike".into()),
        ];
        for server_side in server_side {
            assert_eq!(server_side.status(), http::StatusCode::INTERNAL_SERVER_ERROR, "{server_side}");
        }
        let response: http::Response<String> = too_large.to_response();
        assert_eq!(response.status(), http::StatusCode::BAD_REQUEST);
        assert!(!response.body().contains("locale"), "the body names no cookie");

        // A session over its store's bound came with the request too, and a retry cannot help.
        let session_too_large = Error::from(StoreError::too_large("a session of 9 bytes is over the bound of 8"));
        assert!(matches!(session_too_large, Error::SessionTooLarge(_)), "{session_too_large:?}");
        let response: http::Response<String> = session_too_large.to_response();
        assert_eq!(response.status(), http::StatusCode::BAD_REQUEST);
        assert!(response.headers().get(http::header::RETRY_AFTER).is_none());
        assert!(matches!(Error::from(StoreError::new("down")), Error::Store(_)));
    }

    #[test]
    fn a_logged_error_names_each_cause_once() {
        let refused = std::io::Error::other("OOM command not allowed");
        let store = Error::Store(StoreError::with_source("Redis refused a session command", refused));
        assert_eq!(
            Causes(&store).to_string(),
            "session store failed: Redis refused a session command: OOM command not allowed"
        );
        let too_large = Error::SessionTooLarge(StoreError::too_large("a session of 9 bytes is over the bound of 8"));
        assert_eq!(
            Causes(&too_large).to_string(),
            "session too large for its store: a session of 9 bytes is over the bound of 8; nothing was saved, and \
             the session is as it was"
        );
    }
}
