use session_core::CookieValue;

#[derive(CookieValue)]
struct Keypad {
    #[cookie_value(allow_sensitive = "")]
    pin_layout: u8,
}

fn main() {}
