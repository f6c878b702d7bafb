use session_core::SessionSchema;
struct Cart;

#[derive(SessionSchema)]
struct Visitor {
    #[session]
    cart: Cart,
}

fn main() {}
