use session_core::SessionSchema;

#[derive(SessionSchema)]
#[cookie(plain)]
struct Visitor {
    #[cookie]
    theme: u8,
    #[session]
    user_id: u64,
}

fn main() {}
