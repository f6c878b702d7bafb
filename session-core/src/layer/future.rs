//! [`ResponseFuture`]: waits for the handler, then commits the session into its response.

use std::{
    future::Future,
    pin::Pin,
    task::{ready, Context, Poll},
};

use http::{header, HeaderValue, Response};
use pin_project_lite::pin_project;

use crate::{
    error::{Causes, SessionErrorResponse},
    session::RawSession,
    store::SessionStore,
    Error,
};

/// A commit that has to call the store. Boxed because its type depends on the store's futures; requests
/// that need no store call never build one.
type Commit = Pin<Box<dyn Future<Output = Result<(), Error>> + Send>>;

pin_project! {
    /// The future of [`SessionService`](super::SessionService): the handler's response, with the
    /// session's changes stored and its Set-Cookie headers added.
    pub struct ResponseFuture<F, S, B> {
        // `None` when the request already had a session, from a `SessionLayer` outside this one: then the
        // handler is not called, and the answer is the error that says so.
        #[pin]
        handler: Option<F>,
        session: RawSession,
        store: S,
        // Set once the handler answered and the commit needs the store, with the response it completes
        // (beside the box rather than in it, so the response is not moved in and out).
        committing: Option<(Commit, Response<B>)>,
    }

    // A request dropped before its handler returned (the client went away, an outer timeout) commits
    // nothing: what a task it spawned does with the session from then on is refused, not lost unsaid.
    impl<F, S, B> PinnedDrop for ResponseFuture<F, S, B> {
        fn drop(this: Pin<&mut Self>) {
            let session = this.project().session;
            if !session.is_closed() {
                session.close();
            }
        }
    }
}

impl<F, S, B> ResponseFuture<F, S, B> {
    pub(super) fn new(handler: F, session: RawSession, store: S) -> Self {
        ResponseFuture { handler: Some(handler), session, store, committing: None }
    }

    /// The answer to a request that a `SessionLayer` outside this one already gave a session.
    pub(super) fn nested(session: RawSession, store: S) -> Self {
        ResponseFuture { handler: None, session, store, committing: None }
    }
}

impl<F, S, B, E> Future for ResponseFuture<F, S, B>
where
    F: Future<Output = Result<Response<B>, E>>,
    S: SessionStore,
    B: From<String> + Send + 'static,
{
    type Output = Result<Response<B>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let commit = match this.committing {
            Some((commit, _)) => commit,
            None => {
                let Some(handler) = this.handler.as_pin_mut() else {
                    this.session.close();
                    return Poll::Ready(Ok(nested_layer_response()));
                };
                let handled = ready!(handler.poll(cx));
                // Before anything is committed or sent: what a handle does from here on is refused.
                this.session.close();
                let mut response = handled?;
                // A handler that failed (5xx, or a session error it passed on with `?`) or was cut short (408,
                // what a timeout layer inside this one answers once it dropped the handler) may have left
                // its changes half made: send and save none.
                let status = response.status();
                if status.is_server_error()
                    || status == http::StatusCode::REQUEST_TIMEOUT
                    || response.extensions().get::<SessionErrorResponse>().is_some()
                {
                    return Poll::Ready(Ok(response));
                }
                let done = if this.session.touched() {
                    this.session.commit_without_store()
                } else {
                    this.session.clear_malformed_id_cookie();
                    true
                };
                if done {
                    finish(&mut response, this.session, Ok(()));
                    return Poll::Ready(Ok(response));
                }
                let (session, store) = (this.session.clone(), this.store.clone());
                &mut this.committing.insert((Box::pin(async move { session.commit(&store).await }), response)).0
            }
        };
        let committed = ready!(commit.as_mut().poll(cx));
        let (_, mut response) = this.committing.take().expect("a commit that was polled is there");
        finish(&mut response, this.session, committed);
        Poll::Ready(Ok(response))
    }
}

/// The 500 of a request that passed through two `SessionLayer`s. Its handles would find one session, the
/// inner layer's, while the outer layer still committed its own: clearing an id cookie that the inner
/// layer's key did not sign (a visitor signed out by a read), or sending a second id cookie of one name.
/// Neither can be what the app meant, so no handler runs until one layer goes.
fn nested_layer_response<B: From<String>>() -> Response<B> {
    let error = Error::Config(
        "this request passed through two SessionLayers (a router with a layer of its own nested in one that has \
         a layer, or one layer added twice): remove the inner one, or merge that router beside the other \
         instead of nesting it inside its layer"
            .to_owned(),
    );
    tracing::error!(%error, "request refused");
    error.response()
}

/// Adds `Cookie` to the response's `Vary`, unless it is there (or `*` is): a response made from what the
/// session holds differs from one visitor to the next, and a shared cache must not hand one visitor's
/// page to another (as Django's session middleware says too).
fn vary_on_cookie(headers: &mut http::HeaderMap) {
    let already = headers.get_all(header::VARY).iter().any(|value| {
        value.to_str().is_ok_and(|names| {
            names.split(',').map(str::trim).any(|name| name == "*" || name.eq_ignore_ascii_case("cookie"))
        })
    });
    if !already {
        headers.append(header::VARY, HeaderValue::from_static("Cookie"));
    }
}

/// Makes `response` the one that leaves: the session's cookies added, or the commit's error in its place.
/// (In place: a response is large enough that moving it in and out shows in a profile.)
fn finish<B: From<String>>(response: &mut Response<B>, session: &RawSession, committed: Result<(), Error>) {
    match committed {
        Ok(()) => {
            let headers = response.headers_mut();
            if session.write_set_cookies(headers) {
                // A response that sets or clears a visitor's cookie must not be cached and replayed to
                // others: a shared cache may keep a response that carries `Set-Cookie` (RFC 9111).
                headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            }
            if session.was_read() {
                vary_on_cookie(headers);
            }
        }
        Err(error) => {
            if error.status().is_server_error() {
                tracing::error!(error = %Causes(&error), "session changes could not be saved");
            } else {
                tracing::warn!(error = %Causes(&error), "session changes were not saved");
            }
            // None of the request's cookies go out either: the response says nothing was saved.
            *response = error.response();
        }
    }
}
