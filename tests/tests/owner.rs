//! Who owns a session, through a real axum router: "sign out everywhere else" from one client, every
//! session of a user ended from a job without a request, the owner's list through `cycle_id`, privilege
//! fields that cycle the id in the same commit, and "remember me" for one session.

use std::{sync::Arc, time::Duration};

use axum::{extract::Extension, routing::post, Router};
use http::StatusCode;
use session_core::{Key, MemoryStore, SessionLayer};
use tests::{
    browser::Browser,
    gate::Gate,
    owned::{owned_app, AccountSession, DAY},
    stores::{CallCounts, CountingStore},
};

const IDLE: Duration = Duration::from_secs(60 * 60);
const ABSOLUTE: Duration = Duration::from_secs(10 * 24 * 60 * 60);

fn app(store: CountingStore<MemoryStore>) -> Router {
    owned_app(layer(store, Key::generate()))
}

fn layer(store: CountingStore<MemoryStore>, key: Key) -> SessionLayer<CountingStore<MemoryStore>> {
    SessionLayer::new(store, key).with_idle_timeout(IDLE).with_absolute_timeout(ABSOLUTE)
}

/// A counting memory store and three browsers in front of one app.
/// `held`, routes whose handlers wait at `gate`, beside an [`owned_app`], each under a layer of its own on
/// one store and key.
fn beside_owned_app(held: Router, store: &CountingStore<MemoryStore>, key: &Key, gate: &Arc<Gate>) -> Router {
    held.layer(layer(store.clone(), key.clone()))
        .merge(owned_app(layer(store.clone(), key.clone())))
        .layer(Extension(gate.clone()))
}

fn three_browsers() -> (CountingStore<MemoryStore>, [Browser; 3]) {
    let store = CountingStore::new(MemoryStore::default());
    let browser = Browser::new(app(store.clone()));
    (store, [browser.clone(), browser.clone(), browser])
}

#[tokio::test]
async fn revoke_other_sessions_from_one_client_leaves_exactly_that_one_signed_in() {
    let (store, [mut here, mut phone, mut laptop]) = three_browsers();
    let mut someone_else = here.clone();
    for browser in [&mut here, &mut phone, &mut laptop] {
        assert_eq!(browser.post("/login/7").await.body, "ok");
    }
    someone_else.post("/login/8").await;

    let listed = here.get("/devices").await.body;
    assert_eq!(listed.lines().count(), 3, "{listed}");
    assert_eq!(listed.lines().filter(|line| line.ends_with(" current")).count(), 1, "{listed}");

    store.take_counts();
    let reply = here.post("/devices/others").await;
    assert_eq!(reply.body, "2");
    assert_eq!(
        store.counts(),
        CallCounts { load: 1, revoke_owner: 1, ..Default::default() },
        "one load and one revocation, and no commit write for a request that changed nothing"
    );

    assert_eq!(here.get("/me").await.body, "Some(7)");
    for browser in [&mut phone, &mut laptop] {
        let reply = browser.get("/me").await;
        assert_eq!(reply.body, "None", "a revoked client is still signed in");
    }
    assert_eq!(someone_else.get("/me").await.body, "Some(8)", "another user's session was revoked");
    assert_eq!(here.get("/devices").await.body.lines().count(), 1);
    let without_request = AccountSession::sessions_of(store.inner(), &7).await.unwrap();
    assert_eq!(without_request.len(), 1);
    assert!(!without_request[0].current, "no session is current without a request");
}

