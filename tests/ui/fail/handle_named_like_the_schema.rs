use session_core::SessionSchema;

#[derive(SessionSchema)]
#[schema(handle = "Visitor")]
struct Visitor {
    #[session]
    user_id: u64,
}

fn main() {}
