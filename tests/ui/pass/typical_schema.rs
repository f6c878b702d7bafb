//! A typical schema: every protection mode, attributes, flash and sensitive fields, derived values.
#![deny(warnings, missing_docs, unused_qualifications)]

use serde::{Deserialize, Serialize};
use session_core::{CookieValue, Secret, SessionSchema};

/// The colour scheme.
#[derive(Clone, Copy, Debug, PartialEq, CookieValue)]
pub enum Theme {
    /// Light.
    Light,
    /// Dark.
    Dark,
    /// High contrast, stored as `contrast`.
    #[cookie_value(rename = "contrast")]
    HighContrast,
}

/// Layout preferences, stored together in one cookie.
#[derive(Clone, Debug, PartialEq, CookieValue)]
pub struct Layout {
    /// Columns.
    pub columns: u8,
    /// Compact rows.
    pub compact: bool,
    /// Tab order.
    pub tabs: [u8; 3],
}

/// An item in the cart.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CartItem {
    /// Stock keeping unit.
    pub sku: String,
    /// Quantity.
    pub qty: u32,
}

/// What we keep about a visitor.
#[derive(SessionSchema)]
pub struct Visitor {
    /// Read by front-end JavaScript.
    #[cookie(plain, http_only = false, max_age = "400d", same_site = "strict")]
    pub theme: Theme,
    /// The visitor's language.
    #[cookie(max_len = 16, name = "__Host-locale")]
    pub locale: String,
    /// Encrypted layout.
    #[cookie(private, max_age = "30m", partitioned)]
    pub layout: Layout,
    /// Recently viewed product ids.
    #[cookie(signed, max_len = 10, path = "/shop", domain = "example.com")]
    pub recent: Vec<u32>,
    /// An optional pair.
    #[cookie(name = "__Secure-pair", same_site = "none")]
    pub pair: Option<(u16, char)>,
    /// A harmless value with a sensitive-looking name.
    #[cookie(allow_sensitive = "the layout of the PIN pad, not a PIN")]
    pub pin_pad: u8,
    /// The signed-in user.
    #[session]
    pub user_id: u64,
    /// Roles, never in a cookie.
    #[session(sensitive)]
    pub roles: Vec<String>,
    /// An API token for a back-end service.
    #[session(sensitive, name = "upstream_token")]
    pub token: Secret<String>,
    /// The cart.
    #[session]
    pub cart: Vec<CartItem>,
    /// Shown once.
    #[session(flash)]
    pub notice: String,
}

/// Uses every kind of accessor.
pub async fn handler(session: VisitorSession) -> Result<(), session_core::Error> {
    let _theme: Option<Theme> = session.theme();
    session.set_locale("en-GB".to_owned())?;
    session.remove_layout();
    let _user: Option<u64> = session.user_id().await?;
    session.set_cart(Vec::new()).await?;
    session.remove_roles().await?;
    let _notice: Option<String> = session.take_notice().await?;
    let _id = session.id();
    session.cycle_id().await?;
    session.destroy().await
}

fn main() {
    let table = session_core::report::<Visitor>();
    assert!(table.contains("`theme`"));
}
