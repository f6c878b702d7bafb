//! A derived unit enum with a parameter its variants do not use, as a cookie value.
#![deny(warnings, missing_docs, unused_qualifications)]

use session_core::{CookieValue, SessionSchema};

/// A colour scheme, for a page with `N` columns.
#[derive(Clone, Copy, Debug, PartialEq, CookieValue)]
pub enum Theme<const N: usize> {
    /// Dark text on light.
    Light,
    /// Light text on dark.
    Dark,
}

/// What we keep about a visitor.
#[derive(SessionSchema)]
pub struct Visitor {
    /// The scheme of the two-column layout.
    #[cookie(plain)]
    pub theme: Theme<2>,
}

fn main() {
    let mut out = String::new();
    Theme::<2>::Dark.encode(&mut out);
    assert_eq!(out, "dark");
    assert_eq!(Theme::<2>::decode("light"), Some(Theme::Light));
    assert_eq!(Theme::<2>::decode("dim"), None);
    assert!(session_core::report::<Visitor>().contains("theme"));
}
