use session_core::CookieValue;

#[derive(Clone, CookieValue)]
enum Season {
    Spring,
    Été,
}

fn main() {}
