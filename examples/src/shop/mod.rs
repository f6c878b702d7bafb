//! The demo shop: an axum app whose per-visitor state is typed by one struct, [`schema::Visitor`].
//!
//! The theme and locale live in cookies (one plain and readable by JavaScript, one signed); the user, their
//! roles, the cart and a flash notice live in the server store under a session id. `/data` shows the
//! routing table the derive produced, how much the server keeps, and the cookies your browser actually sends.
//! `/devices` lists the signed-in user's sessions (the user is the session's owner) and signs out the
//! others; "remember me" on sign-in keeps that one session's cookie past the browser session. Forms are
//! taken from the shop's own pages only ([`same_origin`]).

mod data;
mod pages;
mod routes;
pub mod same_origin;
pub mod schema;

use axum::Router;
use session_core::{Key, MemoryStore, SessionLayer, SessionStore};

/// The name of the session id cookie.
pub const SESSION_COOKIE: &str = "id";
/// The longest locale tag, in bytes: the `max_len` of [`schema::Visitor::locale`].
pub const MAX_LOCALE_BYTES: usize = 16;
/// The longest user name, in characters.
pub const MAX_USER_CHARS: usize = 64;
/// The longest SKU, in characters.
pub const MAX_SKU_CHARS: usize = 32;
/// The longest product name, in characters.
pub const MAX_PRODUCT_CHARS: usize = 100;
/// The most of one product a form may add at once.
pub const MAX_QTY: u32 = 99;
/// How long "remember me" keeps a visitor signed in, within the layer's absolute timeout (a week).
pub const REMEMBER_FOR: std::time::Duration = std::time::Duration::from_secs(30 * 24 * 60 * 60);
/// The most lines a cart can hold: the store is bounded, so is what one visitor may put in it.
pub const MAX_CART_LINES: usize = 2_000;

/// The shop, with sessions in a fresh [`MemoryStore`] under a freshly generated key.
///
/// Every call starts an independent shop; clones of the returned router share its store.
pub fn app() -> Router {
    // A generated key signs this process's cookies only, so a restart signs everyone out and resets
    // their locale. Production loads the key from configuration (`Key::from_master_secret` or
    // `Key::from_bytes`), the same on every instance.
    let key = Key::generate();
    app_with(MemoryStore::default(), key)
}

/// The shop over a given store (a [`MemoryStore`], a `RedisStore`, ...) and key.
pub fn app_with<S: SessionStore>(store: S, key: Key) -> Router {
    app_with_layer(sessions(store, key))
}

/// The shop behind a given session layer: tests keep the layer to read the sessions it holds.
pub fn app_with_layer<S: SessionStore>(sessions: SessionLayer<S>) -> Router {
    // Outside the session layer: a refused post never starts a session, nor sets a cookie.
    routes::router().layer(sessions).layer(axum::middleware::from_fn(same_origin::refuse_cross_site_writes))
}

/// The shop's session layer over `store`, signing with `key`.
pub fn sessions<S: SessionStore>(store: S, key: Key) -> SessionLayer<S> {
    SessionLayer::new(store, key)
        .with_cookie_name(SESSION_COOKIE)
        // The demo speaks plain HTTP, and browsers refuse `Secure` cookies from http:// origins (except
        // localhost): this drops `Secure` from every cookie, the fields' and the id's. Never in production.
        .with_secure(false)
}

#[cfg(test)]
mod tests {
    use session_core::{Place, SessionSchema};

    use super::{schema::Visitor, MAX_LOCALE_BYTES};

    #[test]
    fn locale_limit_matches_the_schema() {
        let limit = Visitor::FIELDS.iter().find_map(|field| match &field.place {
            Place::Cookie { spec, .. } if field.field == "locale" => Some(spec.max_len),
            _ => None,
        });
        assert_eq!(limit, Some(Some(MAX_LOCALE_BYTES)));
    }
}
