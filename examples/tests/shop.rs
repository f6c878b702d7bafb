//! The demo shop, driven request by request by `session_core::testing::Browser`, which keeps its cookies
//! as a browser does.

use axum::Router;
use examples::shop::{app, app_with_layer, schema::Visitor, schema::VisitorSession, sessions, SESSION_COOKIE};
use http::StatusCode;
use session_core::{
    testing::{assert_schema_lock, Reply},
    Key, MemoryStore, Place, SessionSchema,
};

/// The shop's visitor: the test client apps use, keeping cookies as a browser does (no `Secure`: the shop
/// speaks HTTP).
type Browser = session_core::testing::Browser<Router>;

/// POSTs a form and checks it answers with a 303 to `back`.
async fn submit(browser: &mut Browser, path: &str, form: &str, back: &str) -> Reply {
    let reply = browser.post_form(path, form).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "POST {path}: {}", reply.body);
    assert_eq!(reply.location(), Some(back), "POST {path}");
    reply
}

/// The `name` and `value` of a `Set-Cookie` header.
fn name_value(set_cookie: &str) -> (&str, &str) {
    let pair = set_cookie.split(';').next().unwrap();
    pair.split_once('=').unwrap()
}

async fn home(browser: &mut Browser) -> String {
    let reply = browser.get("/").await;
    assert_eq!(reply.status, StatusCode::OK);
    reply.body
}

const NOTICE: &str = "<p class=\"notice\" role=\"status\">";

#[tokio::test]
async fn login_shows_the_user_and_a_welcome_once() {
    let mut browser = Browser::new(app());
    assert!(home(&mut browser).await.contains("<p>Not signed in.</p>"));

    submit(&mut browser, "/login", "user=alice", "/").await;
    assert!(browser.cookie(SESSION_COOKIE).is_some(), "login creates a session");

    let page = home(&mut browser).await;
    assert!(page.contains("<p>Signed in as <strong>alice</strong> (roles: customer).</p>"), "{page}");
    assert!(page.contains(&format!("{NOTICE}Welcome, alice</p>")), "{page}");

    let again = home(&mut browser).await;
    assert!(again.contains("<strong>alice</strong>"));
    assert!(!again.contains(NOTICE), "the flash notice is shown once: {again}");
}

