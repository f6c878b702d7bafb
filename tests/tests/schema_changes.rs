//! Values stored by one release and read by the next: `rename_from` reads a session field or a cookie under
//! its old name, `migrate_from` converts a session field whose type changed; a session field moves to its
//! new name and form when it is set, never for a read, and a cookie is re-issued under its new name; an
//! owner whose type changed keeps its stored form, and with it its sessions' index.

use std::{collections::BTreeMap, sync::Arc};

use axum::{
    http::StatusCode,
    routing::{get, post},
    Extension, Router,
};
use serde::{Deserialize, Serialize};
use session_core::{
    schema_lock,
    testing::{compare_schema_locks, LockComparison},
    Key, MemoryStore, SessionLayer, SessionSchema, SessionStore,
};
use tests::{
    browser::Browser,
    gate::Gate,
    stores::{CallCounts, CountingStore},
};

type Store = CountingStore<MemoryStore>;
type Result<T = String> = std::result::Result<T, session_core::Error>;

/// The release before: a signed `locale` cookie and a cart of SKUs.
#[derive(SessionSchema)]
struct Before {
    #[cookie(max_len = 16)]
    locale: String,
    #[session]
    cart: Vec<String>,
}

fn before_routes() -> Router {
    Router::new().route(
        "/fill",
        post(|s: BeforeSession| async move {
            s.set_locale("en-GB".into())?;
            s.set_cart(vec!["apple".into(), "pear".into()]).await?;
            Result::Ok("filled".to_owned())
        }),
    )
}

/// The release after, which renamed both.
#[derive(SessionSchema)]
struct Renamed {
    #[cookie(max_len = 16, rename_from = "locale")]
    language: String,
    #[session(rename_from = "cart")]
    basket: Vec<String>,
}

fn renamed_routes() -> Router {
    Router::new()
        .route(
            "/basket",
            get(|s: RenamedSession| async move { Result::Ok(s.basket().await?.unwrap_or_default().join(",")) }),
        )
        .route(
            "/basket/empty",
            post(|s: RenamedSession| async move {
                s.set_basket(Vec::new()).await?;
                Result::Ok("emptied".to_owned())
            }),
        )
        .route("/language", get(|s: RenamedSession| async move { format!("{:?}", s.language()) }))
        .route(
            "/language/fr",
            post(|s: RenamedSession| async move {
                s.set_language("fr-FR".into())?;
                Result::Ok("set".to_owned())
            }),
        )
}

/// One line of the cart of the release after `Before`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Item {
    sku: String,
    qty: u32,
}

/// What `Before` stored under `cart`, named so the conversion can be written: a list of SKUs.
#[derive(Deserialize)]
#[serde(transparent)]
struct SkuList(Vec<String>);

impl From<SkuList> for Vec<Item> {
    fn from(old: SkuList) -> Self {
        old.0.into_iter().map(|sku| Item { sku, qty: 1 }).collect()
    }
}

/// The release after, whose cart lines carry a quantity.
#[derive(SessionSchema)]
struct Migrated {
    #[session(migrate_from = SkuList)]
    cart: Vec<Item>,
}

fn migrated_routes() -> Router {
    Router::new()
        .route(
            "/cart",
            get(|s: MigratedSession| async move {
                let cart = s.cart().await?.unwrap_or_default();
                Result::Ok(cart.iter().map(|item| format!("{}x{}", item.sku, item.qty)).collect::<Vec<_>>().join(","))
            }),
        )
        .route(
            "/cart/kiwi",
            post(|s: MigratedSession| async move {
                let mut cart = s.cart().await?.unwrap_or_default();
                cart.push(Item { sku: "kiwi".into(), qty: 2 });
                s.set_cart(cart).await?;
                Result::Ok("added".to_owned())
            }),
        )
}

/// The release after, which renamed the cart and gave its lines a quantity in one go.
#[derive(SessionSchema)]
struct RenamedAndMigrated {
    #[session(rename_from = "cart", migrate_from = SkuList)]
    basket: Vec<Item>,
}

