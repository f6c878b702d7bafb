use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[cookie]
    recent: Vec<(u8, String)>,
}

fn main() {}
