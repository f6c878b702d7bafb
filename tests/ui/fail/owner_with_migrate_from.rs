use serde::{Deserialize, Serialize};
use session_core::SessionSchema;

#[derive(Clone, Serialize, Deserialize)]
struct AccountId {
    number: u64,
}

impl From<u64> for AccountId {
    fn from(number: u64) -> Self {
        AccountId { number }
    }
}

#[derive(SessionSchema)]
struct Visitor {
    #[session(owner, migrate_from = u64)]
    user_id: AccountId,
}

fn main() {}
