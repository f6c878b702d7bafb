//! [`SessionService`]: runs the handler, then commits the session.

use std::{
    future::Future,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
};

use http::{header, HeaderValue, Request, Response};
use tower_cookies::Cookies;
use tower_service::Service;

use super::Shared;
use crate::{session::RawSession, store::SessionStore};

/// The service [`SessionLayer`](super::SessionLayer) wraps around a handler (inside `tower-cookies`'
/// `CookieManager`).
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
    I::Future: Send + 'static,
    ResBody: From<String> + Send + 'static,
{
    type Response = Response<ResBody>;
    type Error = I::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response<ResBody>, I::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<ReqBody>) -> Self::Future {
        let jar = request.extensions().get::<Cookies>().cloned().unwrap_or_default();
        let cookie_headers = request.headers().get_all(header::COOKIE).iter().cloned().collect();
        let secure = self.shared.transport.secure_for(request.uri(), request.headers());
        let session = RawSession::new(self.shared.clone(), cookie_headers, jar, secure);
        request.extensions_mut().insert(session.clone());
        let response = self.inner.call(request);
        let store = self.store.clone();
        Box::pin(async move {
            let mut response = response.await?;
            // A handler that failed (5xx) may have left its changes half made: save none of them.
            if response.status().is_server_error() {
                return Ok(response);
            }
            let committed =
                if session.touched() { session.commit(&store).await } else { Ok(session.clear_malformed_id_cookie()) };
            match committed {
                Ok(false) => {}
                Ok(true) => {
                    // A response that sets or clears the id cookie must not be cached and replayed to others.
                    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
                }
                Err(error) => {
                    tracing::error!(%error, "session changes could not be saved");
                    response = error.to_response();
                }
            }
            Ok(response)
        })
    }
}
