use session_core::SessionSchema;

#[derive(SessionSchema)]
struct Visitor {
    #[session(rename_from = "cart")]
    basket: Vec<String>,
    #[session(rename_from = "cart")]
    wishlist: Vec<String>,
}

fn main() {}
