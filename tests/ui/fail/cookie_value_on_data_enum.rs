use session_core::CookieValue;

#[derive(CookieValue)]
enum Theme {
    Light,
    Custom(u32),
}

fn main() {}
