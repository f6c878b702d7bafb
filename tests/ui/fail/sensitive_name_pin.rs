use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[cookie]
    card_pin: u16,
}

fn main() {}
