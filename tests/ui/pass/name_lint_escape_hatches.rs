//! The escape hatches of the name lints, and names that look like authorization data in cookies the user
//! cannot change.
#![deny(warnings, missing_docs, unused_qualifications)]

use session_core::{CookieValue, SessionSchema};

/// How the PIN pad is drawn.
#[derive(Clone, Copy, Debug, PartialEq, CookieValue)]
pub struct Keypad {
    /// Which of the shuffled layouts the pad shows.
    #[cookie_value(allow_sensitive = "the layout of the PIN pad, not a PIN")]
    pub pin_layout: u8,
    /// Key size in pixels.
    pub size: u8,
}

/// Who is looking, and which view of theirs.
#[derive(Clone, Copy, Debug, PartialEq, CookieValue)]
pub struct Viewer {
    /// Changing it fails verification unless the cookie is `plain`.
    pub is_admin: bool,
    /// Which group of rows is open.
    #[cookie_value(allow_sensitive = "which rows are open; it grants nothing")]
    pub group: u8,
}

/// The view alone, which the user may change.
#[derive(Clone, Copy, Debug, PartialEq, CookieValue)]
pub struct View {
    /// Which group of rows is open.
    #[cookie_value(allow_sensitive = "which rows are open; it grants nothing")]
    pub group: u8,
}

/// Which people a visitor is shown, by their user ids: identity data by its type's name.
#[derive(Clone, Copy, Debug, PartialEq, CookieValue)]
pub struct UserId(pub u64);

/// A remembered sign-in: sensitive by its type's name.
#[derive(Clone, Copy, Debug, PartialEq, CookieValue)]
pub struct AuthToken(pub [u8; 8]);

/// A role, named so.
#[derive(Clone, Copy, Debug, PartialEq, CookieValue)]
pub enum Role {
    /// Just looking.
    Guest,
    /// Everything.
    Admin,
}

/// A banner, whose field allowed on the struct covers what its type's name says.
#[derive(Clone, Copy, Debug, PartialEq, CookieValue)]
pub struct Banner {
    /// Which role the banner is written for; changing it shows another banner and grants nothing.
    #[cookie_value(allow_sensitive = "which banner to show; the server checks the real role")]
    pub written_for: Role,
}

/// Which provider the visitor signed in with last: `OAuth` is no `auth` word.
#[derive(Clone, Copy, Debug, PartialEq, CookieValue)]
pub enum OAuthProvider {
    /// GitHub.
    GitHub,
    /// GitLab.
    GitLab,
}

/// A colour scheme: no name in `Option<(Theme, u8)>` looks sensitive.
#[derive(Clone, Copy, Debug, PartialEq, CookieValue)]
pub enum Theme {
    /// Dark text on light.
    Light,
    /// Light text on dark.
    Dark,
}

/// What we keep about a visitor.
#[derive(SessionSchema)]
pub struct Visitor {
    /// Signed (the default): readable, but a changed role fails verification.
    #[cookie(max_len = 32)]
    pub role: String,
    /// Encrypted and authenticated.
    #[cookie(private)]
    pub user_id: u64,
    /// Plain, and the user may change it at will.
    #[cookie(plain, allow_sensitive = "which group of tabs is open; it grants nothing")]
    pub tab_group: u8,
    /// Plain: grouping rows is not membership of a group.
    #[cookie(plain)]
    pub group_by: u8,
    /// Plain: a whole word decides, and `telescope` is not `scope`.
    #[cookie(plain)]
    pub telescope: bool,
    /// A struct with an allowed field.
    #[cookie]
    pub keypad: Keypad,
    /// A struct with a field like authorization data, in a cookie the user cannot change.
    #[cookie]
    pub viewer: Viewer,
    /// Plain, with the only such field allowed.
    #[cookie(plain)]
    pub view: Option<View>,
    /// Plain, allowed on the schema's field.
    #[cookie(plain, allow_sensitive = "a preview of what an admin sees; the server checks the real role")]
    pub preview: Viewer,
    /// Signed: a user id of a type so named, in a cookie the user cannot change.
    #[cookie]
    pub last_author: UserId,
    /// A type named like a credential, allowed on the field.
    #[cookie(private, allow_sensitive = "a test fixture, not a real credential")]
    pub fixture: AuthToken,
    /// Harmless type names, in a plain cookie.
    #[cookie(plain)]
    pub scheme: Option<(Theme, u8, bool)>,
    /// More harmless type names.
    #[cookie(plain, max_len = 16)]
    pub locale: Option<String>,
    /// A time and an id that is not a user's.
    #[cookie(plain)]
    pub seen: Option<(time::OffsetDateTime, uuid::Uuid)>,
    /// Plain: the field of the banner is allowed where it is declared.
    #[cookie(plain)]
    pub banner: Banner,
    /// Plain: which button to offer first.
    #[cookie(plain)]
    pub last_login_with: OAuthProvider,
    /// A reason longer than 1024 bytes: it is the compiler's, not a cookie attribute.
    #[cookie(plain, allow_sensitive = "The layout of the public keypad drawn on the sign-in page, shuffled per visit; The layout of the public keypad drawn on the sign-in page, shuffled per visit; The layout of the public keypad drawn on the sign-in page, shuffled per visit; The layout of the public keypad drawn on the sign-in page, shuffled per visit; The layout of the public keypad drawn on the sign-in page, shuffled per visit; The layout of the public keypad drawn on the sign-in page, shuffled per visit; The layout of the public keypad drawn on the sign-in page, shuffled per visit; The layout of the public keypad drawn on the sign-in page, shuffled per visit; The layout of the public keypad drawn on the sign-in page, shuffled per visit; The layout of the public keypad drawn on the sign-in page, shuffled per visit; The layout of the public keypad drawn on the sign-in page, shuffled per visit; The layout of the public keypad drawn on the sign-in page, shuffled per visit; The layout of the public keypad drawn on the sign-in page, shuffled per visit; The layout of the public keypad drawn on the sign-in page, shuffled per visit; The layout of the public keypad drawn on the sign-in page, shuffled per visit; not a PIN.")]
    pub pin_pad: u8,
}

fn main() {
    let table = session_core::report::<Visitor>();
    assert!(table.contains("sensitive name allowed: which group of tabs is open; it grants nothing"));
    let mut out = String::new();
    Keypad { pin_layout: 3, size: 40 }.encode(&mut out);
    assert_eq!(Keypad::decode(&out), Some(Keypad { pin_layout: 3, size: 40 }));
}
