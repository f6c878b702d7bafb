use session_core::SessionSchema;

#[derive(SessionSchema)]
struct Visitor {
    #[cookie(name = "__Host-id")]
    visits: u32,
}

fn main() {}
