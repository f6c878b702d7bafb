use session_core::SessionSchema;

#[derive(SessionSchema)]
struct Visitor {
    #[cookie(max_len = 16, migrate_from = u8)]
    locale: String,
}

fn main() {}
