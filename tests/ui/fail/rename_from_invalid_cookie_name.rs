use session_core::SessionSchema;

#[derive(SessionSchema)]
struct Visitor {
    #[cookie(max_len = 16, rename_from = "old locale")]
    locale: String,
}

fn main() {}
