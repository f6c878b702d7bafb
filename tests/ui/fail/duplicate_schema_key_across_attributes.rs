use session_core::SessionSchema;
#[derive(SessionSchema)]
#[schema(handle = "Guest")]
#[schema(handle = "Member")]
struct Visitor {
    #[session]
    user_id: u64,
}

fn main() {}
