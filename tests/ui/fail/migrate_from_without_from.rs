use serde::{Deserialize, Serialize};
use session_core::SessionSchema;

#[derive(Serialize, Deserialize)]
struct Item {
    sku: String,
    qty: u32,
}

#[derive(Deserialize)]
#[serde(transparent)]
struct SkuList(Vec<String>);

#[derive(SessionSchema)]
struct Visitor {
    #[session(migrate_from = SkuList)]
    cart: Vec<Item>,
}

fn main() {}
