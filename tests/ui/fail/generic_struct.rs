use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor<T> {
    #[session]
    user: T,
}

fn main() {}
