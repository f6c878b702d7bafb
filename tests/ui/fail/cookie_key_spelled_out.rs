use session_core::SessionSchema;

// The misspelt key is the one mistake: the field is not also reported as lacking `max_len`.
#[derive(SessionSchema)]
struct Visitor {
    #[cookie(max_length = 16)]
    locale: String,
}

fn main() {}
