use session_core::SessionSchema;

// `Box<String>` is no `CookieValue`: the error says so, rather than asking for a `max_len` that would not help.
#[derive(SessionSchema)]
struct Visitor {
    #[cookie]
    locale: Box<String>,
}

fn main() {}
