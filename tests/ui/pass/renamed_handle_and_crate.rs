//! `#[schema(handle = "...", crate = "...")]` (also a raw identifier), and a private schema in a module.
#![deny(warnings, missing_docs, unused_qualifications)]

extern crate session_core as sessions;

mod account {
    use sessions::SessionSchema;

    #[derive(SessionSchema)]
    #[schema(handle = "Account", crate = "sessions", cookie_budget = 4096)]
    pub(crate) struct AccountState {
        #[session]
        balance: i64,
        #[cookie(max_len = 4)]
        currency: String,
    }

    pub(crate) async fn balance(account: Account) -> Result<Option<i64>, sessions::Error> {
        let _ = account.currency();
        account.balance().await
    }

    /// A handle named with a raw identifier, as a keyword would need.
    #[derive(SessionSchema)]
    #[schema(handle = "r#Ledger", crate = "sessions")]
    pub(crate) struct LedgerState {
        #[session]
        entries: u32,
    }

    pub(crate) async fn entries(ledger: Ledger) -> Result<Option<u32>, sessions::Error> {
        ledger.entries().await
    }

    /// A schema named with a raw identifier.
    #[derive(SessionSchema)]
    #[schema(crate = "sessions")]
    pub(crate) struct r#RawState {
        #[session]
        pub(crate) seen: bool,
    }
}

/// A crate path that re-exports only the derive and `__private`, as a crate wrapping this one might: every
/// path the derive generates, an owner field's included, goes through `__private`.
mod facade {
    pub(crate) use sessions::{SessionSchema, __private};
}

mod members {
    #[derive(crate::facade::SessionSchema)]
    #[schema(crate = "crate::facade")]
    pub(crate) struct Member {
        #[session(owner)]
        user: u64,
    }

    pub(crate) async fn user(member: MemberSession) -> Result<Option<u64>, sessions::Error> {
        member.user().await
    }
}

fn main() {
    let _ = members::user;
    let _ = account::balance;
    let _ = account::entries;
    assert_eq!(<account::RawState as sessions::SessionSchema>::NAME, "RawState", "named without `r#`");
}
