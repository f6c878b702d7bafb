use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[cookie(max_age = 30d)]
    theme: u8,
}

fn main() {}
