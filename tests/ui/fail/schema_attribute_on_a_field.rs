use session_core::SessionSchema;

#[derive(SessionSchema)]
struct Visitor {
    #[schema(handle = "Prefs")]
    #[cookie]
    theme: u8,
}

fn main() {}
