use session_core::{Secret, SessionSchema};

// Behind an alias the derive cannot see the `Secret`; the `CookieValue` bound still refuses it.
type Note = Secret<u64>;

#[derive(SessionSchema)]
struct Visitor {
    #[cookie]
    note: Note,
}

fn main() {}
