//! Apps the store tests share: [`Visitor`] behind [`routes`], the 100-field [`Wide`] schema behind
//! [`wide_app`] for concurrent writes ([`no_lost_updates`]), and [`expect_unavailable`] for outages.

use std::time::{Duration, Instant};

use axum::{
    body::Body,
    extract::Path,
    routing::{get, post},
    Router,
};
use http::{header, Request, StatusCode};
use session_core::{CookieValue, Key, SessionLayer, SessionSchema, SessionStore};

use crate::browser::{send, Browser};

/// A plain cookie field's type.
#[derive(Clone, Copy, Debug, PartialEq, CookieValue)]
pub enum Theme {
    /// The default.
    Light,
    /// What `/theme/dark` sets.
    Dark,
}

/// One cookie field and two session fields: enough to tell cookie-only requests, reads, writes, new
/// ids and logouts apart.
#[derive(SessionSchema)]
pub struct Visitor {
    /// A plain cookie: never touches the store.
    #[cookie(plain)]
    pub theme: Theme,
    /// A session field.
    #[session]
    pub user_id: u64,
    /// A session field that `/cart/{item}` reads and writes back.
    #[session]
    pub cart: Vec<String>,
}

/// What the handlers answer.
pub type Result<T = String> = std::result::Result<T, session_core::Error>;

fn ok() -> Result {
    Ok("ok".into())
}

/// `GET /theme`, `POST /theme/dark` (cookie only), `POST /login/{id}`, `GET /user` (both session
/// fields), `POST /cart/{item}` (a read and a write), `POST /cycle`, `POST /logout`.
pub fn routes() -> Router {
    Router::new()
        .route("/theme", get(|s: VisitorSession| async move { format!("{:?}", s.theme()) }))
        .route(
            "/theme/dark",
            post(|s: VisitorSession| async move {
                s.set_theme(Theme::Dark)?;
                ok()
            }),
        )
        .route(
            "/login/{id}",
            post(|s: VisitorSession, Path(id): Path<u64>| async move {
                s.set_user_id(id).await?;
                ok()
            }),
        )
        .route(
            "/user",
            get(|s: VisitorSession| async move {
                let (user, cart) = (s.user_id().await?, s.cart().await?);
                Result::Ok(format!("{user:?} {cart:?}"))
            }),
        )
        .route(
            "/cart/{item}",
            post(|s: VisitorSession, Path(item): Path<String>| async move {
                let mut cart = s.cart().await?.unwrap_or_default();
                cart.push(item);
                s.set_cart(cart).await?;
                ok()
            }),
        )
        .route(
            "/cycle",
            post(|s: VisitorSession| async move {
                s.cycle_id().await?;
                ok()
            }),
        )
        .route(
            "/logout",
            post(|s: VisitorSession| async move {
                s.destroy().await?;
                ok()
            }),
        )
}

/// [`routes`] behind `layer`.
pub fn app<S: SessionStore>(layer: SessionLayer<S>) -> Router {
    routes().layer(layer)
}

