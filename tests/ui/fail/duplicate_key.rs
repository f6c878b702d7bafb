use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[cookie(max_age = "1d", max_age = "2d")]
    theme: u8,
}

fn main() {}
