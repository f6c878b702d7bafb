use session_core::CookieValue;

#[derive(CookieValue)]
#[cookie_value(rename_all = "kebab-case")]
enum Theme {
    Light,
    HighContrast,
}

fn main() {}
