use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[session(flash)]
    notice: String,
    #[session]
    take_notice: bool,
}

fn main() {}
