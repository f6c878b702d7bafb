use session_core::CookieValue;

#[derive(CookieValue)]
#[cookie_value(crate)]
enum Theme {
    Light,
    Dark,
}

fn main() {}
