//! A handle taken from a plain `http::Request`, without axum.
#![deny(warnings, missing_docs, unused_qualifications)]

use session_core::{RequestSessionExt, SessionSchema};

/// Counts visits.
#[derive(SessionSchema)]
pub struct Counter {
    /// Visits so far.
    #[session]
    pub visits: u32,
}

/// A tower handler.
pub async fn handle(request: http::Request<String>) -> Result<u32, session_core::Error> {
    let session: CounterSession = request.session()?;
    let visits = session.visits().await?.unwrap_or(0) + 1;
    session.set_visits(visits).await?;
    Ok(visits)
}

fn main() {}