/// A schema with one `u32` session field per name given, `set_field` and `fields` to reach them by index.
macro_rules! wide_schema {
    ($($field:ident $setter:ident),* $(,)?) => {
        /// One `u32` session field per name.
        #[derive(SessionSchema)]
        pub struct Wide {
            $(#[session] $field: u32,)*
        }

        async fn set_field(session: &WideSession, name: &str, value: u32) -> Result<()> {
            $(if name == stringify!($field) {
                return session.$setter(value).await;
            })*
            panic!("no field {name}")
        }

        async fn fields(session: &WideSession) -> Result<Vec<Option<u32>>> {
            Ok(vec![$(session.$field().await?),*])
        }
    };
}

wide_schema! {
    f0 set_f0, f1 set_f1, f2 set_f2, f3 set_f3, f4 set_f4, f5 set_f5, f6 set_f6, f7 set_f7, f8 set_f8, f9 set_f9,
    f10 set_f10, f11 set_f11, f12 set_f12, f13 set_f13, f14 set_f14, f15 set_f15, f16 set_f16, f17 set_f17,
    f18 set_f18, f19 set_f19, f20 set_f20, f21 set_f21, f22 set_f22, f23 set_f23, f24 set_f24, f25 set_f25,
    f26 set_f26, f27 set_f27, f28 set_f28, f29 set_f29, f30 set_f30, f31 set_f31, f32 set_f32, f33 set_f33,
    f34 set_f34, f35 set_f35, f36 set_f36, f37 set_f37, f38 set_f38, f39 set_f39, f40 set_f40, f41 set_f41,
    f42 set_f42, f43 set_f43, f44 set_f44, f45 set_f45, f46 set_f46, f47 set_f47, f48 set_f48, f49 set_f49,
    f50 set_f50, f51 set_f51, f52 set_f52, f53 set_f53, f54 set_f54, f55 set_f55, f56 set_f56, f57 set_f57,
    f58 set_f58, f59 set_f59, f60 set_f60, f61 set_f61, f62 set_f62, f63 set_f63, f64 set_f64, f65 set_f65,
    f66 set_f66, f67 set_f67, f68 set_f68, f69 set_f69, f70 set_f70, f71 set_f71, f72 set_f72, f73 set_f73,
    f74 set_f74, f75 set_f75, f76 set_f76, f77 set_f77, f78 set_f78, f79 set_f79, f80 set_f80, f81 set_f81,
    f82 set_f82, f83 set_f83, f84 set_f84, f85 set_f85, f86 set_f86, f87 set_f87, f88 set_f88, f89 set_f89,
    f90 set_f90, f91 set_f91, f92 set_f92, f93 set_f93, f94 set_f94, f95 set_f95, f96 set_f96, f97 set_f97,
    f98 set_f98, f99 set_f99,
}

/// `POST /set/{field}/{value}` and `GET /fields` (every field, as JSON) over the [`Wide`] schema.
pub fn wide_app<S: SessionStore>(store: S) -> Router {
    Router::new()
        .route(
            "/set/{field}/{value}",
            post(|s: WideSession, Path((field, value)): Path<(String, u32)>| async move {
                set_field(&s, &field, value).await?;
                ok()
            }),
        )
        .route(
            "/fields",
            get(|s: WideSession| async move { Result::Ok(serde_json::to_string(&fields(&s).await?).unwrap()) }),
        )
        .layer(SessionLayer::new(store, Key::generate()))
}

/// Sends `paths` (POSTs) all at once with the browser's cookies, and checks every one succeeded.
async fn post_concurrently(app: &Router, browser: &Browser, paths: Vec<String>) {
    let mut requests = tokio::task::JoinSet::new();
    for path in paths {
        let (app, cookie) = (app.clone(), browser.cookie_header(&path));
        requests.spawn(async move {
            let request = Request::post(&path).header(header::COOKIE, cookie).body(Body::empty()).unwrap();
            (path, send(&app, request).await)
        });
    }
    while let Some(done) = requests.join_next().await {
        let (path, reply) = done.unwrap();
        assert_eq!(reply.status, StatusCode::OK, "POST {path}: {}", reply.body);
        assert!(reply.set_cookie("__Host-id").is_none(), "POST {path} replaced the session");
    }
}

async fn stored_fields(browser: &mut Browser) -> Vec<Option<u32>> {
    let reply = browser.get("/fields").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    serde_json::from_str(&reply.body).unwrap()
}

/// 100 concurrent requests on one session, each setting its own field, then 100 setting one field.
pub async fn no_lost_updates<S: SessionStore>(store: S) {
    let app = wide_app(store);
    let mut browser = Browser::new(app.clone());
    assert_eq!(browser.post("/set/f0/1000").await.status, StatusCode::OK);

    post_concurrently(&app, &browser, (0..100).map(|i| format!("/set/f{i}/{i}")).collect()).await;
    let expected: Vec<_> = (0..100).map(Some).collect();
    assert_eq!(stored_fields(&mut browser).await, expected, "every request's field survived");

    post_concurrently(&app, &browser, (0..100).map(|i| format!("/set/f50/{}", 5000 + i)).collect()).await;
    let after = stored_fields(&mut browser).await;
    let f50 = after[50].expect("f50 is set");
    assert!((5000..5100).contains(&f50), "f50 holds {f50}, a value no request wrote");
    for (i, value) in after.iter().enumerate().filter(|(i, _)| *i != 50) {
        assert_eq!(*value, Some(i as u32), "f{i} changed");
    }
}

/// Sends a request that needs the session while the store is down, checks it fails cleanly and within
/// five seconds, and returns how long it took.
pub async fn expect_unavailable(browser: &mut Browser, method: &str, path: &str) -> Duration {
    let started = Instant::now();
    let request = Request::builder().method(method).uri(path).body(Body::empty()).unwrap();
    let reply = tokio::time::timeout(Duration::from_secs(10), browser.send(request))
        .await
        .unwrap_or_else(|_| panic!("{method} {path} hung while the store was down"));
    let took = started.elapsed();
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE, "{method} {path}: {}", reply.body);
    assert!(reply.body.contains("session storage is unavailable"), "{method} {path}: {}", reply.body);
    assert!(took < Duration::from_secs(5), "{method} {path} took {took:?} to fail");
    took
}