/// "Sign out everywhere else" in one tab while another tab's request gives the session a new id (a
/// privilege change): the new id is this browser's own session, and must not be ended as one of the others.
#[tokio::test]
async fn revoke_other_sessions_racing_a_new_id_for_its_own_session_does_not_sign_this_browser_out() {
    let (store, key) = (CountingStore::new(MemoryStore::default()), Key::generate());
    let gate = Arc::new(Gate::default());
    let held = Router::new().route(
        "/devices/others/held",
        post(|s: AccountSession, Extension(gate): Extension<Arc<Gate>>| async move {
            s.user_id().await?;
            gate.hold().await;
            Ok::<_, session_core::Error>(s.revoke_other_sessions().await?.to_string())
        }),
    );
    let held = beside_owned_app(held, &store, &key, &gate);
    let (mut here, mut phone) = (Browser::new(held.clone()), Browser::new(held));
    here.post("/login/7").await;
    phone.post("/login/7").await;

    let (mut tab, mut other_tab) = (here.clone(), here.clone());
    let (revoked, cycled) = gate.one_in_between(tab.post("/devices/others/held"), other_tab.post("/cycle")).await;
    assert_eq!(cycled.status, StatusCode::OK);
    assert_eq!(revoked.status, StatusCode::CONFLICT, "{}", revoked.body);
    assert_eq!(other_tab.get("/me").await.body, "Some(7)", "this browser was signed out");
    assert_eq!(phone.get("/me").await.body, "Some(7)", "the refused revocation ended a session");

    // The retry carries the new id, and ends the others.
    assert_eq!(other_tab.post("/devices/others").await.body, "1");
    assert_eq!(other_tab.get("/me").await.body, "Some(7)");
    assert_eq!(phone.get("/me").await.body, "None");
}

#[tokio::test]
async fn revoke_owner_from_a_job_without_a_request_signs_out_every_client() {
    let (store, mut browsers) = three_browsers();
    for browser in &mut browsers {
        browser.post("/login/7").await;
        assert_eq!(browser.get("/me").await.body, "Some(7)");
    }
    assert_eq!(AccountSession::sessions_of(store.inner(), &7).await.unwrap().len(), 3);

    // A password reset, from a job that has the store and the user id but no request.
    assert_eq!(AccountSession::revoke_owner(store.inner(), &7).await.unwrap(), 3);

    for browser in &mut browsers {
        assert_eq!(browser.get("/me").await.body, "None");
    }
    assert_eq!(AccountSession::sessions_of(store.inner(), &7).await.unwrap(), Vec::new());
    assert_eq!(AccountSession::revoke_owner(store.inner(), &7).await.unwrap(), 0);
    assert!(store.inner().is_empty(), "revoked records are gone from the store");
}

#[tokio::test]
async fn the_owners_list_follows_cycle_id() {
    let (_, [mut here, mut phone, _]) = three_browsers();
    here.post("/login/7").await;
    phone.post("/login/7").await;
    let before = here.get("/devices").await.body;
    let current_before = before.lines().find(|line| line.ends_with(" current")).unwrap().to_owned();

    let old_cookie = here.cookies["__Host-id"].to_owned();
    assert_eq!(here.post("/cycle").await.status, StatusCode::OK);
    assert_ne!(here.cookies["__Host-id"], old_cookie, "cycle_id gave no new id");

    let after = here.get("/devices").await.body;
    assert_eq!(after.lines().count(), 2, "{after}");
    let current_after = after.lines().find(|line| line.ends_with(" current")).expect("this session is listed");
    assert_ne!(current_after, current_before, "the list still names the old id's key");
    assert!(!after.contains(&current_before[..64]), "the old key is still listed: {after}");
    let from_phone = phone.get("/devices").await.body;
    assert_eq!(
        from_phone.replace(" current", ""),
        after.replace(" current", ""),
        "the two clients list different keys"
    );
    assert!(!from_phone.contains(current_after), "the phone sees this session as its own: {from_phone}");
}

