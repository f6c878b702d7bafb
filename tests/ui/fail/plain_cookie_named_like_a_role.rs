use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[cookie(plain, max_len = 32)]
    role: String,
}

fn main() {}
