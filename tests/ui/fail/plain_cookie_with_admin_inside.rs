use session_core::{CookieValue, SessionSchema};

#[derive(Clone, CookieValue)]
struct Prefs {
    theme: u8,
    is_admin: bool,
}

#[derive(SessionSchema)]
struct Visitor {
    #[cookie(plain)]
    prefs: Option<Prefs>,
}

fn main() {}
