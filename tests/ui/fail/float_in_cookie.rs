use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor {
    #[cookie]
    zoom: f64,
}

fn main() {}
