use session_core::CookieValue;

#[derive(CookieValue)]
struct Layout {
    columns: u8,
    zoom: f32,
}

fn main() {}
