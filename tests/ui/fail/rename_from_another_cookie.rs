use session_core::SessionSchema;

#[derive(SessionSchema)]
struct Visitor {
    #[cookie(max_len = 16)]
    locale: String,
    #[cookie(max_len = 16, rename_from = "locale")]
    language: String,
}

fn main() {}
