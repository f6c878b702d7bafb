//! Where each piece of a shop visitor's state lives: the one struct the whole app is typed by.

use serde::{Deserialize, Serialize};
use session_core::{CookieValue, SessionSchema};

/// The colour scheme a visitor picked.
///
/// It is a cookie value (encoded `light` / `dark`) and a form value (`theme=light|dark`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, CookieValue, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    /// Dark text on a light background.
    Light,
    /// Light text on a dark background.
    Dark,
}

impl Theme {
    /// The name used in the cookie, the form and the CSS class.
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

/// One line of the cart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartItem {
    /// Stock-keeping unit: the product's id.
    pub sku: String,
    /// The product name shown to the visitor.
    pub name: String,
    /// How many of it.
    pub qty: u32,
}

/// Everything the shop remembers about one visitor, and where.
///
/// Preferences that are small, harmless and wanted across restarts are cookies; who the visitor is, what
/// they may do and what they are buying stay on the server, under the session id.
#[derive(SessionSchema)]
pub struct Visitor {
    /// The colour scheme. Front-end JavaScript reads it from `document.cookie`, so it is a plain cookie
    /// without `HttpOnly`, kept for the 400 days browsers allow.
    #[cookie(plain, http_only = false, max_age = "400d")]
    pub theme: Theme,
    /// The visitor's locale tag, such as `en-GB`. Signed (the default): readable, but tampering is detected.
    #[cookie(max_len = 16)]
    pub locale: String,
    /// The signed-in user's name: the session's owner, so "your devices" can list and end the user's
    /// other sessions, and a privilege, so signing in gives the session a new id.
    #[session(owner, privilege)]
    pub user: String,
    /// What the signed-in user may do; redacted from logs and from the report. A privilege: any change
    /// of roles gives the session a new id.
    #[session(sensitive, privilege)]
    pub roles: Vec<String>,
    /// The cart. It can grow far past the 4096 bytes of a cookie: it lives in the store.
    #[session]
    pub cart: Vec<CartItem>,
    /// A one-time message for the next page, such as "Welcome, alice".
    #[session(flash)]
    pub notice: String,
}
