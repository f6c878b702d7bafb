use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[cookie(name = "__Http-theme", http_only = false)]
    theme: u8,
    #[cookie(name = "__Host-Http-mode", http_only = false)]
    mode: u8,
}

fn main() {}
