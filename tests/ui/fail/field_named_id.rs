use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[session]
    id: u64,
}

fn main() {}
