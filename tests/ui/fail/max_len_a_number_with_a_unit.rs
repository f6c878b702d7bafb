use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[cookie(max_len = 4k)]
    locale: String,
}

fn main() {}
