use session_core::SessionSchema;

#[derive(SessionSchema)]
struct Visitor {
    #[cookie]
    thème: u8,
}

fn main() {}
