use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[cookie(plain)]
    is_admin: bool,
}

fn main() {}
