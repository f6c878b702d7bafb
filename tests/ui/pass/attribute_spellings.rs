//! Spellings of attribute values that mean what they say: `SameSite` as `Set-Cookie` writes it, a length
//! with an integer type's suffix, and a type of the app's own that happens to be called `Secret`.
#![deny(warnings, missing_docs)]

use session_core::SessionSchema;

mod game {
    /// Which secret level the player has found.
    #[derive(Clone, Copy, Debug, PartialEq, session_core::CookieValue)]
    pub enum Secret {
        /// None yet.
        Hidden,
        /// The cave behind the waterfall.
        Cave,
    }
}

/// A player's visit.
#[derive(SessionSchema)]
pub struct Player {
    #[cookie(same_site = "Strict", max_len = 16usize)]
    name: String,
    #[cookie(plain, allow_sensitive = "a level of the game, which the player may well see")]
    level: game::Secret,
}

fn main() {
    let _ = (PlayerSession::name, PlayerSession::level);
}
