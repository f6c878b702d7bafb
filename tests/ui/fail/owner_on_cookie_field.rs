use session_core::SessionSchema;

#[derive(SessionSchema)]
struct Visitor {
    #[cookie(owner)]
    user_id: u64,
}

fn main() {}
