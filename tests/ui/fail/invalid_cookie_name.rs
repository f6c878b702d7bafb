use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[cookie(name = "my theme")]
    theme: u8,
}

fn main() {}
