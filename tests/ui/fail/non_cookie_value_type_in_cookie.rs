use session_core::SessionSchema;
struct Cart {
    items: u32,
}

#[derive(SessionSchema)]
struct Visitor {
    #[cookie]
    cart: Cart,
}

fn main() {}