/// A form posted from the shop's page, or from another site's, as the browser reports it.
fn login_form_from(user: &str, header: &str, value: &str) -> http::Request<String> {
    http::Request::post("/login")
        .header(http::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(http::header::HOST, "shop.test")
        .header(header, value)
        .body(format!("user={user}"))
        .unwrap()
}

/// A page of another site that posts a form here (login CSRF) is refused before the session layer: the
/// visitor keeps their id cookie, their cart and who they are signed in as.
#[tokio::test]
async fn forms_posted_from_another_site_are_refused_and_change_nothing() {
    let mut browser = Browser::new(app());
    submit(&mut browser, "/login", "user=alice", "/").await;
    submit(&mut browser, "/cart/add", "sku=A1&name=Apple&qty=2", "/cart").await;
    let id = browser.cookies[SESSION_COOKIE].to_owned();

    for (header, value) in [("sec-fetch-site", "cross-site"), ("origin", "http://elsewhere.test")] {
        let reply = browser.send(login_form_from("mallory", header, value)).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{header}: {value}");
        assert_eq!(reply.set_cookie(SESSION_COOKIE), None, "no session is started or ended");
    }
    assert_eq!(browser.cookies[SESSION_COOKIE], id);
    let page = home(&mut browser).await;
    assert!(page.contains("Signed in as <strong>alice</strong>") && page.contains("1 item"), "{page}");

    // The same form from the shop's own page.
    let reply = browser.send(login_form_from("bob", "sec-fetch-site", "same-origin")).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert!(home(&mut browser).await.contains("Signed in as <strong>bob</strong>"));
}

#[tokio::test]
async fn login_gets_a_new_session_id() {
    let mut browser = Browser::new(app());
    submit(&mut browser, "/cart/add", "sku=A1&name=Apple&qty=2", "/cart").await;
    let before = browser.cookies[SESSION_COOKIE].to_owned();

    submit(&mut browser, "/login", "user=alice", "/").await;
    let after = browser.cookies[SESSION_COOKIE].to_owned();
    assert_ne!(before, after, "cycle_id on login");

    let cart = browser.get("/cart").await.body;
    assert!(cart.contains("<tr class=\"item\"><td><code>A1</code></td><td>Apple</td><td>2</td></tr>"), "{cart}");

    // The id from before login is dead.
    let mut stale = Browser::new(browser.service().clone());
    stale.cookies.insert(SESSION_COOKIE, before);
    assert!(stale.get("/cart").await.body.contains("Your cart is empty"));
}

#[tokio::test]
async fn invalid_names_are_refused_with_a_notice() {
    let mut browser = Browser::new(app());
    submit(&mut browser, "/login", "user=+++", "/").await;
    let page = home(&mut browser).await;
    assert!(page.contains("<p>Not signed in.</p>"));
    assert!(page.contains(&format!("{NOTICE}A name is 1 to 64 printable characters.</p>")), "{page}");

    submit(&mut browser, "/login", &format!("user={}", "x".repeat(65)), "/").await;
    assert!(home(&mut browser).await.contains("<p>Not signed in.</p>"));
}

#[tokio::test]
async fn user_text_is_escaped() {
    let mut browser = Browser::new(app());
    submit(&mut browser, "/login", "user=%3Cscript%3Ealert(1)%3C%2Fscript%3E", "/").await;
    let page = home(&mut browser).await;
    assert!(page.contains("<strong>&lt;script&gt;alert(1)&lt;/script&gt;</strong>"), "{page}");
    assert!(page.contains("Welcome, &lt;script&gt;"));
    assert!(!page.contains("<script>alert"));
}

#[tokio::test]
async fn theme_is_a_plain_cookie_that_javascript_can_read() {
    let mut browser = Browser::new(app());
    let reply = browser.post_form("/theme", "theme=dark").await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.set_cookies.len(), 1, "a cookie-only handler creates no session: {:?}", reply.set_cookies);
    let theme = &reply.set_cookies[0];
    assert!(theme.starts_with("theme=dark;"), "{theme}");
    assert!(theme.contains("Max-Age=34560000"), "400 days: {theme}");
    assert!(!theme.contains("HttpOnly") && !theme.contains("Secure"), "{theme}");

    let page = home(&mut browser).await;
    assert!(page.contains("the server read <strong>dark</strong>"));
    assert!(page.contains("document.cookie.match("), "the page applies the theme from the cookie");
}

#[tokio::test]
async fn a_locale_over_its_limit_becomes_a_notice() {
    let mut browser = Browser::new(app());
    submit(&mut browser, "/locale", "locale=en-GB", "/").await;
    assert!(home(&mut browser).await.contains("<strong>en-GB</strong>"));

    submit(&mut browser, "/locale", "locale=de-DE-u-co-phonebook", "/").await;
    let page = home(&mut browser).await;
    assert!(page.contains("<strong>en-GB</strong>"), "the old locale is kept");
    assert!(page.contains(&format!("{NOTICE}Locale not changed: 20 bytes, over the 16 it may have.</p>")), "{page}");
}

