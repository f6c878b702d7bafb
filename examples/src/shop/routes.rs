//! The shop's handlers and router. Every POST answers with a 303 redirect to the page its form is on.

use std::time::Duration;

use axum::{
    extract::Query,
    http::HeaderMap,
    response::{Html, Redirect},
    routing::{get, post},
    Form, Router,
};
use serde::Deserialize;
use session_core::{Error, StoreKey};

use super::{
    data, pages,
    schema::{CartItem, Theme, Visitor, VisitorSession},
    MAX_CART_LINES, MAX_PRODUCT_CHARS, MAX_QTY, MAX_SKU_CHARS, MAX_USER_CHARS, REMEMBER_FOR,
};

/// The shop's routes, without the session layer.
pub fn router() -> Router {
    Router::new()
        .route("/", get(home))
        .route("/theme", post(set_theme))
        .route("/locale", post(set_locale))
        .route("/login", post(login))
        .route("/logout", post(logout))
        .route("/devices", get(devices))
        .route("/devices/sign-out", post(sign_out_device))
        .route("/devices/sign-out-others", post(sign_out_other_devices))
        .route("/cart", get(cart))
        .route("/cart/add", post(add_to_cart))
        .route("/cart/add-many", post(add_many_to_cart))
        .route("/cart/clear", post(clear_cart))
        .route("/data", get(data))
}

async fn home(visitor: VisitorSession) -> Result<Html<String>, Error> {
    let cart_lines = visitor.cart().await?.map_or(0, |cart| cart.len());
    Ok(pages::home(&pages::Home {
        theme: visitor.theme(),
        locale: visitor.locale(),
        user: visitor.user().await?,
        roles: visitor.roles().await?.unwrap_or_default(),
        cart_lines,
        notice: visitor.take_notice().await?,
    }))
}

#[derive(Deserialize)]
struct ThemeForm {
    theme: Theme,
}

/// Cookie only: no session is loaded or created, and the store is not touched.
async fn set_theme(visitor: VisitorSession, Form(form): Form<ThemeForm>) -> Result<Redirect, Error> {
    visitor.set_theme(form.theme)?;
    Ok(Redirect::to("/"))
}

#[derive(Deserialize)]
struct LocaleForm {
    locale: String,
}

async fn set_locale(visitor: VisitorSession, Form(form): Form<LocaleForm>) -> Result<Redirect, Error> {
    let locale = form.locale.trim();
    if locale.is_empty() {
        visitor.remove_locale();
        return Ok(Redirect::to("/"));
    }
    match visitor.set_locale(locale.to_owned()) {
        Ok(()) => {}
        // The compiler proved the cookie fits; the setter keeps that promise by refusing what exceeds
        // `max_len`. Tell the visitor instead of failing the request (the error's own message is for
        // developers).
        Err(Error::CookieTooLarge { len, limit, .. }) => {
            visitor.set_notice(format!("Locale not changed: {len} bytes, over the {limit} it may have.")).await?;
        }
        Err(error) => return Err(error),
    }
    Ok(Redirect::to("/"))
}

#[derive(Deserialize)]
struct LoginForm {
    user: String,
    /// The "remember me" box: present when ticked.
    remember: Option<String>,
}

async fn login(visitor: VisitorSession, Form(form): Form<LoginForm>) -> Result<Redirect, Error> {
    let Some(user) = text(&form.user, MAX_USER_CHARS) else {
        visitor.set_notice(format!("A name is 1 to {MAX_USER_CHARS} printable characters.")).await?;
        return Ok(Redirect::to("/"));
    };
    if visitor.user().await?.is_some_and(|signed_in| signed_in != user) {
        // Someone else signs in on this browser (a shared computer): nothing of the last user's carries
        // over, their cart included. A visitor's cart from before any sign-in does.
        visitor.destroy().await?;
    }
    // `user` and `roles` are privilege fields: writing them gives the session a new id in the same
    // response, so an id planted or observed before sign-in is worthless after it.
    visitor.set_user(user.to_owned()).await?;
    visitor.set_roles(vec!["customer".to_owned()]).await?;
    // With the box ticked, this session's cookie outlives the browser session, and the server keeps it as
    // long; without, a sign-in again forgets an earlier one's choice.
    visitor.remember_for(if form.remember.is_some() { REMEMBER_FOR } else { Duration::ZERO }).await?;
    visitor.set_notice(format!("Welcome, {user}")).await?;
    Ok(Redirect::to("/"))
}

async fn logout(visitor: VisitorSession) -> Result<Redirect, Error> {
    visitor.destroy().await?;
    // The old record and id are gone; setting a field now starts a fresh session that holds only this.
    visitor.set_notice("Signed out".to_owned()).await?;
    Ok(Redirect::to("/"))
}

/// The signed-in user's sessions, this one marked, with buttons to end the others.
async fn devices(visitor: VisitorSession) -> Result<Html<String>, Error> {
    let user = visitor.user().await?;
    let sessions = visitor.owner_sessions().await?;
    Ok(pages::devices(&pages::Devices { user, sessions, notice: visitor.take_notice().await? }))
}

