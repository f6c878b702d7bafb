use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[cookie(name = "__Host-theme", domain = "example.com")]
    theme: u8,
}

fn main() {}
