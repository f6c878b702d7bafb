use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor<T> {
    #[cookie]
    theme: T,
}

fn main() {}
