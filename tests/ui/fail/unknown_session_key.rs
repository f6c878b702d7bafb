use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[session(secret)]
    user_id: u64,
}

fn main() {}
