//! The demo shop in a real browser: Debian's headless Chromium, driven over WebDriver, against the shop
//! served on a free port of 127.0.0.1. Each test has a shop and a browser of its own.
//!
//! Without `chromium` and `chromedriver` the tests skip with a printed reason, and fail when `CI` is set.
//! `UPDATE_SCREENSHOTS=1` refreshes the screenshot the README shows (`docs/where-your-data-lives.png`).

mod chromium;
mod screenshot;
mod shop_server;
mod shopper;

use std::collections::BTreeMap;

use cookie::{Cookie, SameSite};
use examples::shop::{schema::Visitor, SESSION_COOKIE};
use session_core::{cookie::MAX_COOKIE_BYTES, SessionSchema};
use shopper::{eventually, Shopper};

/// Starts a shop and a browser, or returns from the test (skipping it) when there is no browser.
macro_rules! shopper {
    () => {
        match Shopper::start().await {
            Some(shopper) => shopper,
            None => return,
        }
    };
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_browser_keeps_every_cookie_and_javascript_sees_only_the_theme() {
    let shopper = shopper!();
    shopper.open("/").await;
    shopper.click("button[name=theme][value=dark]").await;
    check_cookies(&shopper).await;
    shopper.type_into("form[action='/locale'] input[name=locale]", "fr-FR").await;
    shopper.click("form[action='/locale'] button").await;
    check_cookies(&shopper).await;
    shopper.sign_in("alice").await;
    check_cookies(&shopper).await;
    shopper.add_to_cart("A1", "Apple", 1).await;
    check_cookies(&shopper).await;

    let sent = shopper.shop().set_cookies();
    for name in ["theme", "locale", SESSION_COOKIE] {
        assert!(sent.iter().any(|set_cookie| set_cookie.starts_with(&format!("{name}="))), "{name}: {sent:?}");
    }
    let held = shopper.cookies().await;
    assert_eq!(held.keys().map(String::as_str).collect::<Vec<_>>(), [SESSION_COOKIE, "locale", "theme"]);
    assert_eq!(held["theme"].http_only(), Some(false), "page scripts read the theme");
    assert_eq!(held["locale"].http_only(), Some(true));
    assert_eq!(held[SESSION_COOKIE].http_only(), Some(true), "page scripts never see the session id");

    shopper.open("/").await;
    let visible = shopper.document_cookie().await;
    assert_eq!(visible.get("theme").map(String::as_str), Some("dark"), "{visible:?}");
    // The page's own script read the cookie and applied it.
    assert_eq!(shopper.find("#js-theme").await.text().await.unwrap(), "dark");
    assert_eq!(shopper.find("html").await.attr("class").await.unwrap().as_deref(), Some("dark"));
    assert!(shopper.page_text().await.contains("Locale (signed cookie, at most 16 bytes): fr-FR"));
    shopper.close().await;
}

/// After each step: the browser kept every cookie the shop set, and page scripts see the theme cookie
/// alone, although the browser holds the id and locale cookies too.
async fn check_cookies(shopper: &Shopper) {
    shopper.assert_kept_every_cookie().await;
    let visible = shopper.document_cookie().await;
    assert!(!visible.contains_key(SESSION_COOKIE), "the id cookie is HttpOnly: {visible:?}");
    assert!(!visible.contains_key("locale"), "the locale cookie is HttpOnly: {visible:?}");
    assert_eq!(visible.keys().collect::<Vec<_>>(), ["theme"], "{visible:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_gets_a_new_id_and_survives_navigation_and_reload() {
    let shopper = shopper!();
    // A session before login: the cart is kept across sign-in, under a new id.
    shopper.add_to_cart("A1", "Apple", 1).await;
    let before = shopper.cookies().await[SESSION_COOKIE].value().to_owned();

    shopper.sign_in("alice").await;
    shopper.assert_kept_every_cookie().await;
    let signed_in = shopper.cookies().await[SESSION_COOKIE].value().to_owned();
    assert_ne!(before, signed_in, "login moves the session to a new id");
    const SIGNED_IN: &str = "Signed in as alice (roles: customer).";
    assert!(shopper.page_text().await.contains(SIGNED_IN));

    shopper.click("nav a[href='/cart']").await;
    assert_eq!(shopper.rows("tr.item").await, [["A1", "Apple", "1"]], "the cart came along");
    shopper.click("nav a[href='/data']").await;
    shopper.click("nav a[href='/']").await;
    assert!(shopper.page_text().await.contains(SIGNED_IN), "after navigation");
    shopper.reload().await;
    assert!(shopper.page_text().await.contains(SIGNED_IN), "after a reload");
    shopper.client().back().await.expect("history goes back");
    shopper.open("/").await;
    assert!(shopper.page_text().await.contains(SIGNED_IN), "after going back");
    assert_eq!(shopper.cookies().await[SESSION_COOKIE].value(), signed_in, "the id is stable until logout");
    shopper.assert_kept_every_cookie().await;
    shopper.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_logout_the_old_id_cookie_gets_no_session() {
    let shopper = shopper!();
    shopper.sign_in("alice").await;
    let old = shopper.cookies().await.remove(SESSION_COOKIE).expect("signing in sets the id cookie");

    shopper.click("form[action='/logout'] button").await;
    shopper.assert_kept_every_cookie().await;
    let text = shopper.page_text().await;
    assert!(text.contains("Not signed in."), "{text}");
    let now = shopper.cookies().await.remove(SESSION_COOKIE);
    assert_ne!(now.as_ref().map(|cookie| cookie.value()), Some(old.value()), "logout replaced the id cookie");

    // Put the old cookie back, as a thief who copied it would.
    let client = shopper.client();
    client.delete_all_cookies().await.expect("cookies are deleted");
    let mut replayed = Cookie::new(SESSION_COOKIE, old.value().to_owned());
    replayed.set_domain("127.0.0.1");
    replayed.set_path("/");
    replayed.set_http_only(true);
    // WebDriver would otherwise send SameSite=None, which Chromium refuses on a cookie without Secure.
    replayed.set_same_site(SameSite::Lax);
    client.add_cookie(replayed).await.expect("the old id cookie is accepted");
    shopper.open("/data").await;
    let size = format!("{} of {MAX_COOKIE_BYTES}", SESSION_COOKIE.len() + old.value().len());
    let listed = shopper.rows("tr.cookie").await;
    assert!(listed.iter().any(|row| row[0] == SESSION_COOKIE && row[1] == size), "the browser sent it: {listed:?}");

    shopper.open("/").await;
    let text = shopper.page_text().await;
    assert!(text.contains("Not signed in."), "{text}");
    assert!(!text.contains("alice"), "{text}");
    shopper.open("/cart").await;
    assert!(shopper.page_text().await.contains("Your cart is empty."));
    shopper.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cart_of_200_items_works_while_every_cookie_stays_under_4096_bytes() {
    let shopper = shopper!();
    every_cookie_set_and_200_items_in_the_cart(&shopper).await;

    let items = shopper.rows("tr.item").await;
    assert_eq!(items.len(), 200);
    assert_eq!(items[0], ["DEMO-0001", "Demo item number 1", "1"]);
    assert_eq!(items[199], ["DEMO-0200", "Demo item number 200", "1"]);
    let text = shopper.page_text().await;
    let stored: usize = between(&text, "200 items, ", " bytes in the session store").parse().unwrap();
    assert!(stored > MAX_COOKIE_BYTES, "the cart outgrew any cookie: {stored} bytes");
    shopper.reload().await;
    assert_eq!(shopper.rows("tr.item").await.len(), 200, "the cart is kept on the server");
    shopper.open("/").await;
    assert!(shopper.page_text().await.contains("200 items (kept on the server)."));

    shopper.assert_kept_every_cookie().await;
    let sent = shopper.shop().set_cookies();
    assert!(sent.len() >= 3, "{sent:?}");
    for set_cookie in &sent {
        let (name, value) = set_cookie.split(';').next().unwrap().split_once('=').unwrap();
        assert!(name.len() + value.len() < MAX_COOKIE_BYTES, "{set_cookie}");
    }
    let held = shopper.cookies().await;
    assert_eq!(held.len(), 3, "{held:?}");
    for cookie in held.values() {
        assert!(cookie.name().len() + cookie.value().len() < MAX_COOKIE_BYTES, "{cookie}");
    }
    shopper.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_flash_notice_shows_once() {
    let shopper = shopper!();
    shopper.sign_in("alice").await;
    assert_eq!(shopper.notices().await, ["Welcome, alice"]);
    shopper.reload().await;
    assert!(shopper.notices().await.is_empty(), "shown once");

    shopper.add_to_cart("A1", "Apple", 2).await;
    assert_eq!(shopper.notices().await, ["Added 2 × Apple"]);
    shopper.click("nav a[href='/']").await;
    assert!(shopper.notices().await.is_empty(), "shown once");

    shopper.type_into("form[action='/locale'] input[name=locale]", "de-DE-u-co-phonebook").await;
    shopper.click("form[action='/locale'] button").await;
    assert_eq!(shopper.notices().await, ["Locale not changed: 20 bytes, over the 16 it may have."]);
    shopper.reload().await;
    assert!(shopper.notices().await.is_empty(), "shown once");

    shopper.click("form[action='/logout'] button").await;
    assert_eq!(shopper.notices().await, ["Signed out"]);
    shopper.open("/").await;
    assert!(shopper.notices().await.is_empty(), "shown once");
    shopper.assert_kept_every_cookie().await;
    shopper.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn where_your_data_lives_shows_the_report_and_the_cookies_this_browser_holds() {
    let shopper = shopper!();
    every_cookie_set_and_200_items_in_the_cart(&shopper).await;
    shopper.click("nav a[href='/data']").await;
    assert_eq!(shopper.find("h1").await.text().await.unwrap(), "Where your data lives");

    let fields: Vec<String> = Visitor::FIELDS.iter().map(|field| field.field.to_owned()).collect();
    let report = shopper.rows("table.report tbody tr").await;
    assert_eq!(report.iter().map(|row| row[0].clone()).collect::<Vec<_>>(), fields);

    // Exactly the cookies the browser holds, with their sizes.
    let held = shopper.cookies().await;
    let listed = shopper.rows("tr.cookie").await;
    let sizes: BTreeMap<&str, &str> = listed.iter().map(|row| (row[0].as_str(), row[1].as_str())).collect();
    let expected: BTreeMap<&str, String> = held
        .values()
        .map(|cookie| (cookie.name(), format!("{} of {MAX_COOKIE_BYTES}", cookie.name().len() + cookie.value().len())))
        .collect();
    assert_eq!(listed.len(), expected.len(), "{listed:?}");
    assert_eq!(sizes, expected.iter().map(|(name, size)| (*name, size.as_str())).collect());
    let server = shopper.find("#server-cart").await.text().await.unwrap();
    let cart_bytes: usize = between(&server, "200 items, ", " bytes in the session store").parse().unwrap();
    let cookie_bytes: usize = held.values().map(|cookie| cookie.name().len() + cookie.value().len()).sum();
    assert!(cart_bytes > MAX_COOKIE_BYTES && cookie_bytes < 200, "{cart_bytes} on the server, {cookie_bytes} sent");
    let theme = listed.iter().find(|row| row[0] == "theme").expect("a theme row");
    assert_eq!(theme[2], "field theme, plain cookie; value light");
    for secret in [&held[SESSION_COOKIE], &held["locale"]] {
        assert!(!shopper.page_text().await.contains(secret.value()), "{} is hidden", secret.name());
    }

    // The whole page in one image: the window grows by what the page overflows its viewport.
    shopper.fit_window_to_page().await;
    let png = shopper.client().screenshot().await.expect("a screenshot");
    let (width, image_height) = screenshot::png_size(&png).expect("the screenshot is a PNG");
    assert!(width >= 1000 && image_height >= 600, "{width}×{image_height}");
    let path = screenshot::keep("where-your-data-lives.png", &png);
    eprintln!("screenshot: {}", path.display());
    shopper.close().await;
}

/// The text between `start` and `end` in `text`.
fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text.find(start).unwrap_or_else(|| panic!("no {start:?} in {text}")) + start.len();
    let to = text[from..].find(end).unwrap_or_else(|| panic!("no {end:?} after {start:?} in {text}")) + from;
    &text[from..to]
}

/// A light theme, a locale, a signed-in user and a cart of 200 items: every kind of data the shop keeps.
async fn every_cookie_set_and_200_items_in_the_cart(shopper: &Shopper) {
    shopper.open("/").await;
    shopper.click("button[name=theme][value=light]").await;
    shopper.type_into("form[action='/locale'] input[name=locale]", "en-GB").await;
    shopper.click("form[action='/locale'] button").await;
    shopper.sign_in("alice").await;
    shopper.open("/cart").await;
    shopper.click("form[action='/cart/add-many?count=200'] button").await;
}

/// Two browsers with profiles of their own sign in as one user; "your devices" lists both, and signing
/// out everywhere else from one leaves the other signed out on its next page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_everywhere_else_from_one_browser_signs_out_the_other() {
    let laptop = shopper!();
    let Some(phone) = laptop.another_device().await else { return };
    laptop.sign_in_remembered("alice").await;
    phone.sign_in("alice").await;
    const SIGNED_IN: &str = "Signed in as alice";
    assert!(phone.page_text().await.contains(SIGNED_IN));

    let remembered = laptop.cookies().await.remove(SESSION_COOKIE).expect("an id cookie");
    assert!(remembered.expires().is_some(), "remember me gives a persistent cookie: {remembered:?}");
    let plain = phone.cookies().await.remove(SESSION_COOKIE).expect("an id cookie");
    assert!(plain.expires().is_none(), "without remember me the cookie ends with the browser: {plain:?}");

    laptop.click("nav a[href='/devices']").await;
    assert_eq!(laptop.texts("tr.device").await.len(), 2, "{}", laptop.page_text().await);
    assert_eq!(laptop.texts("tr.device.current").await.len(), 1);
    phone.open("/devices").await;
    assert_eq!(phone.texts("tr.device").await.len(), 2);

    laptop.click("form[action='/devices/sign-out-others'] button").await;
    assert_eq!(laptop.notices().await, ["Signed out 1 other device."]);
    assert_eq!(laptop.texts("tr.device").await.len(), 1, "only this device is left");

    phone.open("/").await;
    let text = phone.page_text().await;
    assert!(text.contains("Not signed in."), "the other browser is still signed in: {text}");
    laptop.open("/").await;
    assert!(laptop.page_text().await.contains(SIGNED_IN), "the browser that asked was signed out");
    phone.close().await;
    laptop.close().await;
}

/// A page of another site that posts the sign-in form to the shop as soon as it opens (login CSRF): the
/// shop refuses it, and the visitor keeps their own session and id cookie.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_posted_from_another_site_is_refused_and_the_visitor_stays_signed_in() {
    let shopper = shopper!();
    shopper.sign_in("alice").await;
    let id = shopper.cookies().await[SESSION_COOKIE].value().to_owned();

    // A `data:` page has an origin of its own, so the browser reports the post as cross-site.
    let attack = format!(
        "<form method=post action='{}'><input name=user value=mallory></form><script>document.forms[0].submit()</script>",
        shopper.shop().url("/login")
    );
    let encoded: String = attack.bytes().map(|byte| format!("%{byte:02X}")).collect();
    shopper.client().goto(&format!("data:text/html,{encoded}")).await.expect("the other site's page opens");
    eventually("the shop answers the forged form", || async {
        let text = shopper.client().find(fantoccini::Locator::Css("body")).await;
        match text {
            Ok(body) => body.text().await.is_ok_and(|text| text.contains("only be sent from the shop's own pages")),
            Err(_) => false,
        }
    })
    .await;

    assert_eq!(shopper.cookies().await[SESSION_COOKIE].value(), id, "the visitor's id cookie is kept");
    shopper.open("/").await;
    let text = shopper.page_text().await;
    assert!(text.contains("Signed in as alice"), "{text}");
    shopper.assert_kept_every_cookie().await;
    shopper.close().await;
}
