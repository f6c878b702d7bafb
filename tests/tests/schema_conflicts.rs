//! Schemas whose handles layers sharing sessions hand out must agree on the marks that change what a
//! write does: `owner` and `privilege` on a store key they share (or read through `rename_from`), and which
//! key a session is owned by. A disagreement is refused with `Error::SchemaConflict`, naming the fix.

use std::convert::Infallible;

use axum::{extract::Path, routing::post, Router};
use http::StatusCode;
use session_core::{testing::Browser, Key, MemoryStore, RequestSessionExt, SessionHandle, SessionLayer, SessionSchema};
use tests::{
    captured_logs::CapturedLogs,
    owned::{owned_app, AccountSession},
    stores::{CallCounts, CountingStore},
};
use tower::{Layer, ServiceExt};

/// A second schema that stores `user_id` and `roles` as `Account` does, but without `user_id`'s marks:
/// through it, a write of `user_id` would sign the session in as another user without a new id, and leave
/// the owner index behind for `revoke_owner`.
#[derive(SessionSchema)]
struct Backoffice {
    #[session]
    user_id: u64,
    #[session(privilege)]
    roles: Vec<String>,
}

/// A second schema that agrees with `Account` on the key they share.
#[derive(SessionSchema)]
struct Badge {
    #[session(owner, privilege)]
    user_id: u64,
    #[session]
    badge: String,
}

/// A second owner, under another key than `Account`'s.
#[derive(SessionSchema)]
struct Team {
    #[session(owner, privilege)]
    team_member: u64,
}

/// A schema that names no key the others do.
#[derive(SessionSchema)]
struct Visits {
    #[session]
    visits: u32,
}

/// A schema that renamed `user_id`, and one that still writes the old key, unmarked.
#[derive(SessionSchema)]
struct Renamed {
    #[session(privilege, rename_from = "user_id")]
    uid: u64,
}

#[derive(SessionSchema)]
struct Legacy {
    #[session]
    user_id: u64,
}

fn layer() -> SessionLayer<MemoryStore> {
    SessionLayer::new(MemoryStore::default(), Key::generate())
}

/// What a request through `layer` that takes `H`'s handle is told: nothing, or the error's message.
async fn take_handle<H: SessionHandle>(layer: &SessionLayer<MemoryStore>) -> Result<(), String> {
    let service = layer.layer(tower::service_fn(|request: http::Request<String>| async move {
        let said = request.session::<H>().map_or_else(|error| error.to_string(), |_| String::new());
        Ok::<_, Infallible>(http::Response::new(said))
    }));
    let said = service.oneshot(http::Request::new(String::new())).await.unwrap().into_body();
    if said.is_empty() {
        Ok(())
    } else {
        Err(said)
    }
}

#[tokio::test]
async fn schemas_under_one_layer_that_mark_a_shared_key_unlike_are_refused_naming_the_fix() {
    let store = CountingStore::new(MemoryStore::default());
    let layer = SessionLayer::new(store.clone(), Key::generate());
    let others = Router::new()
        .route(
            "/badge",
            post(|s: BadgeSession| async move {
                s.set_badge("gold".into()).await?;
                Ok::<_, session_core::Error>(format!("{:?}", s.user_id().await?))
            }),
        )
        .route(
            "/backoffice/impersonate/{id}",
            post(|s: BackofficeSession, Path(id): Path<u64>| async move {
                s.set_user_id(id).await?;
                Ok::<_, session_core::Error>("ok")
            }),
        )
        .layer(layer.clone());
    let mut browser = Browser::new(owned_app(layer).merge(others));
    let (logs, _guard) = CapturedLogs::everything_logged_here();

    assert_eq!(browser.post("/login/7").await.body, "ok");
    assert_eq!(browser.post("/badge").await.body, "Some(7)", "a schema that agrees shares the session");

    store.take_counts();
    let reply = browser.post("/backoffice/impersonate/8").await;
    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(store.counts(), CallCounts::default(), "the refused handle reached the store");
    let logged = logs.text();
    for part in [
        "mark the store key `user_id` unlike: `Account::user_id` (`owner` and `privilege`) and \
         `Backoffice::user_id` (no mark)",
        "mark the field alike in both, or store one under a key of its own with `#[session(name = \"...\")]`",
    ] {
        assert!(logged.contains(part), "the log does not say {part:?}:\n{logged}");
    }

    // And every handle of the layer from then on: the mistake must not hide behind the schemas that work.
    let reply = browser.get("/me").await;
    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR, "{}", reply.body);
    assert_eq!(AccountSession::sessions_of(store.inner(), &7).await.unwrap().len(), 1, "the session was changed");
    assert!(AccountSession::sessions_of(store.inner(), &8).await.unwrap().is_empty());
}

