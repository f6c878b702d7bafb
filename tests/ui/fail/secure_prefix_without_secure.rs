use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[cookie(name = "__Secure-theme", secure = false)]
    theme: u8,
}

fn main() {}