#[tokio::test]
async fn a_large_cart_lives_on_the_server_and_every_cookie_stays_small() {
    let mut browser = Browser::new(app());
    let mut all_set_cookies = Vec::new();
    for (path, form, back) in [
        ("/theme", "theme=light", "/"),
        ("/locale", "locale=en-GB", "/"),
        ("/login", "user=alice", "/"),
        ("/cart/add-many?count=200", "", "/cart"),
    ] {
        all_set_cookies.extend(submit(&mut browser, path, form, back).await.set_cookies);
    }

    let cart = browser.get("/cart").await;
    all_set_cookies.extend(cart.set_cookies.iter().cloned());
    assert_eq!(cart.status, StatusCode::OK);
    assert_eq!(cart.body.matches("<tr class=\"item\">").count(), 200);
    assert!(cart.body.contains("<td><code>DEMO-0001</code></td><td>Demo item number 1</td><td>1</td>"));
    assert!(cart.body.contains("<td><code>DEMO-0200</code></td><td>Demo item number 200</td><td>1</td>"));
    assert!(cart.body.contains(&format!("{NOTICE}Added 200 demo items.</p>")));
    let stored: usize = between(&cart.body, "200 items, ", " bytes in the session store").parse().unwrap();
    assert!(stored > 4096, "the cart outgrew any cookie: {stored} bytes");
    assert!(cart.body.contains("more than a browser keeps in a cookie"));
    assert!(home(&mut browser).await.contains("<a href=\"/cart\">200 items</a>"));

    // Each cookie set once, whatever the cart holds: its name and value in bytes. The plain theme is its
    // word; the signed locale carries a 43-byte signature; the id, a signature and the id.
    let sizes: Vec<(&str, usize)> = all_set_cookies
        .iter()
        .map(|set_cookie| name_value(set_cookie))
        .map(|(name, value)| (name, name.len() + value.len()))
        .collect();
    assert_eq!(sizes, [("theme", 10), ("locale", 6 + 43 + 5), (SESSION_COOKIE, 67)], "{all_set_cookies:?}");
    let jar_bytes: usize = browser.cookies.iter().map(|(name, value)| name.len() + value.len()).sum();
    assert_eq!(jar_bytes, 131, "the three cookies the browser holds");
}

#[tokio::test]
async fn cart_lines_merge_by_sku_and_bad_items_are_refused() {
    let mut browser = Browser::new(app());
    submit(&mut browser, "/cart/add", "sku=A1&name=Apple&qty=2", "/cart").await;
    submit(&mut browser, "/cart/add", "sku=A1&name=Apple&qty=3", "/cart").await;
    submit(&mut browser, "/cart/add", "sku=B2&name=Banana+%26+co&qty=1", "/cart").await;
    let cart = browser.get("/cart").await.body;
    assert_eq!(cart.matches("<tr class=\"item\">").count(), 2, "{cart}");
    assert!(cart.contains("<td><code>A1</code></td><td>Apple</td><td>5</td>"), "{cart}");
    assert!(cart.contains("<td><code>B2</code></td><td>Banana &amp; co</td><td>1</td>"), "{cart}");
    assert!(cart.contains(&format!("{NOTICE}Added 1 × Banana &amp; co</p>")), "{cart}");

    submit(&mut browser, "/cart/add", "sku=C3&name=Cherry&qty=0", "/cart").await;
    let cart = browser.get("/cart").await.body;
    assert_eq!(cart.matches("<tr class=\"item\">").count(), 2);
    assert!(cart.contains("a quantity from 1 to 99."), "{cart}");

    submit(&mut browser, "/cart/clear", "", "/cart").await;
    let cart = browser.get("/cart").await.body;
    assert!(cart.contains("<p>Your cart is empty.</p>"), "{cart}");
    assert!(cart.contains(&format!("{NOTICE}Cart cleared.</p>")));
}

#[tokio::test]
async fn logout_ends_the_session_for_the_old_id() {
    let mut browser = Browser::new(app());
    submit(&mut browser, "/login", "user=alice", "/").await;
    home(&mut browser).await;
    let old_id = browser.cookies[SESSION_COOKIE].to_owned();

    submit(&mut browser, "/logout", "", "/").await;
    let page = home(&mut browser).await;
    assert!(page.contains("<p>Not signed in.</p>"), "{page}");
    assert!(page.contains(&format!("{NOTICE}Signed out</p>")), "the notice survives destroy: {page}");
    assert!(!home(&mut browser).await.contains(NOTICE));

    let mut replay = Browser::new(browser.service().clone());
    replay.cookies.insert(SESSION_COOKIE, old_id);
    let reply = replay.get("/").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.body.contains("<p>Not signed in.</p>"), "{}", reply.body);
    assert!(!reply.body.contains("alice"));
}

