//! Fields renamed and retyped since an earlier release, read through `rename_from` and `migrate_from`.
#![deny(warnings, missing_docs, unused_qualifications)]

use serde::{Deserialize, Serialize};
use session_core::SessionSchema;

/// One cart line.
#[derive(Serialize, Deserialize)]
pub struct Item {
    /// The product.
    pub sku: String,
    /// How many.
    pub qty: u32,
}

/// What the earlier release stored under `cart`: SKUs.
#[derive(Deserialize)]
#[serde(transparent)]
pub struct SkuList(pub Vec<String>);

impl From<SkuList> for Vec<Item> {
    fn from(old: SkuList) -> Self {
        old.0.into_iter().map(|sku| Item { sku, qty: 1 }).collect()
    }
}

/// A visitor after two renames and a type change.
#[derive(SessionSchema)]
pub struct Visitor {
    /// The locale, called `locale` before.
    #[cookie(max_len = 16, rename_from = "locale")]
    pub language: String,
    /// The cart, stored as SKUs before.
    #[session(migrate_from = SkuList)]
    pub cart: Vec<Item>,
    /// The user, stored under `user` before, and a `u32` then.
    #[session(rename_from = "user", migrate_from = u32)]
    pub account: u64,
}

fn main() {}
