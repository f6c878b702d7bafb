use session_core::CookieValue;

#[derive(CookieValue)]
enum Theme {
    Light,
    #[cookie_value(rename)]
    Dark,
}

fn main() {}
