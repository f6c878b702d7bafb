//! [`SessionService`]: gives the request its session, runs the handler, then commits the session.

use std::{
    sync::Arc,
    task::{Context, Poll},
};

use http::{Request, Response};
use tower_service::Service;

use super::{future::ResponseFuture, Shared};
use crate::{cookie::CookieHeader, session::RawSession, store::SessionStore};

/// The service [`SessionLayer`](super::SessionLayer) wraps around a handler.
#[derive(Clone)]
pub struct SessionService<S, I> {
    inner: I,
    store: S,
    shared: Arc<Shared>,
}

impl<S, I> SessionService<S, I> {
    pub(super) fn new(inner: I, store: S, shared: Arc<Shared>) -> Self {
        SessionService { inner, store, shared }
    }
}

impl<S, I, ReqBody, ResBody> Service<Request<ReqBody>> for SessionService<S, I>
where
    S: SessionStore,
    I: Service<Request<ReqBody>, Response = Response<ResBody>>,
    ResBody: From<String> + Send + 'static,
{
    type Response = Response<ResBody>;
    type Error = I::Error;
    type Future = ResponseFuture<I::Future, S, ResBody>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<ReqBody>) -> Self::Future {
        // Nothing is parsed or verified here: handles read the header only for the cookies they ask for.
        let cookie_header = CookieHeader::from_headers(request.headers());
        let secure = self.shared.transport.secure_for(request.uri(), request.headers());
        let session = RawSession::new(self.shared.clone(), cookie_header, secure);
        if request.extensions().get::<RawSession>().is_some() {
            return ResponseFuture::nested(session, self.store.clone());
        }
        request.extensions_mut().insert(session.clone());
        ResponseFuture::new(self.inner.call(request), session, self.store.clone())
    }
}
