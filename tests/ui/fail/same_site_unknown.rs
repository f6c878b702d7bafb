use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[cookie(same_site = "sometimes")]
    theme: u8,
}

fn main() {}
