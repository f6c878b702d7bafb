use session_core::CookieValue;

// An attribute that renames nothing leaves the variant's name as it is, so it is checked as one.
#[derive(Clone, CookieValue)]
enum Language {
    English,
    #[cookie_value()]
    Français,
}

fn main() {}
