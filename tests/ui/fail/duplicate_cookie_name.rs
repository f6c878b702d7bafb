use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[cookie(name = "prefs")]
    theme: u8,
    #[cookie(name = "prefs")]
    font_size: u8,
}

fn main() {}
