use session_core::SessionSchema;

#[derive(SessionSchema)]
struct Visitor {
    #[session(owner, flash)]
    user_id: u64,
}

fn main() {}
