use session_core::SessionSchema;
#[derive(SessionSchema)]
#[schema(cookie_budget = 4096)]
struct Visitor {
    #[cookie(max_len = 1000)]
    draft: String,
    #[cookie(max_len = 1000)]
    reply: String,
}

fn main() {}
