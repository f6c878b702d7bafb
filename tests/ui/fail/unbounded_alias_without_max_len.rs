use session_core::SessionSchema;

// Behind an alias the derive cannot see the `String`; the compile-time size check still asks for `max_len`.
type Locale = String;

#[derive(SessionSchema)]
struct Visitor {
    #[cookie]
    locale: Locale,
}

fn main() {}
