use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[cookie(max_age = 3600)]
    visits: u32,
}

fn main() {}
