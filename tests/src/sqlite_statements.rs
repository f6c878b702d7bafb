//! [`StatementLog`]: the statements sqlx runs on SQLite, for tests that count them. SQLite has no server
//! to count statements on, so this reads sqlx's own log of each one (target `sqlx::query`, an event per
//! statement executed, prepared or not).

use std::sync::{Mutex, OnceLock};

use tracing::{
    field::{Field, Visit},
    Event, Subscriber,
};
use tracing_subscriber::{layer::Context, prelude::*, Layer};

/// Every statement sqlx has run in this process, in order, as its summary and text.
#[derive(Default)]
pub struct StatementLog(Mutex<Vec<String>>);

impl StatementLog {
    /// The process's log, installed as the global subscriber on first use (sqlx runs SQLite statements on
    /// a thread of each connection's own, so a per-thread subscriber would miss them).
    pub fn global() -> &'static StatementLog {
        static LOG: OnceLock<&'static StatementLog> = OnceLock::new();
        LOG.get_or_init(|| {
            let log: &'static StatementLog = Box::leak(Box::default());
            tracing_subscriber::registry().with(Recorder(log)).init();
            log
        })
    }

    /// Every statement run so far, whatever it names: `BEGIN` and `COMMIT` among them.
    pub fn all(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }

    /// The statements run so far that name the table `table`.
    pub fn on(&self, table: &str) -> Vec<String> {
        let quoted = format!("\"{table}\"");
        self.all().into_iter().filter(|text| text.contains(&quoted)).collect()
    }
}

struct Recorder(&'static StatementLog);

impl<S: Subscriber> Layer<S> for Recorder {
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        if event.metadata().target() != "sqlx::query" {
            return;
        }
        let mut text = Text::default();
        event.record(&mut text);
        self.0 .0.lock().unwrap().push(text.0.trim().to_owned());
    }
}

/// The summary and full text of a logged statement.
#[derive(Default)]
struct Text(String);

impl Visit for Text {
    fn record_str(&mut self, field: &Field, value: &str) {
        if matches!(field.name(), "summary" | "db.statement") {
            self.0.push_str(value);
            self.0.push(' ');
        }
    }

    fn record_debug(&mut self, _: &Field, _: &dyn std::fmt::Debug) {}
}