#[tokio::test]
async fn a_privilege_write_changes_the_id_cookie_and_kills_the_old_id_in_the_same_response() {
    let (store, [mut browser, _, _]) = three_browsers();
    browser.post("/cart/apple").await;
    let anonymous = browser.cookies["__Host-id"].to_owned();

    store.take_counts();
    let reply = browser.post("/login/7").await;
    let signed_in = browser.cookies["__Host-id"].to_owned();
    assert_ne!(signed_in, anonymous, "signing in kept the pre-login id");
    assert_eq!(reply.set_cookies.len(), 1);
    assert_eq!(
        store.counts(),
        CallCounts { load: 1, create: 1, cycle: 1, ..Default::default() },
        "one write moves it, after the marker of the move"
    );

    let mut attacker = browser.clone();
    attacker.cookies.insert("__Host-id", anonymous);
    assert_eq!(attacker.get("/me").await.body, "None", "the pre-login id still works");
    assert_eq!(browser.get("/me").await.body, "Some(7)");

    // Reading a privilege field changes nothing; writing another value cycles again, writing the same
    // value does not.
    let reply = browser.get("/roles").await;
    assert!(reply.set_cookies.is_empty(), "a read cycled the id: {reply:?}");
    browser.post("/roles").await;
    assert_ne!(browser.cookies["__Host-id"], signed_in, "a change of roles kept the id");
    let with_roles = browser.cookies["__Host-id"].to_owned();
    assert!(browser.post("/roles").await.set_cookies.is_empty(), "an unchanged privilege cycled the id");
    assert_eq!(browser.cookies["__Host-id"], with_roles);
    assert_eq!(browser.get("/roles").await.body, "Some([\"admin\"])");
    assert_eq!(browser.get("/me").await.body, "Some(7)");
}

/// The `Max-Age` of the id cookie `reply` sets, if any.
fn id_max_age(reply: &tests::browser::Reply) -> Option<i64> {
    let line = reply.set_cookie("__Host-id").expect("an id cookie");
    cookie::Cookie::parse(line.to_owned()).unwrap().max_age().map(|age| age.whole_seconds())
}

/// How long the store keeps user 7's only session after its last write.
async fn server_lifetime(store: &CountingStore<MemoryStore>) -> Duration {
    let sessions = AccountSession::sessions_of(store.inner(), &7).await.unwrap();
    assert_eq!(sessions.len(), 1);
    sessions[0].expires_at.duration_since(sessions[0].last_seen).unwrap()
}

#[tokio::test]
async fn remember_for_gives_this_session_a_persistent_cookie_and_a_matching_server_lifetime() {
    let (store, [mut remembered, mut plain, _]) = three_browsers();

    let reply = remembered.post("/login/7/remember/2").await;
    assert_eq!(id_max_age(&reply), Some(2 * 24 * 60 * 60), "a persistent id cookie for the duration asked");
    assert_eq!(server_lifetime(&store).await, 2 * DAY, "the server keeps it as long as the cookie");

    // It survives `cycle_id`, and a write slides both on.
    let reply = remembered.post("/cycle").await;
    assert_eq!(id_max_age(&reply), Some(2 * 24 * 60 * 60), "cycle_id forgot the remembered lifetime");
    assert_eq!(server_lifetime(&store).await, 2 * DAY);
    let reply = remembered.post("/cart/apple").await;
    assert_eq!(id_max_age(&reply), Some(2 * 24 * 60 * 60), "a write did not slide the cookie on");

    // Capped by the absolute timeout.
    AccountSession::revoke_owner(store.inner(), &7).await.unwrap();
    let reply = remembered.post("/login/7/remember/30").await;
    assert_eq!(id_max_age(&reply), Some(i64::try_from(ABSOLUTE.as_secs()).unwrap()), "past the absolute timeout");
    let sessions = AccountSession::sessions_of(store.inner(), &7).await.unwrap();
    let created_at = sessions[0].created_at;
    assert_eq!(sessions[0].expires_at, created_at + ABSOLUTE, "the server keeps it past its absolute timeout");

    // A session that did not ask keeps a browser-session cookie and the layer's idle timeout.
    AccountSession::revoke_owner(store.inner(), &7).await.unwrap();
    let reply = plain.post("/login/7").await;
    assert_eq!(id_max_age(&reply), None, "a session that did not ask got a persistent cookie");
    assert_eq!(server_lifetime(&store).await, IDLE);
    let reply = plain.post("/cycle").await;
    assert_eq!(id_max_age(&reply), None);
}

