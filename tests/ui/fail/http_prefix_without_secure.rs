use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[cookie(name = "__Http-theme", secure = false)]
    theme: u8,
}

fn main() {}
