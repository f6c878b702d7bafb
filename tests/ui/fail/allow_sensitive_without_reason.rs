use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[cookie(allow_sensitive = "  ")]
    pin_pad_layout: u8,
}

fn main() {}
