use session_core::{CookieValue, SessionSchema};

#[derive(Clone, CookieValue)]
struct AuthToken([u8; 16]);

// The field's name says nothing; the name of its type does.
#[derive(SessionSchema)]
struct Visitor {
    #[cookie(max_age = "30d")]
    remember: Option<AuthToken>,
}

fn main() {}
