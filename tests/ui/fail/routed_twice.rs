use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[cookie]
    #[session]
    theme: u8,
}

fn main() {}