/// A visitor who shops anonymously for most of the absolute timeout, then signs in with "remember me":
/// the sign-in starts the session's lifetime afresh, as it would for a visitor who signed in first.
#[tokio::test]
async fn the_absolute_timeout_counts_from_the_sign_in_not_the_anonymous_visit_before_it() {
    const ABSOLUTE: Duration = Duration::from_millis(2_000);
    let store = CountingStore::new(MemoryStore::default());
    let layer = SessionLayer::new(store.clone(), Key::generate()).with_absolute_timeout(ABSOLUTE);
    let mut browser = Browser::new(owned_app(layer));

    browser.post("/cart/apple").await;
    tokio::time::sleep(Duration::from_millis(1_200)).await;
    let signed_in_at = std::time::SystemTime::now();
    let reply = browser.post("/login/7/remember/30").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(id_max_age(&reply), Some(2), "the cookie lasts the absolute timeout from the sign-in");
    let sessions = AccountSession::sessions_of(store.inner(), &7).await.unwrap();
    // The store keeps whole milliseconds.
    let created_at = sessions[0].created_at + Duration::from_millis(1);
    assert!(created_at > signed_in_at, "created at the anonymous visit, not at the sign-in");
    assert_eq!(sessions[0].expires_at, sessions[0].created_at + ABSOLUTE);

    // Past the absolute timeout of the anonymous visit, within the sign-in's.
    tokio::time::sleep(Duration::from_millis(1_200)).await;
    assert_eq!(browser.get("/me").await.body, "Some(7)");
}

/// A release whose `user_id` was not yet the owner, and the next one, which made it the owner.
mod releases {
    use session_core::SessionSchema;

    #[derive(SessionSchema)]
    pub struct Unindexed {
        #[session]
        pub user_id: u64,
    }

    #[derive(SessionSchema)]
    pub struct Indexed {
        #[session(owner)]
        pub user_id: u64,
    }
}

/// A session signed in before its field was the owner, whose handler writes back the user id it holds
/// (refreshing the current user on each visit): that is no sign-in, so the absolute timeout still counts
/// from the real one, while the session joins its owner's index.
#[tokio::test]
async fn writing_back_the_owner_a_session_holds_is_no_sign_in() {
    use releases::{IndexedSession, UnindexedSession};
    const ABSOLUTE: Duration = Duration::from_millis(2_000);
    let (store, key) = (MemoryStore::default(), Key::generate());
    let layer = || SessionLayer::new(store.clone(), key.clone()).with_absolute_timeout(ABSOLUTE);
    let earlier =
        Router::new().route("/login", post(|s: UnindexedSession| async move { s.set_user_id(7).await })).layer(layer());
    let later = Router::new()
        .route(
            "/visit",
            post(|s: IndexedSession| async move {
                let user = s.user_id().await?.expect("signed in");
                s.set_user_id(user).await
            }),
        )
        .route(
            "/me",
            axum::routing::get(|s: IndexedSession| async move {
                Ok::<_, session_core::Error>(format!("{:?}", s.user_id().await?))
            }),
        )
        .layer(layer());
    let mut browser = Browser::new(earlier);
    assert_eq!(browser.post("/login").await.status, StatusCode::OK);
    let cookies = browser.cookies.clone();
    let mut browser = Browser::new(later);
    browser.cookies = cookies;

    tokio::time::sleep(Duration::from_millis(1_200)).await;
    assert_eq!(browser.post("/visit").await.status, StatusCode::OK);
    assert_eq!(IndexedSession::sessions_of(&store, &7).await.unwrap().len(), 1, "not indexed");
    tokio::time::sleep(Duration::from_millis(1_200)).await;
    assert_eq!(browser.get("/me").await.body, "None", "the write back restarted the absolute timeout");
}

