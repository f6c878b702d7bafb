use session_core::SessionSchema;

#[derive(SessionSchema)]
struct Visitor {
    #[session(name = "basket", rename_from = "basket")]
    cart: Vec<String>,
}

fn main() {}
