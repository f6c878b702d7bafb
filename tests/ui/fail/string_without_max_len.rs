use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[cookie]
    locale: String,
}

fn main() {}
