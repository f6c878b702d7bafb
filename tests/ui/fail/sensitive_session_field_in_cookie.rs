use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[session(sensitive)]
    #[cookie(max_len = 8)]
    roles: Vec<u8>,
}

fn main() {}
