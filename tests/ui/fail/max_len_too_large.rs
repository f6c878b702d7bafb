use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[cookie(max_len = 99999999999999999999999)]
    locale: String,
}

fn main() {}