fn renamed_and_migrated_routes() -> Router {
    Router::new()
        .route(
            "/basket",
            get(|s: RenamedAndMigratedSession| async move {
                Result::Ok(
                    s.basket()
                        .await?
                        .unwrap_or_default()
                        .iter()
                        .map(|item| item.sku.clone())
                        .collect::<Vec<_>>()
                        .join(","),
                )
            }),
        )
        .route(
            "/basket/kiwi",
            post(|s: RenamedAndMigratedSession| async move {
                let mut basket = s.basket().await?.unwrap_or_default();
                basket.push(Item { sku: "kiwi".into(), qty: 2 });
                s.set_basket(basket).await?;
                Result::Ok("added".to_owned())
            }),
        )
}

/// A cookie whose old name is the session id cookie's: the id cookie is never read or cleared for it.
#[derive(SessionSchema)]
struct RenamedFromTheIdCookie {
    #[cookie(max_len = 16, rename_from = "__Host-id")]
    language: String,
    #[session]
    cart: Vec<String>,
}

/// A release that stored a number under `cart`: neither the new type nor the migration reads it.
#[derive(SessionSchema)]
struct Unrelated {
    #[session]
    cart: u64,
}

/// Two releases over one store and key, and a visitor who used the first.
struct Deploy {
    store: Store,
    key: Key,
    visitor: Browser,
}

impl Deploy {
    async fn after_filling() -> Self {
        Self::after(before_routes(), "/fill", "filled").await
    }

    /// A visitor whose `POST path` to the release `routes` was answered with `reply`.
    async fn after(routes: Router, path: &str, reply: &str) -> Self {
        let store = CountingStore::new(MemoryStore::default());
        let key = Key::generate();
        let mut visitor = Browser::new(routes.layer(SessionLayer::new(store.clone(), key.clone())));
        assert_eq!(visitor.post(path).await.body, reply);
        store.take_counts();
        Deploy { store, key, visitor }
    }

    /// A visitor signed in as user 7 by `NoOwner`, the release before `user_id` was the owner.
    async fn signed_in_before_user_id_was_the_owner() -> Self {
        let sign_in = Router::new().route(
            "/sign-in",
            post(|s: NoOwnerSession| async move {
                s.set_user_id(7).await?;
                Result::Ok("signed in".to_owned())
            }),
        );
        Self::after(sign_in, "/sign-in", "signed in").await
    }

    fn layer(&self) -> SessionLayer<Store> {
        SessionLayer::new(self.store.clone(), self.key.clone())
    }

    /// The same visitor, cookies and all, in front of the next release.
    fn next_release(&self, routes: Router) -> Browser {
        let mut browser = Browser::new(routes.layer(self.layer()));
        browser.cookies = self.visitor.cookies.clone();
        browser
    }

    /// The visitor's stored record, field by field, as JSON text.
    async fn record(&self, browser: &mut Browser) -> BTreeMap<String, String> {
        let id = browser.session(&self.layer(), |s: RenamedSession| async move { s.id() }).await;
        let id = id.expect("the visitor has a session");
        let record = self.store.inner().load(&id.store_key()).await.unwrap().expect("the record is live");
        record.fields.iter().map(|(key, value)| (key.clone(), String::from_utf8(value.clone()).unwrap())).collect()
    }
}

fn json(fields: &[(&str, &str)]) -> BTreeMap<String, String> {
    fields.iter().map(|(key, value)| (key.to_string(), value.to_string())).collect()
}

const ONE_LOAD: CallCounts =
    CallCounts { load: 1, create: 0, save: 0, delete: 0, cycle: 0, owner_sessions: 0, revoke_owner: 0 };
const ONE_LOAD_ONE_SAVE: CallCounts =
    CallCounts { load: 1, create: 0, save: 1, delete: 0, cycle: 0, owner_sessions: 0, revoke_owner: 0 };