/// In a remembered session's last second, a write still succeeds: its cookie must not delete itself.
#[tokio::test]
async fn a_remembered_cookie_written_in_the_last_second_is_kept_for_it() {
    let store = CountingStore::new(MemoryStore::default());
    let layer = SessionLayer::new(store.clone(), Key::generate()).with_absolute_timeout(Duration::from_millis(1_500));
    let mut browser = Browser::new(owned_app(layer));
    browser.post("/login/7/remember/30").await;
    tokio::time::sleep(Duration::from_millis(700)).await;
    let reply = browser.post("/cart/apple").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(id_max_age(&reply), Some(1), "a write that succeeded sent a cookie that deletes itself");
    assert_eq!(browser.get("/me").await.body, "Some(7)");
}

#[tokio::test]
async fn a_remembered_lifetime_shorter_than_the_idle_timeout_keeps_its_cookie_until_forgotten() {
    let store = CountingStore::new(MemoryStore::default());
    let layer = SessionLayer::new(store.clone(), Key::generate()).with_idle_timeout(3 * DAY);
    let mut browser = Browser::new(owned_app(layer.with_absolute_timeout(ABSOLUTE)));
    let two_days = Some(2 * 24 * 60 * 60);

    let reply = browser.post("/login/7/remember/2").await;
    assert_eq!(id_max_age(&reply), two_days);
    assert_eq!(server_lifetime(&store).await, 3 * DAY, "the server keeps it at least the idle timeout");
    let reply = browser.post("/cycle").await;
    assert_eq!(id_max_age(&reply), two_days, "cycle_id forgot a lifetime shorter than the idle timeout");
    let reply = browser.post("/cart/apple").await;
    assert_eq!(id_max_age(&reply), two_days, "a write did not slide the cookie on");

    // Zero forgets: the cookie ends with the browser session again, rather than being deleted on arrival.
    let reply = browser.post("/login/7/remember/0").await;
    assert_eq!(id_max_age(&reply), None);
    assert_eq!(browser.get("/me").await.body, "Some(7)");
    let reply = browser.post("/cycle").await;
    assert_eq!(id_max_age(&reply), None, "a forgotten lifetime came back");
}

/// "Remember me" ticked in one tab while a request of another tab, which loaded the session before it, is
/// still running: that request's write must not take the longer lifetime back, or the session would end at
/// the idle timeout while the browser keeps its persistent cookie.
#[tokio::test]
async fn a_write_that_loaded_before_remember_for_keeps_the_remembered_lifetime() {
    let (store, key) = (CountingStore::new(MemoryStore::default()), Key::generate());
    let gate = Arc::new(Gate::default());
    let held = Router::new().route(
        "/cart/held",
        post(|s: AccountSession, Extension(gate): Extension<Arc<Gate>>| async move {
            let mut cart = s.cart().await?.unwrap_or_default();
            gate.hold().await;
            cart.push("pear".to_owned());
            s.set_cart(cart).await?;
            Ok::<_, session_core::Error>("ok")
        }),
    );
    let mut browser = Browser::new(beside_owned_app(held, &store, &key, &gate));
    browser.post("/login/7").await;
    assert_eq!(server_lifetime(&store).await, IDLE);

    let (mut tab, mut other_tab) = (browser.clone(), browser.clone());
    let (held, remembered) = gate.one_in_between(tab.post("/cart/held"), other_tab.post("/login/7/remember/2")).await;
    assert_eq!((held.status, remembered.status), (StatusCode::OK, StatusCode::OK));
    let lifetime = server_lifetime(&store).await;
    assert!(
        lifetime > 2 * DAY - Duration::from_secs(1),
        "the held write took the remembered lifetime back: {lifetime:?}"
    );
}

#[tokio::test]
async fn a_remembered_cookie_says_at_most_the_400_days_browsers_keep_one() {
    let store = CountingStore::new(MemoryStore::default());
    let layer = SessionLayer::new(store.clone(), Key::generate()).with_absolute_timeout(800 * DAY);
    let mut browser = Browser::new(owned_app(layer));
    let reply = browser.post("/login/7/remember/700").await;
    assert_eq!(id_max_age(&reply), Some(400 * 24 * 60 * 60));
    assert_eq!(server_lifetime(&store).await, 700 * DAY, "the server keeps the session as long as asked");
}

