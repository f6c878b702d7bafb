use session_core::SessionSchema;

#[derive(SessionSchema)]
struct Visitor {
    #[session(name = "user\0id")]
    user_id: u64,
}

fn main() {}
