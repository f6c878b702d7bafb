use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[cookie(domain = "example.com; SameSite=None")]
    theme: u8,
    #[cookie(domain = "example.com.")]
    mode: u8,
}

fn main() {}
