//! A request held open inside its handler, so that a test runs another request of the same session in
//! between, in a fixed order: the interleavings of concurrent requests, made repeatable.

use std::future::Future;

use tokio::sync::Notify;

/// Shared by a test and the handler it holds (through an `Extension`).
#[derive(Default)]
pub struct Gate {
    /// Notified by the held handler once it has loaded the session.
    loaded: Notify,
    /// Notified by the test to let the held handler go on.
    go: Notify,
}

impl Gate {
    /// Called by the held handler once it has loaded the session: waits until the test lets it go on.
    pub async fn hold(&self) {
        self.loaded.notify_one();
        self.go.notified().await;
    }

    /// Sends `held` (a request whose handler calls [`hold`](Self::hold)) and, once it is held, `meanwhile`,
    /// to its end; then lets `held` go on. Returns what each gave.
    pub async fn one_in_between<H, M>(
        &self,
        held: impl Future<Output = H>,
        meanwhile: impl Future<Output = M>,
    ) -> (H, M) {
        tokio::join!(held, async {
            self.loaded.notified().await;
            let done = meanwhile.await;
            self.go.notify_one();
            done
        })
    }
}
