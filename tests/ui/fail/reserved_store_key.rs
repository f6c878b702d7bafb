use session_core::SessionSchema;

#[derive(SessionSchema)]
struct Visitor {
    #[session(name = "@remember_for")]
    remember: u64,
}

fn main() {}
