use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[cookie]
    #[cookie(plain)]
    theme: u8,
}

fn main() {}
