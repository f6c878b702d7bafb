use session_core::SessionSchema;

pub struct UserSession {
    pub started: u64,
}

#[derive(SessionSchema)]
struct User {
    #[session]
    id_number: u64,
}

fn main() {}
