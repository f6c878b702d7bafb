use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[cookie(name = "apiKey", max_len = 64)]
    key: String,
}

fn main() {}