/// Forgetting ends the longer lifetime on the server too, so the device listing, the store's own expiry
/// and its eviction order all see the session's real deadline.
#[tokio::test]
async fn forgetting_a_remembered_session_shortens_its_stored_deadline() {
    let (store, [mut browser, _, _]) = three_browsers();
    browser.post("/login/7/remember/2").await;
    assert_eq!(server_lifetime(&store).await, 2 * DAY);
    browser.post("/login/7/remember/0").await;
    assert_eq!(server_lifetime(&store).await, IDLE, "the forgotten lifetime stayed in the store");
}

#[tokio::test]
async fn remember_for_zero_at_sign_in_gives_a_browser_session_cookie() {
    let (_, [mut browser, _, _]) = three_browsers();
    let reply = browser.post("/login/7/remember/0").await;
    assert_eq!(id_max_age(&reply), None);
    assert_eq!(browser.get("/me").await.body, "Some(7)");
}

/// "Remember me" ticked on a page that signs nobody in: like `cycle_id`, `remember_for` applies to the
/// session the request has or starts, and alone starts none.
#[tokio::test]
async fn remember_for_alone_starts_no_session() {
    let store = CountingStore::new(MemoryStore::default());
    let remember_only = Router::new().route(
        "/remember",
        post(|s: AccountSession| async move {
            s.remember_for(DAY).await?;
            Ok::<_, session_core::Error>("remembered")
        }),
    );
    let mut visitor = Browser::new(remember_only.layer(SessionLayer::new(store.clone(), Key::generate())));
    let reply = visitor.post("/remember").await;
    assert_eq!((reply.status, reply.set_cookies.len()), (StatusCode::OK, 0), "{reply:?}");
    assert_eq!(store.inner().len(), 0, "a record was stored");
    assert_eq!(store.counts().create, 0);
}

#[tokio::test]
async fn a_plain_read_of_an_owned_session_costs_one_load_and_no_write() {
    let (store, [mut browser, _, _]) = three_browsers();
    browser.post("/login/7").await;
    browser.post("/login/7/remember/2").await;
    store.take_counts();
    for _ in 0..3 {
        let reply = browser.get("/me").await;
        assert_eq!(reply.body, "Some(7)");
        assert!(reply.set_cookies.is_empty(), "a read of a remembered session set a cookie: {reply:?}");
    }
    assert_eq!(store.counts(), CallCounts { load: 3, ..Default::default() });
}

/// A visitor whose owner is optional: `None` while signed out.
#[derive(session_core::SessionSchema)]
struct Guest {
    #[session(owner)]
    user: Option<u64>,
    #[session]
    cart: Vec<String>,
}

/// An `Option` owner set to `None` is no owner: signed-out sessions share no owner "null" through which
/// one could list or end the others.
#[tokio::test]
async fn an_optional_owner_set_to_none_is_no_owner() {
    let store = MemoryStore::default();
    let routes = Router::new()
        .route(
            "/sign-out",
            post(|guest: GuestSession| async move {
                guest.set_user(None).await?;
                guest.set_cart(vec!["tea".into()]).await?;
                Ok::<_, session_core::Error>("ok")
            }),
        )
        .route(
            "/devices",
            axum::routing::get(|guest: GuestSession| async move {
                Ok::<_, session_core::Error>(guest.owner_sessions().await?.len().to_string())
            }),
        )
        .route(
            "/devices/others",
            post(|guest: GuestSession| async move {
                Ok::<_, session_core::Error>(guest.revoke_other_sessions().await?.to_string())
            }),
        )
        .layer(SessionLayer::new(store.clone(), Key::generate()));
    let mut visitors = [Browser::new(routes.clone()), Browser::new(routes)];
    for visitor in &mut visitors {
        assert_eq!(visitor.post("/sign-out").await.body, "ok");
    }
    assert_eq!(visitors[0].get("/devices").await.body, "0", "a signed-out session lists others");
    assert_eq!(visitors[0].post("/devices/others").await.body, "0");
    assert_eq!(store.len(), 2, "a signed-out session ended another");
    assert!(GuestSession::sessions_of(&store, &None).await.unwrap().is_empty());
}

