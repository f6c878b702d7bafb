//! Spellings of attribute values that mean what they say: `SameSite` as `Set-Cookie` writes it, a length
//! with an integer type's suffix, and types of the app's own that happen to be called `Secret`.
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

mod vault {
    /// A hidden item the player found, by its kind: generic, as `session_core::Secret` is.
    #[derive(Clone, Copy, Debug, PartialEq, session_core::CookieValue)]
    pub struct Secret<T>(pub T);
}

/// A player's visit.
#[derive(SessionSchema)]
pub struct Player {
    #[cookie(same_site = "Strict", max_len = 16usize)]
    name: String,
    #[cookie(plain, allow_sensitive = "a level of the game, which the player may well see")]
    level: game::Secret,
    #[cookie(plain, allow_sensitive = "an item of the game, which the player may well see")]
    item: vault::Secret<u8>,
}

fn main() {
    let _ = (PlayerSession::name, PlayerSession::level, PlayerSession::item);
}
