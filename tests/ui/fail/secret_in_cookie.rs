use session_core::SessionSchema;
use session_core::Secret;

#[derive(SessionSchema)]
struct Visitor {
    #[cookie(max_len = 32)]
    note: Secret<String>,
}

fn main() {}
