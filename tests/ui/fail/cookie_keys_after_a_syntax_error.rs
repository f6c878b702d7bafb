use session_core::SessionSchema;

// Keys after the `;` are not read, and no check reports them missing.
#[derive(SessionSchema)]
struct Visitor {
    #[cookie(plain; max_len = 16)]
    locale: String,
}

fn main() {}
