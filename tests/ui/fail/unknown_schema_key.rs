use session_core::SessionSchema;
#[derive(SessionSchema)]
#[schema(handel = "Handle")]
struct Visitor {
    #[session]
    user_id: u64,
}

fn main() {}
