use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[cookie(secure(false))]
    theme: u8,
}

fn main() {}
