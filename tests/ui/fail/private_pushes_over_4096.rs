use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[cookie(private, max_len = 3100)]
    draft: String,
}

fn main() {}
