use session_core::SessionSchema;

#[derive(SessionSchema)]
struct Visitor {
    #[cookie(max_len = 16)]
    visits: u32,
}

fn main() {}
