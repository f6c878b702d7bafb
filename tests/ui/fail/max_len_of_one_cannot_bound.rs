use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    // The least `max_len` bounds it no better than a larger one: the error says so, not "too large".
    #[cookie(max_len = 1)]
    recent: Vec<String>,
}

fn main() {}
