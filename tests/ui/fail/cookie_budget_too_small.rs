use session_core::SessionSchema;
#[derive(SessionSchema)]
#[schema(cookie_budget = 1000)]
struct Visitor {
    #[cookie]
    theme: u8,
}

fn main() {}
