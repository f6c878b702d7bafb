//! The per-request session: what a generated handle talks to.

mod cookies;
mod handle;
mod moved;
mod owner;
mod raw;
mod record_state;
mod remember;
mod stored_value;

pub use handle::{RequestSessionExt, SessionHandle};
pub use owner::{revoke_owner, sessions_of, SessionInfo};
pub use raw::RawSession;

pub(crate) use remember::remembered;

pub(crate) use handle::handle_from_extensions;
pub(crate) use stored_value::decode_stored;
