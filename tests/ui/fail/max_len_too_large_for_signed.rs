use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[cookie(max_len = 2000)]
    locale: String,
}

fn main() {}
