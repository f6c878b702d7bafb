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

// The names as written say nothing; the types' own names, which their derives carry, do.
#[derive(SessionSchema)]
struct Visitor {
    #[cookie(max_age = "30d")]
    remember: Option<Remember>,
    #[cookie(plain)]
    level: Level,
}

fn main() {}
