use session_core::{CookieValue, SessionSchema};

mod auth {
    #[derive(Clone, session_core::CookieValue)]
    pub struct AuthToken(pub [u8; 16]);
}

use auth::AuthToken as Remember;

#[derive(Clone, Copy, CookieValue)]
enum Role {
    Guest,
    Admin,
}

type Level = Role;

#[derive(Clone, CookieValue)]
struct Prefs {
    theme: u8,
    is_admin: bool,
}

// Each mistake once: a name that already says what the type's own name says adds no second error, nor
// does a misspelt `cookie_budget` get checked as the default.
#[derive(SessionSchema)]
#[schema(cookie_budgett = 20000)]
struct Visitor {
    #[cookie]
    token: Remember,
    #[cookie(plain)]
    role: Level,
    #[cookie(plain, private)]
    prefs: Prefs,
    #[cookie(max_len = 1000)]
    a: String,
    #[cookie(max_len = 1000)]
    b: String,
    #[cookie(max_len = 1000)]
    c: String,
}

fn main() {}
