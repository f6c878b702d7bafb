use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[cookie(http_only = "false")]
    theme: u8,
}

fn main() {}
