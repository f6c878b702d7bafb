use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor<T> {
    #[session]
    user: T,
    #[session]
    previous: Option<Box<Self>>,
}

fn main() {}
