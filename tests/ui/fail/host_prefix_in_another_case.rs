use session_core::SessionSchema;

#[derive(SessionSchema)]
struct Visitor {
    #[cookie(name = "__host-theme", domain = "example.com")]
    theme: u8,
}

fn main() {}
