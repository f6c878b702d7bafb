use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[session = "user"]
    user_id: u64,
}

fn main() {}
