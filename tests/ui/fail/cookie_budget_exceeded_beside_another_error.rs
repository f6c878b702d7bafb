use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[cookie(max_len = 1300)]
    a: String,
    #[cookie(max_len = 1300)]
    b: String,
    #[cookie(max_len = 1300)]
    c: String,
    #[cookie(name = "a b")]
    d: u8,
}

fn main() {}