#[derive(Deserialize)]
struct DeviceForm {
    /// The session's store key in hex, from the devices page: a hash, never a live id.
    key: String,
}

async fn sign_out_device(visitor: VisitorSession, Form(form): Form<DeviceForm>) -> Result<Redirect, Error> {
    let ended = match StoreKey::from_hex(&form.key) {
        Some(key) => visitor.revoke_session(&key).await?,
        None => false,
    };
    let notice = if ended { "That device is signed out." } else { "No such device." };
    visitor.set_notice(notice.to_owned()).await?;
    Ok(Redirect::to("/devices"))
}

async fn sign_out_other_devices(visitor: VisitorSession) -> Result<Redirect, Error> {
    let ended = visitor.revoke_other_sessions().await?;
    visitor.set_notice(format!("Signed out {ended} other device{}.", if ended == 1 { "" } else { "s" })).await?;
    Ok(Redirect::to("/devices"))
}

async fn cart(visitor: VisitorSession) -> Result<Html<String>, Error> {
    let items = visitor.cart().await?.unwrap_or_default();
    let stored_bytes = stored_size(&items)?;
    Ok(pages::cart(&pages::Cart { items, stored_bytes, notice: visitor.take_notice().await? }))
}

/// The bytes the cart takes in the store, which keeps each field as JSON.
fn stored_size(items: &[CartItem]) -> Result<usize, Error> {
    serde_json::to_vec(items).map(|json| json.len()).map_err(|source| Error::Serialize { field: "cart", source })
}

#[derive(Deserialize)]
struct AddForm {
    sku: String,
    name: String,
    qty: String,
}

async fn add_to_cart(visitor: VisitorSession, Form(form): Form<AddForm>) -> Result<Redirect, Error> {
    let qty = form.qty.trim().parse::<u32>().ok().filter(|qty| (1..=MAX_QTY).contains(qty));
    let (Some(sku), Some(name), Some(qty)) = (text(&form.sku, MAX_SKU_CHARS), text(&form.name, MAX_PRODUCT_CHARS), qty)
    else {
        let rule = format!(
            "An item needs a SKU (1 to {MAX_SKU_CHARS} characters), a name (1 to {MAX_PRODUCT_CHARS}) \
             and a quantity from 1 to {MAX_QTY}."
        );
        visitor.set_notice(rule).await?;
        return Ok(Redirect::to("/cart"));
    };
    let mut cart = visitor.cart().await?.unwrap_or_default();
    let full = cart.len() >= MAX_CART_LINES;
    match cart.iter_mut().find(|item| item.sku == sku) {
        Some(item) => item.qty = item.qty.saturating_add(qty),
        None if full => {
            visitor.set_notice(format!("The cart is full ({MAX_CART_LINES} lines).")).await?;
            return Ok(Redirect::to("/cart"));
        }
        None => cart.push(CartItem { sku: sku.to_owned(), name: name.to_owned(), qty }),
    }
    visitor.set_cart(cart).await?;
    visitor.set_notice(format!("Added {qty} × {name}")).await?;
    Ok(Redirect::to("/cart"))
}

/// `input` trimmed, if it is 1 to `max` characters and has no control characters.
fn text(input: &str, max: usize) -> Option<&str> {
    let text = input.trim();
    let fits = (1..=max).contains(&text.chars().count());
    (fits && !text.contains(char::is_control)).then_some(text)
}

#[derive(Deserialize)]
struct AddMany {
    count: usize,
}

/// Adds `count` demo lines, so the cart can grow far past what any cookie could hold.
async fn add_many_to_cart(visitor: VisitorSession, Query(query): Query<AddMany>) -> Result<Redirect, Error> {
    let mut cart = visitor.cart().await?.unwrap_or_default();
    let room = MAX_CART_LINES - cart.len().min(MAX_CART_LINES);
    let count = query.count.min(room);
    let first = cart.len() + 1;
    cart.extend((first..first + count).map(|n| CartItem {
        sku: format!("DEMO-{n:04}"),
        name: format!("Demo item number {n}"),
        qty: 1,
    }));
    visitor.set_cart(cart).await?;
    let notice = if count < query.count {
        format!("Added {count} demo items: the cart is full ({MAX_CART_LINES} lines).")
    } else {
        format!("Added {count} demo items.")
    };
    visitor.set_notice(notice).await?;
    Ok(Redirect::to("/cart"))
}

async fn clear_cart(visitor: VisitorSession) -> Result<Redirect, Error> {
    visitor.remove_cart().await?;
    visitor.set_notice("Cart cleared.".to_owned()).await?;
    Ok(Redirect::to("/cart"))
}

/// Loads the session to size the cart (a read: nothing is written), and shows what the browser sent.
async fn data(visitor: VisitorSession, headers: HeaderMap) -> Result<Html<String>, Error> {
    let items = visitor.cart().await?.unwrap_or_default();
    let cart_bytes = stored_size(&items)?;
    Ok(pages::data(&pages::Data {
        report_table: data::report_table(&session_core::report::<Visitor>()),
        cart_lines: items.len(),
        cart_bytes,
        cookies: data::sent_cookies(&headers),
    }))
}
