use session_core::SessionSchema;

#[derive(SessionSchema)]
struct Visitor {
    #[session]
    cart: Vec<String>,
    #[session(rename_from = "cart")]
    basket: Vec<String>,
}

fn main() {}
