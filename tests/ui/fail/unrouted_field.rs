use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[session]
    user_id: u64,
    theme: u8,
}

fn main() {}
