//! The per-request session: what a generated handle talks to.

mod cookies;
mod handle;
mod raw;
mod record_state;
mod stored_value;

pub use handle::{RequestSessionExt, SessionHandle};
pub use raw::RawSession;

pub(crate) use handle::handle_from_extensions;
pub(crate) use stored_value::decode_stored;
