//! A crate that forbids the lints the generated code could be tempted to allow: the derives allow none of
//! them (a crate's `forbid` refuses any `allow` of the lint, even on generated items), unless the crate's
//! own declarations call for it.
#![forbid(dead_code, deprecated, non_snake_case, non_camel_case_types, missing_docs)]
#![deny(warnings, forbidden_lint_groups)]

use session_core::{CookieValue, SessionSchema};

/// A theme.
#[derive(Clone, Copy, Debug, PartialEq, CookieValue)]
pub enum Theme {
    /// Light.
    Light,
    /// Dark.
    Dark,
}

/// A layout.
#[derive(Clone, Copy, Debug, PartialEq, CookieValue)]
pub struct Layout {
    /// How many columns.
    pub columns: u8,
}

/// The visitor's state.
#[derive(SessionSchema)]
pub struct Visitor {
    /// The theme.
    #[cookie(plain)]
    pub theme: Theme,
    /// The layout.
    #[cookie]
    pub layout: Layout,
    /// The user.
    #[session(owner)]
    pub user_id: u64,
    /// A notice.
    #[session(flash)]
    pub notice: String,
    /// A field named like a keyword.
    #[session]
    pub r#type: u8,
}

/// Reads a field.
pub async fn handler(s: VisitorSession) -> Option<Theme> {
    s.theme()
}

fn main() {}
