//! Declarations the derives must take without a warning in a `deny(warnings)` crate: a schema, a field and
//! cookie values being phased out with `#[deprecated]`, a field whose name starts with `_`, fields named
//! like values in scope, a `CookieValue` declared where the prelude is not, a type of the app's own named
//! `String`, field types that name their struct `Self`, and lints allowed or expected on a schema, which
//! hold for the handle made from it.
#![deny(warnings, missing_docs, unreachable_pub)]

use session_core::SessionSchema;

/// Values of a cookie, declared without the prelude.
#[no_implicit_prelude]
pub mod prefs {
    use ::session_core::CookieValue;

    /// A unit enum.
    #[derive(Clone, Copy, Debug, PartialEq, CookieValue)]
    pub enum Theme {
        /// Light.
        Light,
        /// Dark.
        Dark,
    }

    /// A struct of cookie values.
    #[derive(Clone, Copy, Debug, PartialEq, CookieValue)]
    pub struct Layout {
        /// How many columns.
        pub columns: u8,
        /// Dense rows.
        pub compact: bool,
    }
}

/// The visitor's state.
#[derive(SessionSchema)]
pub struct Visitor {
    /// Superseded by `locale`, kept while older sessions hold it.
    #[deprecated = "use `locale`"]
    #[session]
    pub lang: String,
    /// The visitor's language.
    #[session]
    pub locale: String,
    /// Written by an older release; read only to move it.
    #[session]
    pub _legacy: u8,
    /// A store key longer than the 1024 bytes browsers read of a cookie attribute: it never reaches one.
    #[session(name = "v1.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences.preferences")]
    pub preferences: u8,
    /// The theme.
    #[cookie(plain)]
    pub theme: prefs::Theme,
    /// The layout.
    #[cookie(plain)]
    pub layout: prefs::Layout,
}

/// A code of fixed length, named as the standard type is.
pub mod bounded {
    /// Eight bytes.
    #[derive(Clone, Copy, Debug, PartialEq, session_core::CookieValue)]
    pub struct String(pub [u8; 8]);
}

/// A schema whose cookie holds the app's own `String`: no `max_len`, since its length is fixed.
#[derive(SessionSchema)]
pub struct Coded {
    /// The code.
    #[cookie]
    pub code: bounded::String,
}

/// A schema on its way out.
#[deprecated = "use `Visitor`"]
#[derive(SessionSchema)]
pub struct OldVisitor {
    /// The cart.
    #[session]
    pub cart: Vec<String>,
}

#[allow(non_snake_case, unreachable_pub)]
mod named_like_values {
    use session_core::SessionSchema;

    /// Fields named like the values `None` and `Some` of the prelude.
    #[derive(SessionSchema)]
    pub struct Odd {
        #[session]
        pub None: u8,
        #[cookie(plain)]
        pub Some: u8,
    }
}

/// Cookie values on their way out.
pub mod old_values {
    #![allow(deprecated)] // the uses below are the app's own, and warn as they should without this

    /// A unit enum.
    #[deprecated = "use `prefs::Theme`"]
    #[derive(Clone, Copy, Debug, PartialEq, session_core::CookieValue)]
    pub enum OldTheme {
        /// Light.
        Light,
    }

    /// A struct.
    #[deprecated = "use `prefs::Layout`"]
    #[derive(Clone, Copy, Debug, PartialEq, session_core::CookieValue)]
    pub struct OldLayout {
        /// How many columns.
        pub columns: u8,
    }
}

/// Field types that name their struct `Self`: in a schema, and in a cookie value.
pub mod self_types {
    use session_core::{CookieValue, SessionSchema};

    /// A code whose length the struct names.
    #[derive(Clone, Copy, Debug, PartialEq, CookieValue)]
    pub struct Code {
        /// The digits.
        pub digits: [u8; Self::DIGITS],
    }

    impl Code {
        /// How many digits a code has.
        pub const DIGITS: usize = 6;
    }

    /// A schema whose fields' lengths it names itself.
    #[derive(SessionSchema)]
    pub struct Checkout {
        /// The last orders placed, at most as many as the schema keeps.
        #[session]
        pub orders: [u64; Self::KEPT],
        /// The code sent.
        #[cookie]
        pub code: Code,
        /// The step the visitor is on.
        #[cookie]
        pub step: [u8; Self::KEPT],
        /// A length computed in a block that declares nothing, whose `Self` is `Checkout`.
        #[cookie]
        pub pair: [u8; {
            let kept = Self::KEPT;
            kept
        }],
        /// A length computed in a block, whose own item's `Self` is that item: four, not `Checkout`'s.
        #[cookie]
        pub marks: [u8; {
            struct Four;
            impl Four {
                const N: usize = 4;
                const LEN: usize = Self::N;
            }
            Four::LEN
        }],
    }

    impl Checkout {
        /// How many codes are kept.
        pub const KEPT: usize = 2;
        /// Not the length of `marks`.
        pub const N: usize = 2;
    }

    /// A schema with a raw name, whose field's length it names itself, as its earlier type's did.
    #[derive(SessionSchema)]
    pub struct r#Basket {
        /// The lines, kept as an array of as many before.
        #[session(migrate_from = [u64; Self::LINES])]
        pub lines: Vec<u64>,
        /// The sizes picked.
        #[session]
        pub sizes: [u8; Self::LINES],
    }

    impl r#Basket {
        /// How many lines a basket kept.
        pub const LINES: usize = 3;
    }
}

mod expected {
    use session_core::SessionSchema;

    /// Named in snake case, with the lint expected rather than allowed: its handle is `cart_stateSession`.
    #[expect(non_camel_case_types, reason = "named as the other crate's schema was")]
    #[derive(SessionSchema)]
    pub(crate) struct cart_state {
        /// The items.
        #[session]
        pub(crate) items: u32,
    }
}

mod allowed {
    use session_core::SessionSchema;

    /// Named as another crate's schema was, in snake case: its handle is `visitor_stateSession`.
    #[allow(non_camel_case_types, non_snake_case, unreachable_pub)]
    #[derive(SessionSchema)]
    pub struct visitor_state {
        /// The count.
        #[session]
        pub visits: u32,
        /// In camel case, as the other crate's was.
        #[session]
        pub lastSeen: u64,
    }
}

/// Reads every field, the deprecated one included.
#[allow(deprecated)]
pub async fn handler(s: VisitorSession, old: OldVisitorSession, odd: named_like_values::OddSession) {
    let _ = (s.lang().await, s.locale().await, s.set__legacy(1).await, s.theme(), s.layout());
    let _ = (old.cart().await, odd.None().await, odd.Some());
}

async fn allowed_handler(s: allowed::visitor_stateSession, coded: CodedSession) {
    let _ = (s.visits().await, s.set_lastSeen(1).await, coded.code());
}

async fn expected_handler(s: expected::cart_stateSession, checkout: self_types::CheckoutSession) {
    let _ = (s.items().await, checkout.orders().await, checkout.code(), checkout.step());
    let _ = (checkout.set_marks([0; 4]), checkout.set_pair([0; 2]));
}

fn main() {
    let _ = (allowed_handler, expected_handler);
}
