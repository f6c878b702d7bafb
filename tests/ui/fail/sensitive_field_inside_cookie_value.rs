use session_core::{CookieValue, SessionSchema};

#[derive(CookieValue)]
struct Creds {
    user: u64,
    password: u64,
}

// The schema that stores `Creds` reports nothing more.
#[derive(SessionSchema)]
struct Visitor {
    #[cookie(private)]
    creds: Creds,
}

fn main() {}
