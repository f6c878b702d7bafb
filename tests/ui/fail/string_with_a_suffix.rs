use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[cookie(name = "theme"x)]
    theme: u8,
}

fn main() {}
