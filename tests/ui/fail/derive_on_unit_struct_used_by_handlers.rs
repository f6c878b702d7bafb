use session_core::SessionSchema;
#[derive(SessionSchema)]
struct Visitor;

// Only the mistake above is reported: the handle and the schema's trait are still there for their uses.
async fn handler(s: VisitorSession) -> Option<session_core::SessionId> {
    s.id()
}

fn main() {
    let _ = session_core::report::<Visitor>();
    let _ = handler;
}
