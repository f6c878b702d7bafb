use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[cookie(plain, private)]
    theme: u8,
}

fn main() {}