/// A second user signing in on the same browser (a shared computer) gets a session of their own: the cart
/// and the "remember me" of the one before stay behind. A cart filled before any sign-in is kept.
#[tokio::test]
async fn signing_in_as_someone_else_carries_nothing_of_the_last_user_over() {
    let mut browser = Browser::new(app());
    submit(&mut browser, "/cart/add", "sku=A1&name=Apple&qty=2", "/cart").await;
    submit(&mut browser, "/login", "user=alice&remember=on", "/").await;
    assert!(home(&mut browser).await.contains("<a href=\"/cart\">1 item</a>"), "a guest's cart is kept");

    let bobs_sign_in = submit(&mut browser, "/login", "user=bob", "/").await;
    let id_cookie = bobs_sign_in.set_cookie(SESSION_COOKIE).expect("a new id");
    assert!(!id_cookie.contains("Max-Age"), "alice's remember me outlived her: {id_cookie}");
    let page = home(&mut browser).await;
    assert!(page.contains("<strong>bob</strong>") && !page.contains("1 item"), "{page}");

    // The same user again, this time without the box ticked: the cookie ends with the browser session.
    submit(&mut browser, "/login", "user=carol&remember=on", "/").await;
    let again = submit(&mut browser, "/login", "user=carol", "/").await;
    let id_cookie = again.set_cookie(SESSION_COOKIE).expect("a new id");
    assert!(!id_cookie.contains("Max-Age"), "the earlier sign-in's remember me held: {id_cookie}");
}

#[tokio::test]
async fn data_page_reports_every_field_and_hides_protected_values() {
    let mut browser = Browser::new(app());
    submit(&mut browser, "/theme", "theme=dark", "/").await;
    submit(&mut browser, "/locale", "locale=fr-FR", "/").await;
    submit(&mut browser, "/login", "user=alice", "/").await;
    let reply = browser.get("/data").await;
    assert_eq!(reply.status, StatusCode::OK);
    let page = reply.body;

    assert_eq!(page.matches("<tr><td><code>").count(), Visitor::FIELDS.len());
    for field in Visitor::FIELDS {
        let stored_in = match &field.place {
            Place::Cookie { spec, .. } => {
                format!("<td>browser cookie <code>{}</code> ({})</td>", spec.name, spec.protection.as_str())
            }
            Place::Session { key, .. } => format!("<td>server store, key <code>{key}</code></td>"),
        };
        assert!(page.contains(&format!("<tr><td><code>{}</code></td>{stored_in}", field.field)), "{field:?}\n{page}");
    }
    assert!(page.contains("hidden; sensitive, redacted from logs"), "roles is sensitive");
    assert!(page.contains("max-age 400d"), "theme lasts 400 days");
    assert!(page.contains("<p id=\"server-cart\">Your cart is empty.</p>"), "{page}");

    assert!(page.contains("field <code>theme</code>, plain cookie; value <code>dark</code>"));
    assert!(page.contains("field <code>locale</code>, signed cookie; value hidden"));
    assert!(page.contains("<td><code>id</code></td>"));
    for (name, value) in browser.cookies.iter() {
        let bytes = name.len() + value.len();
        assert!(page.contains(&format!("<td><code>{name}</code></td><td>{bytes} of 4096</td>")), "{name}");
        if name != "theme" {
            assert!(!page.contains(value), "the value of `{name}` is not shown");
        }
    }
}

#[tokio::test]
async fn the_session_holds_what_the_pages_say() {
    let layer = sessions(MemoryStore::default(), Key::generate());
    let mut browser = Browser::new(app_with_layer(layer.clone()));
    submit(&mut browser, "/login", "user=alice", "/").await;
    submit(&mut browser, "/cart/add", "sku=A1&name=Apple&qty=2", "/cart").await;

    let (user, roles, cart) = browser
        .session(&layer, |visitor: VisitorSession| async move {
            (visitor.user().await.unwrap(), visitor.roles().await.unwrap(), visitor.cart().await.unwrap())
        })
        .await;
    assert_eq!(user.as_deref(), Some("alice"));
    assert_eq!(roles, Some(vec!["customer".to_owned()]));
    let cart = cart.expect("a cart");
    assert_eq!((cart.len(), cart[0].sku.as_str(), cart[0].qty), (1, "A1", 2));
}

