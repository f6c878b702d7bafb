use session_core::SessionSchema;

#[derive(SessionSchema)]
struct Visitor {
    #[cookie(partitioned, secure = false)]
    embed_theme: u8,
}

fn main() {}
