use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[cookie(private, max_len = 1200)]
    draft: String,
}

fn main() {}
