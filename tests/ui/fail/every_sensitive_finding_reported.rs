use session_core::{CookieValue, SessionSchema};

#[derive(Clone, Copy, CookieValue)]
enum Role {
    Guest,
    Admin,
}

#[derive(Clone, CookieValue)]
struct AuthToken([u8; 16]);

// Each name and type that looks sensitive is reported, so that an `allow_sensitive` answers all of them.
#[derive(SessionSchema)]
struct Visitor {
    #[cookie(plain)]
    pin_pad: (u8, AuthToken, Role),
}

fn main() {}
