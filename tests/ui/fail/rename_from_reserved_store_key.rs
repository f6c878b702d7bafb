use session_core::SessionSchema;

#[derive(SessionSchema)]
struct Visitor {
    #[session(rename_from = "@remember_for")]
    remember: u64,
}

fn main() {}
