use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[cookie(max_len = 0)]
    locale: String,
}

fn main() {}
