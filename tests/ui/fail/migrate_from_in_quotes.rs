use session_core::SessionSchema;

#[derive(SessionSchema)]
struct Visitor {
    #[session(migrate_from = "u32")]
    visits: u64,
}

fn main() {}
