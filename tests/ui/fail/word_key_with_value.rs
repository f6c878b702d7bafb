use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[cookie(private = true)]
    theme: u8,
}

fn main() {}
