use session_core::SessionSchema;

#[derive(SessionSchema)]
struct Visitor {
    #[cookie(privilege)]
    is_staff: bool,
}

fn main() {}
