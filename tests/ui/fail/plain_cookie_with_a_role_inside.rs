use session_core::{CookieValue, SessionSchema};

#[derive(Clone, Copy, CookieValue)]
enum Role {
    Reader,
    Editor,
}

// A field of a derived struct is looked at by its type's name too.
#[derive(Clone, CookieValue)]
struct Prefs {
    theme: u8,
    level: Role,
}

#[derive(SessionSchema)]
struct Visitor {
    #[cookie(plain)]
    prefs: Prefs,
}

fn main() {}