/// A layer's clones share its sessions and its check, a clone configured anew too (a shorter idle timeout
/// for an admin area); one configured to read another id cookie shares no session, and its schemas are
/// compared apart.
#[tokio::test]
async fn clones_of_a_layer_share_its_check_unless_they_read_another_id_cookie() {
    let shop = layer();
    let staff = shop.clone().with_cookie_name("staff_id");
    let support = shop.clone().with_idle_timeout(std::time::Duration::from_secs(600));

    assert_eq!(take_handle::<AccountSession>(&shop).await, Ok(()));
    assert_eq!(take_handle::<BackofficeSession>(&staff).await, Ok(()), "another id cookie shares no session");
    let refused = take_handle::<BackofficeSession>(&support).await.unwrap_err();
    assert!(refused.contains("mark the store key `user_id` unlike"), "{refused}");
}

/// Whether `Account` under `first` and then `Backoffice` under `second` (layers of one check, as a
/// disagreement anywhere in it is reported by all its handles from then on) are compared: whether the
/// second is refused.
async fn compared(first: &SessionLayer<MemoryStore>, second: &SessionLayer<MemoryStore>) -> bool {
    assert_eq!(take_handle::<AccountSession>(first).await, Ok(()));
    match take_handle::<BackofficeSession>(second).await {
        Ok(()) => false,
        Err(refused) => {
            assert!(refused.contains("mark the store key `user_id` unlike"), "{refused}");
            true
        }
    }
}

