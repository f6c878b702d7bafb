use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[cookie(max_len = 8)]
    recent: Vec<String>,
}

fn main() {}
