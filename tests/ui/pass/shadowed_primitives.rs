//! A crate that declares types named like primitive types (as crates that mirror C's types do): the
//! derives' code names the primitives by their full paths.
#![deny(warnings)]
#![allow(dead_code, non_camel_case_types)]

use session_core::{CookieValue, SessionSchema};

struct usize;
struct str;
struct bool;
struct char;
struct u8;

#[derive(Clone, Copy, Debug, PartialEq, CookieValue)]
enum Theme {
    Light,
}

#[derive(Clone, Copy, Debug, PartialEq, CookieValue)]
struct Layout {
    columns: u16,
    rows: u16,
}

#[derive(SessionSchema)]
struct Visitor {
    #[cookie]
    theme: Theme,
    #[cookie]
    layout: Layout,
    #[cookie(max_len = 8)]
    locale: String,
    #[session(owner)]
    user_id: u32,
    #[session(rename_from = "basket", migrate_from = u16)]
    cart: u32,
}

fn main() {}
