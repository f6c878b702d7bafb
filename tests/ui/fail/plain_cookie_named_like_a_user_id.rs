use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[cookie(plain, name = "userId")]
    visitor: u64,
}

fn main() {}