#[tokio::test]
async fn a_renamed_session_field_is_read_under_its_old_key_and_a_read_writes_nothing() {
    let deploy = Deploy::after_filling().await;
    let mut browser = deploy.next_release(renamed_routes());
    for _ in 0..2 {
        assert_eq!(browser.get("/basket").await.body, "apple,pear");
        assert_eq!(deploy.store.take_counts(), ONE_LOAD, "a read writes nothing");
        assert_eq!(deploy.record(&mut browser).await, json(&[("cart", r#"["apple","pear"]"#)]));
    }
}

#[tokio::test]
async fn setting_a_renamed_field_drops_its_old_key() {
    let deploy = Deploy::after_filling().await;
    let mut browser = deploy.next_release(renamed_routes());
    assert_eq!(browser.post("/basket/empty").await.body, "emptied");
    assert_eq!(deploy.store.take_counts(), ONE_LOAD_ONE_SAVE);
    assert_eq!(deploy.record(&mut browser).await, json(&[("basket", "[]")]));
}

#[tokio::test]
async fn a_renamed_cookie_is_reissued_under_its_new_name_and_the_old_one_cleared() {
    let deploy = Deploy::after_filling().await;
    assert!(deploy.visitor.cookie("locale").is_some());
    let mut browser = deploy.next_release(renamed_routes());

    let reply = browser.get("/language").await;
    assert_eq!(reply.body, r#"Some("en-GB")"#);
    let reissued = reply.set_cookie("language").expect("re-issued under the new name");
    assert!(reissued.ends_with("en-GB; HttpOnly; SameSite=Lax; Secure; Path=/"), "{reissued}");
    let cleared = reply.set_cookie("locale").expect("the old cookie is cleared");
    assert!(cleared.starts_with("locale=;") && cleared.contains("Max-Age=0"), "{cleared}");
    assert_eq!(reply.set_cookies.len(), 2, "{:?}", reply.set_cookies);
    assert_eq!(deploy.store.take_counts(), CallCounts::default(), "cookies need no store");

    assert!(browser.cookie("locale").is_none());
    let reply = browser.get("/language").await;
    assert_eq!(reply.body, r#"Some("en-GB")"#);
    assert!(reply.set_cookies.is_empty(), "moved once: {:?}", reply.set_cookies);
}

#[tokio::test]
async fn a_renamed_cookie_verifies_only_under_the_name_it_was_signed_for() {
    let deploy = Deploy::after_filling().await;
    let old_value = deploy.visitor.cookie("locale").unwrap().to_owned();

    // The old value under the new name: its MAC names `locale`, so it is no `language` cookie, and the
    // old name is not consulted while the new one is present.
    let mut planted = deploy.next_release(renamed_routes());
    planted.cookies.insert("language", old_value.clone());
    assert_eq!(planted.get("/language").await.body, "None");

    // A value signed for `language`, sent under the old name: not a `locale` cookie either.
    let mut new_visitor = deploy.next_release(renamed_routes());
    new_visitor.cookies.clear();
    new_visitor.post("/language/fr").await;
    let signed_for_new_name = new_visitor.cookie("language").unwrap().to_owned();
    let mut forged = deploy.next_release(renamed_routes());
    forged.cookies.clear();
    forged.cookies.insert("locale", signed_for_new_name);
    let reply = forged.get("/language").await;
    assert_eq!(reply.body, "None");
    assert!(reply.set_cookie("language").is_none(), "{:?}", reply.set_cookies);
}

#[tokio::test]
async fn setting_a_renamed_cookie_clears_the_old_one() {
    let deploy = Deploy::after_filling().await;
    let mut browser = deploy.next_release(renamed_routes());
    let reply = browser.post("/language/fr").await;
    assert!(reply.set_cookie("language").is_some());
    assert!(reply.set_cookie("locale").is_some_and(|line| line.contains("Max-Age=0")), "{:?}", reply.set_cookies);
    assert_eq!(browser.get("/language").await.body, r#"Some("fr-FR")"#);
}

#[tokio::test]
async fn a_cookie_renamed_from_the_id_cookie_never_touches_the_session() {
    let deploy = Deploy::after_filling().await;
    let routes = Router::new()
        .route("/language", get(|s: RenamedFromTheIdCookieSession| async move { format!("{:?}", s.language()) }))
        .route(
            "/language/fr",
            post(|s: RenamedFromTheIdCookieSession| async move {
                s.set_language("fr-FR".into())?;
                Result::Ok(s.cart().await?.unwrap_or_default().join(","))
            }),
        );
    let mut browser = deploy.next_release(routes);
    let id = browser.cookie("__Host-id").expect("a session").to_owned();

    let reply = browser.get("/language").await;
    assert_eq!((reply.body.as_str(), reply.set_cookies.len()), ("None", 0), "{:?}", reply.set_cookies);
    let reply = browser.post("/language/fr").await;
    assert_eq!(reply.body, "apple,pear");
    assert_eq!(reply.set_cookies.len(), 1, "only the new cookie: {:?}", reply.set_cookies);
    assert_eq!(browser.cookie("__Host-id"), Some(id.as_str()));
}

#[tokio::test]
async fn a_migrated_field_is_read_through_its_old_type_and_stored_in_the_new_shape_once_set() {
    let deploy = Deploy::after_filling().await;
    let mut browser = deploy.next_release(migrated_routes());

    assert_eq!(browser.get("/cart").await.body, "applex1,pearx1");
    assert_eq!(deploy.store.take_counts(), ONE_LOAD, "a read writes nothing");
    assert_eq!(deploy.record(&mut browser).await, json(&[("cart", r#"["apple","pear"]"#)]));

    assert_eq!(browser.post("/cart/kiwi").await.body, "added");
    assert_eq!(deploy.store.take_counts(), ONE_LOAD_ONE_SAVE);
    assert_eq!(
        deploy.record(&mut browser).await,
        json(&[("cart", r#"[{"sku":"apple","qty":1},{"sku":"pear","qty":1},{"sku":"kiwi","qty":2}]"#)])
    );
    assert_eq!(browser.get("/cart").await.body, "applex1,pearx1,kiwix2");
}

#[tokio::test]
async fn a_field_renamed_and_retyped_at_once_is_moved_and_converted_in_one_patch_once_set() {
    let deploy = Deploy::after_filling().await;
    let mut browser = deploy.next_release(renamed_and_migrated_routes());

    assert_eq!(browser.get("/basket").await.body, "apple,pear");
    assert_eq!(deploy.store.take_counts(), ONE_LOAD, "a read writes nothing");
    assert_eq!(browser.post("/basket/kiwi").await.body, "added");
    assert_eq!(deploy.store.take_counts(), ONE_LOAD_ONE_SAVE);
    assert_eq!(
        deploy.record(&mut browser).await,
        json(&[("basket", r#"[{"sku":"apple","qty":1},{"sku":"pear","qty":1},{"sku":"kiwi","qty":2}]"#)])
    );
}

/// The first requests after a deploy, a page and its script at once: one only reads the field through its
/// earlier name and type, the other sets it meanwhile. Writing back what the reader converted would put the
/// cart as it was before the other's write back in the store.
#[tokio::test]
async fn a_read_through_an_earlier_name_and_type_never_undoes_a_write_made_meanwhile() {
    let gate = Arc::new(Gate::default());
    let routes = renamed_and_migrated_routes()
        .route(
            "/basket/slowly",
            get(|s: RenamedAndMigratedSession, Extension(gate): Extension<Arc<Gate>>| async move {
                let basket = s.basket().await?.unwrap_or_default();
                gate.hold().await;
                Result::Ok(basket.len().to_string())
            }),
        )
        .layer(Extension(gate.clone()));
    let deploy = Deploy::after_filling().await;
    let browser = deploy.next_release(routes);
    let (mut page, mut script) = (browser.clone(), browser.clone());

    let (slow, added) = gate.one_in_between(page.get("/basket/slowly"), script.post("/basket/kiwi")).await;
    assert_eq!((slow.status, added.body.as_str()), (StatusCode::OK, "added"));
    assert_eq!(slow.body, "2", "the slow request read the basket before the kiwi");
    assert_eq!(
        deploy.record(&mut page).await,
        json(&[("basket", r#"[{"sku":"apple","qty":1},{"sku":"pear","qty":1},{"sku":"kiwi","qty":2}]"#)])
    );
}

#[tokio::test]
async fn a_value_that_decodes_as_neither_type_reads_as_absent_and_stays_as_it_was() {
    let unrelated = Router::new().route(
        "/fill",
        post(|s: UnrelatedSession| async move {
            s.set_cart(7).await?;
            Result::Ok("filled".to_owned())
        }),
    );
    let deploy = Deploy::after(unrelated, "/fill", "filled").await;

    let mut browser = deploy.next_release(migrated_routes());
    assert_eq!(browser.get("/cart").await.body, "");
    assert_eq!(deploy.store.take_counts(), ONE_LOAD, "nothing is written for a value that cannot be read");
    assert_eq!(deploy.record(&mut browser).await, json(&[("cart", "7")]));
}

/// A release that showed a text notice once, and the one after, whose notice is a message number.
#[derive(SessionSchema)]
struct TextNotice {
    #[session(flash)]
    notice: String,
}

#[derive(SessionSchema)]
struct NumberedNotice {
    #[session(flash)]
    notice: u64,
}

#[tokio::test]
async fn taking_a_flash_value_that_no_longer_decodes_leaves_it_stored() {
    let flash = Router::new().route(
        "/save",
        post(|s: TextNoticeSession| async move {
            s.set_notice("saved!".into()).await?;
            Result::Ok("shown".to_owned())
        }),
    );
    let deploy = Deploy::after(flash, "/save", "shown").await;
    let take = Router::new().route(
        "/notice",
        get(|s: NumberedNoticeSession| async move { Result::Ok(format!("{:?}", s.take_notice().await?)) }),
    );
    let mut browser = deploy.next_release(take);

    assert_eq!(browser.get("/notice").await.body, "None");
    assert_eq!(deploy.store.take_counts(), ONE_LOAD, "nothing is removed for a value that cannot be read");
    assert_eq!(deploy.record(&mut browser).await, json(&[("notice", r#""saved!""#)]));
}

/// A release whose sessions belong to a numeric user id.
#[derive(SessionSchema)]
struct NumberedOwner {
    #[session(owner)]
    user_id: u64,
}

fn numbered_owner_routes() -> Router {
    Router::new()
        .route("/whoami", get(|s: NumberedOwnerSession| async move { Result::Ok(format!("{:?}", s.user_id().await?)) }))
}

/// The release before `NumberedOwner`, whose user id was not yet the owner.
#[derive(SessionSchema)]
struct NoOwner {
    #[session]
    user_id: u64,
}

/// The release after, whose user id became a type of its own. An owner's index is keyed by its stored
/// form, so `migrate_from` is refused on it; the type keeps the form through serde instead.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(from = "u64", into = "u64")]
struct AccountId {
    number: u64,
}

impl From<u64> for AccountId {
    fn from(number: u64) -> Self {
        AccountId { number }
    }
}

impl From<AccountId> for u64 {
    fn from(account: AccountId) -> Self {
        account.number
    }
}

#[derive(SessionSchema)]
struct TypedOwner {
    #[session(owner)]
    user_id: AccountId,
}

#[tokio::test]
async fn an_owner_whose_type_keeps_its_stored_form_is_still_found_and_revoked_by_the_new_type() {
    let sign_in = Router::new().route(
        "/sign-in",
        post(|s: NumberedOwnerSession| async move {
            s.set_user_id(7).await?;
            Result::Ok("signed in".to_owned())
        }),
    );
    let deploy = Deploy::after(sign_in, "/sign-in", "signed in").await;

    let seven = AccountId { number: 7 };
    assert_eq!(TypedOwnerSession::sessions_of(&deploy.store, &seven).await.unwrap().len(), 1);
    deploy.store.take_counts();
    let whoami = Router::new()
        .route("/whoami", get(|s: TypedOwnerSession| async move { Result::Ok(format!("{:?}", s.user_id().await?)) }));
    let mut browser = deploy.next_release(whoami);
    assert_eq!(browser.get("/whoami").await.body, "Some(AccountId { number: 7 })");
    assert_eq!(deploy.store.take_counts(), ONE_LOAD, "the stored form is unchanged, so nothing is written back");

    assert_eq!(TypedOwnerSession::revoke_owner(&deploy.store, &seven).await.unwrap(), 1);
    assert_eq!(browser.get("/whoami").await.body, "None");
}

#[test]
fn an_owner_whose_type_keeps_its_stored_form_is_a_compatible_change_to_the_schema_lock() {
    let comparison = compare_schema_locks(&schema_lock::<NumberedOwner>(), &schema_lock::<TypedOwner>()).unwrap();
    assert_eq!(
        comparison,
        LockComparison {
            breaking: Vec::new(),
            compatible: vec!["field `user_id` (store key `user_id`): type changed from `u64` to `AccountId`, stored \
                              the same way (`u64`); a stored value that `AccountId` refuses to decode (one whose \
                              `Deserialize` checks values) reads as absent; as the owner, `AccountId` must \
                              serialize each value it reads as the JSON it was read from (no lowercasing or \
                              trimming in its `From`), or `revoke_owner` misses the sessions stored before"
                .to_owned()],
        }
    );
}

#[test]
fn an_owner_whose_stored_form_changed_fails_the_schema_lock_naming_serde_from_and_into() {
    #[derive(Serialize, Deserialize)]
    struct PlainAccount {
        number: u64,
    }
    #[derive(SessionSchema)]
    struct PlainOwner {
        #[session(owner)]
        user_id: PlainAccount,
    }
    let comparison = compare_schema_locks(&schema_lock::<NumberedOwner>(), &schema_lock::<PlainOwner>()).unwrap();
    assert_eq!(
        comparison.breaking,
        ["field `user_id` (store key `user_id`): type changed from `u64` (`u64`) to `PlainAccount` (`{number: \
          u64}`), so the values stored may no longer decode, and their sessions may stay indexed under the earlier \
          form\n  help: this field is the owner: keep the stored form with `#[serde(from = \"u64\", into = \
          \"u64\")]` on `PlainAccount`, or on a newtype of yours around it if it is not yours\n  help: if every \
          value stored still decodes as `PlainAccount` and serializes as the same JSON (a variant added to an \
          enum), record the lock again with SESSION_SCHEMA_LOCK=overwrite"]
    );
}

#[tokio::test]
async fn a_session_stored_before_its_user_id_was_the_owner_joins_the_index_when_a_request_reads_it() {
    let deploy = Deploy::signed_in_before_user_id_was_the_owner().await;
    let listed = || async { NumberedOwnerSession::sessions_of(&deploy.store, &7).await.unwrap().len() };
    assert_eq!(listed().await, 0, "not indexed before a request of the release that made it the owner");
    deploy.store.take_counts();

    let mut browser = deploy.next_release(numbered_owner_routes());
    assert_eq!(browser.get("/whoami").await.body, "Some(7)");
    assert_eq!(deploy.store.take_counts(), ONE_LOAD_ONE_SAVE, "joining the index is the commit's one write");
    assert_eq!(listed().await, 1);
    deploy.store.take_counts();
    assert_eq!(browser.get("/whoami").await.body, "Some(7)");
    assert_eq!(deploy.store.take_counts(), ONE_LOAD, "indexed once");

    assert_eq!(NumberedOwnerSession::revoke_owner(&deploy.store, &7).await.unwrap(), 1);
    assert_eq!(browser.get("/whoami").await.body, "None");
}

/// The release after `NumberedOwner`, whose sessions belong to an email address instead.
#[derive(SessionSchema)]
struct EmailOwner {
    #[session]
    user_id: u64,
    #[session(owner)]
    email: String,
}

/// What `NumberedOwner` locked, with the email it did not yet have: the owner moves from one field to the
/// other.
#[derive(SessionSchema)]
struct NumberedOwnerWithEmail {
    #[session(owner)]
    user_id: u64,
    #[session]
    email: String,
}

#[test]
fn the_owner_moving_to_another_field_fails_the_schema_lock_saying_what_revoke_owner_misses() {
    let comparison =
        compare_schema_locks(&schema_lock::<NumberedOwnerWithEmail>(), &schema_lock::<EmailOwner>()).unwrap();
    assert_eq!(
        comparison.breaking,
        ["field `email` (store key `email`): now the owner in place of field `user_id` (store key `user_id`); a \
          session stored before stays indexed under its `user_id`, so `revoke_owner` with the new owner does not \
          end it\n  help: keep `user_id` the owner, or end every session with the deploy (a new `Key` without \
          `with_previous_keys` signs everyone out) and record the lock again with SESSION_SCHEMA_LOCK=overwrite"]
    );
}

/// The new owner may be a field the locked release did not have: its sessions are indexed under the earlier
/// owner all the same, and none holds the new field until a request sets it.
#[test]
fn the_owner_moving_to_a_new_field_fails_the_schema_lock_too() {
    let comparison = compare_schema_locks(&schema_lock::<NumberedOwner>(), &schema_lock::<EmailOwner>()).unwrap();
    assert_eq!(comparison.compatible, Vec::<String>::new());
    assert_eq!(comparison.breaking.len(), 1, "{:?}", comparison.breaking);
    assert!(
        comparison.breaking[0].starts_with(
            "field `email` (store key `email`): now the owner in place of field `user_id` (store key `user_id`)"
        ),
        "{}",
        comparison.breaking[0]
    );
}

/// A request that reads the owner of a session stored before its field was the owner indexes it; another
/// request that signs the session in as someone else meanwhile has the last word, whichever commits last.
#[tokio::test]
async fn indexing_an_owner_read_never_undoes_a_sign_in_made_meanwhile() {
    let deploy = Deploy::signed_in_before_user_id_was_the_owner().await;
    let gate = Arc::new(Gate::default());
    let routes = numbered_owner_routes()
        .route(
            "/whoami/slowly",
            get(|s: NumberedOwnerSession, Extension(gate): Extension<Arc<Gate>>| async move {
                let user = s.user_id().await?;
                gate.hold().await;
                Result::Ok(format!("{user:?}"))
            }),
        )
        .route(
            "/sign-in/8",
            post(|s: NumberedOwnerSession| async move {
                s.set_user_id(8).await?;
                Result::Ok("signed in".to_owned())
            }),
        )
        .layer(Extension(gate.clone()));
    let browser = deploy.next_release(routes);
    let (mut page, mut other_tab) = (browser.clone(), browser.clone());

    let (slow, signed_in) = gate.one_in_between(page.get("/whoami/slowly"), other_tab.post("/sign-in/8")).await;
    assert_eq!((slow.status, slow.body.as_str(), signed_in.body.as_str()), (StatusCode::OK, "Some(7)", "signed in"));
    let store = &deploy.store;
    let listed = |user| async move { NumberedOwnerSession::sessions_of(store, &user).await.unwrap().len() };
    assert_eq!((listed(7).await, listed(8).await), (0, 1), "the session is indexed under its user id, 8");
    assert_eq!(NumberedOwnerSession::revoke_owner(&deploy.store, &8).await.unwrap(), 1);
    assert_eq!(page.get("/whoami").await.body, "None");
}

#[test]
fn a_field_that_became_the_owner_is_a_compatible_change_that_says_what_revoke_owner_misses() {
    let comparison = compare_schema_locks(&schema_lock::<NoOwner>(), &schema_lock::<NumberedOwner>()).unwrap();
    assert_eq!(comparison.breaking, Vec::<String>::new());
    assert_eq!(
        comparison.compatible,
        ["field `user_id` (store key `user_id`): now the owner; a session stored before joins its owner's index \
          when a request reads the field, and until then `revoke_owner` does not end it"]
    );
}

/// The other way: listed, so that the lock is rewritten and a later release that brings the owner back is
/// judged against sessions indexed by no one.
#[test]
fn a_field_that_is_no_longer_the_owner_is_a_compatible_change_that_says_what_a_return_misses() {
    let comparison = compare_schema_locks(&schema_lock::<NumberedOwner>(), &schema_lock::<NoOwner>()).unwrap();
    assert_eq!(comparison.breaking, Vec::<String>::new());
    assert_eq!(
        comparison.compatible,
        ["field `user_id` (store key `user_id`): no longer the owner; sessions stored from now on are in no \
          owner's index, so a later release that makes it the owner again finds them only once a request reads \
          the field"]
    );
}

/// The release before `RenamedPrivilege`: the signed-in user's id under `uid`.
#[derive(SessionSchema)]
struct PrivilegeUnderOldName {
    #[session(privilege)]
    uid: u64,
}

#[derive(SessionSchema)]
struct RenamedPrivilege {
    #[session(privilege, rename_from = "uid")]
    user_id: u64,
}

/// A privilege field still under its old name is the value the session holds, for telling whether a write
/// changes it as for reading it: signing out gives a new id, writing back the same user does not.
#[tokio::test]
async fn a_privilege_field_read_through_its_old_name_cycles_the_id_only_when_its_value_changes() {
    let sign_in = Router::new().route(
        "/sign-in",
        post(|s: PrivilegeUnderOldNameSession| async move {
            s.set_uid(7).await?;
            Result::Ok("signed in".to_owned())
        }),
    );
    let deploy = Deploy::after(sign_in, "/sign-in", "signed in").await;
    let routes = Router::new()
        .route(
            "/same",
            post(|s: RenamedPrivilegeSession| async move {
                s.set_user_id(7).await?;
                Result::Ok(format!("{:?}", s.user_id().await?))
            }),
        )
        .route(
            "/sign-out",
            post(|s: RenamedPrivilegeSession| async move {
                s.remove_user_id().await?;
                Result::Ok("signed out".to_owned())
            }),
        );
    let mut browser = deploy.next_release(routes);
    let id = |browser: &Browser| browser.cookie("__Host-id").expect("an id cookie").to_owned();
    let signed_in = id(&browser);

    assert_eq!(browser.post("/same").await.body, "Some(7)");
    assert_eq!(id(&browser), signed_in, "the user it already holds, written back: no new id");
    assert_eq!(deploy.store.take_counts(), ONE_LOAD_ONE_SAVE);

    assert_eq!(browser.post("/sign-out").await.body, "signed out");
    assert_ne!(id(&browser), signed_in, "signing out changes the privilege: a new id");
}

/// The release before `ScriptsReadTheTheme`: a theme cookie that page scripts could not read.
#[derive(SessionSchema)]
struct HttpOnlyTheme {
    #[cookie(name = "__Http-theme", max_len = 8)]
    theme: String,
}

/// The `__Http-` prefix promises HttpOnly, so a cookie that scripts read drops it, keeping the values.
#[derive(SessionSchema)]
struct ScriptsReadTheTheme {
    #[cookie(name = "theme", max_len = 8, http_only = false, rename_from = "__Http-theme")]
    theme: String,
}

/// Moving a cookie away from an `__Http-` name clears the old one, with the `HttpOnly` a browser wants
/// of any line for that name, a removal included. Otherwise the old cookie would stay in the browser,
/// and a value the visitor removed under the new name would come back from it.
#[tokio::test]
async fn a_cookie_moved_away_from_an_http_only_prefix_is_cleared_and_stays_removed() {
    let set = Router::new().route(
        "/theme",
        post(|s: HttpOnlyThemeSession| async move {
            s.set_theme("dark".into())?;
            Result::Ok("set".to_owned())
        }),
    );
    let deploy = Deploy::after(set, "/theme", "set").await;
    let routes = Router::new().route(
        "/theme",
        get(|s: ScriptsReadTheThemeSession| async move { format!("{:?}", s.theme()) }).post(
            |s: ScriptsReadTheThemeSession| async move {
                s.remove_theme();
                "reset"
            },
        ),
    );
    let mut browser = deploy.next_release(routes);
    assert_eq!(browser.get("/theme").await.body, r#"Some("dark")"#);
    assert_eq!(browser.cookie("__Http-theme"), None, "the old cookie was not cleared");
    assert_eq!(browser.post("/theme").await.body, "reset");
    assert_eq!(browser.get("/theme").await.body, "None", "the theme the visitor reset came back");
}