/// Clones whose id cookies a browser never sends together (`/admin` and `/shop`, two sibling subdomains,
/// `__Host-id` on HTTPS and `id` on plain HTTP) share no session, and their schemas are compared apart;
/// clones whose id cookies can come in one request (`/` and `/admin` under one name, a domain and its
/// subdomain), or that one clone's cookie reaches, share sessions, and are compared together, in whatever
/// order they were configured.
#[tokio::test]
async fn clones_whose_id_cookies_never_meet_are_compared_apart() {
    let admin = layer().with_cookie_path("/admin");
    assert!(!compared(&admin, &admin.clone().with_cookie_path("/shop")).await, "`/shop` never gets `/admin`'s cookie");
    let admin = layer().with_cookie_path("/admin");
    assert!(!compared(&admin, &admin.clone().with_cookie_path("/administration")).await, "a prefix is no parent");
    let admin = layer().with_cookie_path("/admin");
    assert!(compared(&admin, &admin.clone().with_cookie_path("/admin/reports")).await);

    let named = layer().with_cookie_name("sid");
    assert!(compared(&named, &named.clone().with_cookie_path("/admin")).await, "`/admin` gets `/`'s cookie");
    // The `/` a layer passed through while it was built is no layer of the app.
    let admin = layer().with_cookie_name("sid").with_cookie_path("/admin");
    assert!(!compared(&admin, &admin.clone().with_cookie_path("/shop")).await, "named first, then moved");
    // Each clone is compared with every other it meets, not only with the layer it was configured from.
    let admin = layer().with_cookie_path("/admin").with_cookie_name("sid");
    let (shop, root) = (admin.clone().with_cookie_path("/shop"), admin.clone().with_cookie_path("/"));
    assert!(compared(&shop, &root).await, "`/`'s cookie reaches `/shop`");

    // Clones a third one's cookie reaches share its sessions, and so each other's, once it hands one out.
    let root = layer().with_cookie_name("sid");
    let (admin, shop) = (root.clone().with_cookie_path("/admin"), root.clone().with_cookie_path("/shop"));
    assert!(!compared(&admin, &shop).await, "a base that hands out nothing issues no cookie");
    let refused = take_handle::<VisitsSession>(&root).await.unwrap_err();
    assert!(refused.contains("mark the store key `user_id` unlike"), "`/`'s cookie reaches both: {refused}");
    let parent = layer().with_cookie_domain("example.com");
    let (eu, us) =
        (parent.clone().with_cookie_domain("eu.example.com"), parent.clone().with_cookie_domain("us.example.com"));
    assert!(!compared(&eu, &us).await);
    assert!(take_handle::<VisitsSession>(&parent).await.is_err(), "`example.com`'s cookie reaches both");

    let eu = layer().with_cookie_domain("eu.example.com");
    assert!(!compared(&eu, &eu.clone().with_cookie_domain("us.example.com")).await, "siblings share no cookie");
    let eu = layer().with_cookie_domain("eu.example.com");
    assert!(
        compared(&eu, &eu.clone().with_cookie_domain("shop.EU.example.com")).await,
        "a subdomain gets its parent's"
    );

    let https = layer();
    assert!(!compared(&https, &https.clone().with_secure(false)).await, "`__Host-id` and `id` are two cookies");
    let plain = layer().with_secure(false);
    assert!(compared(&plain, &plain.clone().with_cookie_path("/admin")).await, "both read `id` on plain HTTP");
    let detected = layer().with_secure_detected(false);
    assert!(compared(&detected, &detected.clone().with_cookie_path("/admin")).await, "both read `id` over HTTP");
    let plain = layer().with_secure(false);
    assert!(compared(&plain, &plain.clone().with_secure_detected(false)).await, "detected reads `id` too");
}

#[tokio::test]
async fn two_schemas_that_mark_different_keys_owner_are_refused() {
    let layer = layer();
    assert_eq!(take_handle::<AccountSession>(&layer).await, Ok(()));
    let refused = take_handle::<TeamSession>(&layer).await.unwrap_err();
    assert!(
        refused.contains(
            "give a session two owners: `Account::user_id` (`owner` and `privilege`), stored under `user_id`, and \
             `Team::team_member` (`owner` and `privilege`), stored under `team_member`"
        ),
        "{refused}"
    );
    assert!(refused.contains("mark `owner` one field, stored under one key, in every schema"), "{refused}");
}

/// A field reads the key it was renamed from when its own is empty: a schema that still writes that key
/// must mark it as the renamed field is marked.
#[tokio::test]
async fn a_key_read_through_rename_from_must_be_marked_alike_where_it_is_still_written() {
    let layer = layer();
    assert_eq!(take_handle::<RenamedSession>(&layer).await, Ok(()));
    let refused = take_handle::<LegacySession>(&layer).await.unwrap_err();
    assert!(
        refused.contains("`Renamed::uid`, which reads it through `rename_from`, (`privilege`) and `Legacy::user_id`"),
        "{refused}"
    );
    // A key of its own for `uid` would change nothing: it would still read `user_id`.
    assert!(
        refused.ends_with(
            "mark the field alike in both, or give `Legacy::user_id` a key of its own with \
             `#[session(name = \"...\")]`, or drop `rename_from` once no session holds the old key"
        ),
        "{refused}"
    );
}

/// A test that reads a session through `Browser::session` is told why the layer refused the handle.
#[tokio::test]
#[should_panic(expected = "the session could not be read: 500 Internal Server Error the schemas under one layer")]
async fn the_test_browser_says_why_a_handle_was_refused() {
    let layer = layer();
    assert_eq!(take_handle::<AccountSession>(&layer).await, Ok(()));
    let mut browser = Browser::new(Router::<()>::new().layer(layer.clone()));
    browser.session(&layer, |_: BackofficeSession| async {}).await;
}
