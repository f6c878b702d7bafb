use session_core::SessionSchema;

#[derive(SessionSchema)]
struct Visitor {
    #[session(migrate_from)]
    cart: Vec<String>,
}

fn main() {}
