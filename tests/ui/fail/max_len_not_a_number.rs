use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[cookie(max_len = "16")]
    locale: String,
}

fn main() {}
