use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[cookie(plain)]
    clone: u8,
}

fn main() {}
