#![deny(deprecated)]
use session_core::SessionSchema;

#[derive(SessionSchema)]
struct Visitor {
    #[deprecated = "use `locale`"]
    #[session]
    lang: String,
    #[session]
    locale: String,
}

// The derive says nothing about the deprecated field; the app's use of it is what warns.
async fn handler(s: VisitorSession) -> Result<(), session_core::Error> {
    s.set_locale(s.lang().await?.unwrap_or_default()).await
}

fn main() {
    let _ = handler;
}
