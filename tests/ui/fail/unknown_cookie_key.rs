use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[cookie(signed, httponly = false)]
    theme: u8,
}

fn main() {}
