use session_core::SessionSchema;

#[derive(SessionSchema)]
struct Visitor {
    #[session(sensitive, privilege)]
    roles: Vec<String>,
    #[session(name = "roles")]
    role_badges: Vec<String>,
}

fn main() {}
