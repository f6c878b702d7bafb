use session_core::{CookieValue, SessionSchema};

#[derive(Clone, CookieValue)]
struct UserId(u64);

#[derive(SessionSchema)]
struct Visitor {
    #[cookie(plain)]
    who: UserId,
}

fn main() {}
