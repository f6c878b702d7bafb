use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor(u64);

fn main() {}
