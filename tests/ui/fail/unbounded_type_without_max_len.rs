use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[cookie]
    recent: (u8, String),
}

fn main() {}
