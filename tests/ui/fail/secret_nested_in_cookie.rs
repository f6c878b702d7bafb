use session_core::{CookieValue, Secret, SessionSchema};

#[derive(SessionSchema)]
struct Visitor {
    #[cookie]
    pair: (Secret<u64>, u8),
}

#[derive(CookieValue)]
struct Login {
    #[cookie_value(allow_sensitive = "it is only a demo")]
    key: Secret<u64>,
    size: u8,
}

fn main() {}
