use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[cookie(max_len = 9000)]
    draft: String,
}

fn main() {}
