use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[cookie(name = "__Host-theme", path = "/app")]
    theme: u8,
}

fn main() {}
