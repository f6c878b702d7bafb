use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[cookie(max_len = 64)]
    password: String,
    #[cookie(colour)]
    theme: u8,
    untagged: u32,
    #[cookie(name = "a b")]
    font: u8,
}

// The fallback keeps the handle, so code that uses it reports no secondary errors.
async fn handler(session: VisitorSession) {
    let _ = session.theme();
    let _ = session.untagged().await;
}

fn main() {}
