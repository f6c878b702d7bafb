use session_core::SessionSchema;

#[derive(SessionSchema)]
struct Visitor {
    #[session(owner)]
    user_id: u64,
    #[session(owner)]
    account_id: u64,
}

fn main() {}
