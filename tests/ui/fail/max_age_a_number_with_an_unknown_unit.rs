use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[cookie(max_age = 30ms)]
    theme: u8,
}

fn main() {}
