use session_core::CookieValue;

#[derive(CookieValue)]
union Bits {
    small: u8,
    large: u32,
}

fn main() {}
