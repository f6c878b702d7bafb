use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[cookie(sensitive)]
    user_id: u64,
}

fn main() {}
