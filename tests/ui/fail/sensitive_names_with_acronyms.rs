use session_core::{CookieValue, SessionSchema};

#[derive(Clone, CookieValue)]
struct OTPCode(u32);

// Acronyms end where the next word starts (`OTP` `Code`), and other frameworks' session cookies are
// recognised by name.
#[derive(SessionSchema)]
struct Visitor {
    #[cookie(name = "JSESSIONID", max_len = 32)]
    legacy: String,
    #[cookie]
    one_time: OTPCode,
}

fn main() {}