/// The shop's sessions as the last release stored them: a change that would strand them fails here, and
/// `SESSION_SCHEMA_LOCK=overwrite` records one that is safe.
#[test]
fn the_schema_still_reads_what_the_last_release_stored() {
    assert_schema_lock::<Visitor>(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/visitor.schema.lock"));
}

/// The text between `start` and `end` in `text`.
fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text.find(start).unwrap_or_else(|| panic!("no {start:?} in {text}")) + start.len();
    let to = text[from..].find(end).unwrap() + from;
    &text[from..to]
}

/// The hex key of each "Sign out" button on a devices page: every device but this one.
fn device_keys(page: &str) -> Vec<String> {
    page.split("name=\"key\" value=\"").skip(1).map(|rest| rest[..64].to_owned()).collect()
}

#[tokio::test]
async fn the_devices_page_signs_out_one_device_and_refuses_a_key_that_is_not_the_users() {
    let app = app();
    let (mut laptop, mut phone, mut tablet, mut bob, mut bobs_phone) = (
        Browser::new(app.clone()),
        Browser::new(app.clone()),
        Browser::new(app.clone()),
        Browser::new(app.clone()),
        Browser::new(app),
    );
    let mut signed_in = Vec::new();
    for browser in [&mut laptop, &mut phone, &mut tablet] {
        signed_in.push(submit(browser, "/login", "user=alice", "/").await);
    }
    submit(&mut bobs_phone, "/login", "user=bob", "/").await;
    let bobs_sign_in = submit(&mut bob, "/login", "user=bob&remember=on", "/").await;
    let remembered = bobs_sign_in.set_cookie(SESSION_COOKIE);
    assert!(
        remembered.is_some_and(|line| line.contains("Max-Age=604800")),
        "remember me, within the week: {remembered:?}"
    );
    let plain = signed_in[0].set_cookie(SESSION_COOKIE).expect("an id cookie");
    assert!(!plain.contains("Max-Age"), "without remember me, a browser-session cookie: {plain}");

    let page = laptop.get("/devices").await.body;
    assert!(page.contains("<td>This device</td>"), "{page}");
    let others = device_keys(&page);
    assert_eq!(others.len(), 2, "the phone and the tablet, not bob: {page}");

    // Bob's other device, named by a key from his own page, is not alice's to end.
    let bobs = device_keys(&bob.get("/devices").await.body);
    assert_eq!(bobs.len(), 1, "bob's phone");
    submit(&mut laptop, "/devices/sign-out", &format!("key={}", bobs[0]), "/devices").await;
    assert!(laptop.get("/devices").await.body.contains("No such device."));
    assert!(home(&mut bobs_phone).await.contains("<strong>bob</strong>"), "bob's phone is still signed in");
    submit(&mut laptop, "/devices/sign-out", "key=not-a-key", "/devices").await;
    assert!(laptop.get("/devices").await.body.contains("No such device."));

    submit(&mut laptop, "/devices/sign-out", &format!("key={}", others[0]), "/devices").await;
    let page = laptop.get("/devices").await.body;
    assert!(page.contains("That device is signed out."), "{page}");
    assert_eq!(device_keys(&page), [others[1].clone()]);
    let signed_out = [home(&mut phone).await, home(&mut tablet).await];
    assert_eq!(signed_out.iter().filter(|page| page.contains("<p>Not signed in.</p>")).count(), 1, "one device ended");

    submit(&mut laptop, "/devices/sign-out-others", "", "/devices").await;
    assert!(laptop.get("/devices").await.body.contains("Signed out 1 other device."));
    assert!(home(&mut phone).await.contains("<p>Not signed in.</p>"));
    assert!(home(&mut tablet).await.contains("<p>Not signed in.</p>"));
    assert!(home(&mut bob).await.contains("<strong>bob</strong>"), "another user's session survived");
}
