use session_core::SessionSchema;

#[derive(SessionSchema)]
struct Visitor {
    #[cookie]
    recent: Vec<String>,
}

fn main() {}
