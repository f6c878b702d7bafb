use session_core::SessionSchema;
#[derive(SessionSchema)]
#[schema(crate = "session core")]
struct Visitor {
    #[session]
    user_id: u64,
}

fn main() {}
