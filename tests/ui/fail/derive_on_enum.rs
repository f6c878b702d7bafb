use session_core::SessionSchema;
#[derive(SessionSchema)]
enum Visitor {
    Anonymous,
}

fn main() {}
