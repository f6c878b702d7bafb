use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[cookie(max_age = "1 week")]
    theme: u8,
}

fn main() {}
