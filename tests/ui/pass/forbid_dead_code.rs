//! A crate that forbids dead code, with a private schema whose accessors it mostly leaves uncalled: the
//! derives add no `allow(dead_code)` for `forbid` to refuse, and no dead-code error either.
#![forbid(dead_code)]
#![deny(warnings)]

use session_core::{CookieValue, SessionSchema};

#[derive(Clone, Copy, Debug, PartialEq, CookieValue)]
enum Theme {
    Light,
    Dark,
}

#[derive(SessionSchema)]
struct Visitor {
    #[cookie(plain)]
    theme: Theme,
    #[cookie(max_len = 16)]
    r#type: String,
    #[session(owner)]
    user_id: u64,
    #[session(flash)]
    notice: String,
}

async fn handler(s: VisitorSession) -> Option<Theme> {
    s.theme()
}

fn main() {
    let _ = handler;
    let _ = [Theme::Light, Theme::Dark];
}
