use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[cookie(flash)]
    notice: u8,
}

fn main() {}