/// `with_idle_refresh` counts the fraction of a session's own idle timeout: for a remembered session, the
/// longer one `remember_for` gave it. At `1.0`, reads alone never write, remembered or not.
#[tokio::test]
async fn the_idle_refresh_of_a_remembered_session_counts_its_own_idle_timeout() {
    let store = CountingStore::new(MemoryStore::default());
    let layer = SessionLayer::new(store.clone(), Key::generate())
        .with_idle_timeout(Duration::from_millis(300))
        .with_idle_refresh(1.0);
    let routes = Router::new()
        .route(
            "/login",
            post(|account: AccountSession| async move {
                account.set_user_id(7).await?;
                account.remember_for(Duration::from_secs(30)).await?;
                Ok::<_, session_core::Error>("ok")
            }),
        )
        .route(
            "/user",
            axum::routing::get(|account: AccountSession| async move {
                Ok::<_, session_core::Error>(format!("{:?}", account.user_id().await?))
            }),
        )
        .layer(layer);
    let mut browser = Browser::new(routes);
    assert_eq!(browser.post("/login").await.body, "ok");
    store.take_counts();
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(browser.get("/user").await.body, "Some(7)", "remembered past the layer's idle timeout");
    assert_eq!(store.take_counts(), CallCounts { load: 1, ..CallCounts::default() }, "a read wrote");
}

/// Requests sent with the id that a privilege change in another tab has just moved (sent before its
/// answer came back) find no session here. One that asks for a change a request can make without a
/// session (a removal, "remember me", "sign out everywhere else") would find nothing to change and report a
/// success, leaving the session under its new id as it was: each answers 409, as a write or a logout does,
/// and leaves the id cookie alone. The same request with an id whose session ended answers 200.
#[tokio::test]
async fn changes_sent_with_an_id_that_a_privilege_change_has_just_moved_answer_409() {
    let (store, key) = (CountingStore::new(MemoryStore::default()), Key::generate());
    let changes = Router::new()
        .route("/forget-user", post(|s: AccountSession| async move { s.remove_user_id().await }))
        .route("/clear-cart", post(|s: AccountSession| async move { s.remove_cart().await }))
        .route("/remember", post(|s: AccountSession| async move { s.remember_for(30 * DAY).await }))
        .layer(layer(store.clone(), key.clone()))
        .merge(owned_app(layer(store.clone(), key.clone())));
    let mut browser = Browser::new(changes);
    assert_eq!(browser.post("/login/7").await.status, StatusCode::OK);
    assert_eq!(browser.post("/cart/apple").await.status, StatusCode::OK);
    let sent_before = browser.clone();
    assert!(browser.post("/roles").await.set_cookie("__Host-id").is_some(), "the privilege change gave a new id");

    for path in ["/forget-user", "/clear-cart", "/remember", "/devices/others"] {
        let reply = sent_before.clone().post(path).await;
        assert_eq!(reply.status, StatusCode::CONFLICT, "{path}: {reply:?}");
        assert!(reply.set_cookies.is_empty(), "{path}: a cookie was touched: {reply:?}");
    }
    assert_eq!(browser.get("/me").await.body, "Some(7)", "the moved session changed");
    let cart =
        browser.session(&layer(store.clone(), key.clone()), |s: AccountSession| async move { s.cart().await }).await;
    assert_eq!(cart.unwrap(), Some(vec!["apple".to_owned()]), "the moved session's cart changed");

    // An id whose session ended (revoked) is unknown too, but no move left a marker: nothing to change.
    let mut revoked = browser.clone();
    assert_eq!(AccountSession::revoke_owner(store.inner(), &7).await.unwrap(), 1);
    for path in ["/forget-user", "/clear-cart", "/remember", "/devices/others"] {
        let reply = revoked.post(path).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}: {reply:?}");
    }
}
