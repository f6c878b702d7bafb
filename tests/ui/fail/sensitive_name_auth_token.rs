use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[cookie(private, max_len = 64)]
    auth_token: String,
}

fn main() {}
