//! Composite cookie values (arrays, tuples, `Option`, derived structs), a flash field, and
//! `#[schema(crate = "...")]` / `#[cookie_value(crate = "...")]` through a `use` alias.
#![deny(warnings, missing_docs, unused_qualifications)]

use session_core as sc;

use sc::{CookieValue, SessionSchema};

/// A point on the page.
#[derive(Clone, Copy, Debug, PartialEq, CookieValue)]
#[cookie_value(crate = "sc")]
pub struct Point(pub i16, pub i16);

/// A generic pair: the field that mentions `T` is bounded by a `where` clause.
#[derive(Clone, Copy, Debug, PartialEq, CookieValue)]
#[cookie_value(crate = "sc")]
pub struct Tagged<T> {
    /// The tag.
    pub tag: u8,
    /// The value.
    pub value: T,
}

/// Digits of a fixed count, a const parameter.
#[derive(Clone, Copy, Debug, PartialEq, CookieValue)]
#[cookie_value(crate = "sc")]
pub struct Digits<const N: usize> {
    /// The digits.
    pub digits: [u8; N],
}

/// Nothing but a marker.
#[derive(Clone, Copy, Debug, PartialEq, CookieValue)]
#[cookie_value(crate = "sc")]
pub struct Seen;

/// A unit enum with a renamed variant.
#[derive(Clone, Copy, Debug, PartialEq, CookieValue)]
#[cookie_value(crate = "sc")]
pub enum Density {
    /// Roomy.
    Comfortable,
    /// Tight, stored as `tight`.
    #[cookie_value(rename = "tight")]
    Compact,
}

/// Composite cookie fields.
#[derive(SessionSchema)]
#[schema(crate = "sc", handle = "PrefsHandle")]
pub struct Prefs {
    /// Pinned tabs.
    #[cookie(plain)]
    pub pinned: [u16; 4],
    /// Volume and muted.
    #[cookie]
    pub sound: (u8, bool),
    /// An optional nickname.
    #[cookie(max_len = 24)]
    pub nickname: Option<String>,
    /// Where the panel was dragged.
    #[cookie(private)]
    pub panel: Option<Point>,
    /// Shown the banner.
    #[cookie]
    pub banner: Seen,
    /// The last code entered.
    #[cookie]
    pub code: Digits<6>,
    /// Row density, with an array of pairs next to it.
    #[cookie]
    pub layout: (Density, [(u8, char); 2]),
    /// Up to eight recent densities.
    #[cookie(max_len = 8)]
    pub recent: Vec<Density>,
    /// A tagged flag.
    #[cookie]
    pub tagged: Tagged<bool>,
    /// A raw identifier: stored under `type`, read with `r#type()`.
    #[session]
    pub r#type: u8,
    /// Shown once after a redirect.
    #[session(flash)]
    pub notice: String,
}

/// Reads and writes each field.
pub async fn handler(prefs: PrefsHandle) -> Result<(), sc::Error> {
    let _pinned: Option<[u16; 4]> = prefs.pinned();
    prefs.set_sound((7, false))?;
    prefs.set_nickname(Some("ada".to_owned()))?;
    prefs.set_panel(Some(Point(-3, 12)))?;
    prefs.remove_banner();
    prefs.set_layout((Density::Compact, [(1, 'a'), (2, 'b')]))?;
    prefs.set_recent(vec![Density::Comfortable])?;
    prefs.set_notice("saved".to_owned()).await?;
    let _notice: Option<String> = prefs.take_notice().await?;
    prefs.set_tagged(Tagged { tag: 1, value: true })?;
    prefs.set_type(3).await?;
    let _kind: Option<u8> = prefs.r#type().await?;
    let _ = format!("{prefs:?}");
    Ok(())
}

fn main() {
    let mut out = String::new();
    Point(-3, 12).encode(&mut out);
    assert_eq!(Point::decode(&out), Some(Point(-3, 12)));
    out.clear();
    Seen.encode(&mut out);
    assert_eq!(Seen::decode(&out), Some(Seen));
    out.clear();
    Digits { digits: [1, 2, 3] }.encode(&mut out);
    assert_eq!(Digits::<3>::decode(&out), Some(Digits { digits: [1, 2, 3] }));
    let fields = <Prefs as SessionSchema>::FIELDS;
    assert_eq!(fields.len(), 11);
    assert!(fields.iter().any(|field| field.field == "type"));
}
