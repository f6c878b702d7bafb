use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[cookie(plain)]
    recent: Vec<u32>,
}

fn main() {}
