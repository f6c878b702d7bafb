use session_core::{CookieValue, SessionSchema};

struct Cart {
    items: u32,
}

#[derive(Clone, CookieValue)]
struct Prefs {
    theme: u8,
    is_admin: bool,
}

// A mistake the derive sees (`password`) does not hold back those the compiler finds in the types.
#[derive(SessionSchema)]
struct Visitor {
    #[cookie(max_len = 64)]
    password: String,
    #[cookie(max_len = 2000)]
    bio: String,
    #[cookie]
    cart: Cart,
    #[cookie(plain)]
    prefs: Prefs,
    #[cookie(max_len = 4)]
    hits: u32,
    #[session]
    basket: Cart,
}

fn main() {}
