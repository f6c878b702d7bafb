//! A schema of 30 fields, half in cookies, within the default cookie budget.
#![deny(warnings, missing_docs, unused_qualifications)]

use session_core::SessionSchema;

/// Thirty fields.
#[derive(SessionSchema)]
pub struct Wide {
    /// Cookie field 0.
    #[cookie(plain)]
    pub c0: u16,
    /// Session field 1.
    #[session]
    pub s1: String,
    /// Signed cookie field 2.
    #[cookie(max_len = 8)]
    pub t2: String,
    /// Cookie field 3.
    #[cookie(plain)]
    pub c3: u16,
    /// Session field 4.
    #[session]
    pub s4: String,
    /// Signed cookie field 5.
    #[cookie(max_len = 8)]
    pub t5: String,
    /// Cookie field 6.
    #[cookie(plain)]
    pub c6: u16,
    /// Session field 7.
    #[session]
    pub s7: String,
    /// Signed cookie field 8.
    #[cookie(max_len = 8)]
    pub t8: String,
    /// Cookie field 9.
    #[cookie(plain)]
    pub c9: u16,
    /// Session field 10.
    #[session]
    pub s10: String,
    /// Signed cookie field 11.
    #[cookie(max_len = 8)]
    pub t11: String,
    /// Cookie field 12.
    #[cookie(plain)]
    pub c12: u16,
    /// Session field 13.
    #[session]
    pub s13: String,
    /// Signed cookie field 14.
    #[cookie(max_len = 8)]
    pub t14: String,
    /// Cookie field 15.
    #[cookie(plain)]
    pub c15: u16,
    /// Session field 16.
    #[session]
    pub s16: String,
    /// Signed cookie field 17.
    #[cookie(max_len = 8)]
    pub t17: String,
    /// Cookie field 18.
    #[cookie(plain)]
    pub c18: u16,
    /// Session field 19.
    #[session]
    pub s19: String,
    /// Signed cookie field 20.
    #[cookie(max_len = 8)]
    pub t20: String,
    /// Cookie field 21.
    #[cookie(plain)]
    pub c21: u16,
    /// Session field 22.
    #[session]
    pub s22: String,
    /// Signed cookie field 23.
    #[cookie(max_len = 8)]
    pub t23: String,
    /// Cookie field 24.
    #[cookie(plain)]
    pub c24: u16,
    /// Session field 25.
    #[session]
    pub s25: String,
    /// Signed cookie field 26.
    #[cookie(max_len = 8)]
    pub t26: String,
    /// Cookie field 27.
    #[cookie(plain)]
    pub c27: u16,
    /// Session field 28.
    #[session]
    pub s28: String,
    /// Signed cookie field 29.
    #[cookie(max_len = 8)]
    pub t29: String,
}

fn main() {
    assert_eq!(<Wide as SessionSchema>::FIELDS.len(), 30);
}
