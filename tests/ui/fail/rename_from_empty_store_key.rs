use session_core::SessionSchema;

#[derive(SessionSchema)]
struct Visitor {
    #[session(rename_from = "")]
    cart: Vec<String>,
}

fn main() {}
