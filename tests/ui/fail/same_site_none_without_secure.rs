use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[cookie(same_site = "none", secure = false)]
    theme: u8,
}

fn main() {}
