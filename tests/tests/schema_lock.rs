//! The schema lock: which changes between two releases of a schema leave stored values readable, and what
//! the check says about those that do not.

use serde::{Deserialize, Serialize};
use session_core::{
    schema_lock,
    testing::{assert_schema_lock, compare_schema_locks, LockComparison},
    SessionSchema,
};

/// The release that wrote the lock.
mod locked {
    use session_core::SessionSchema;

    #[derive(SessionSchema)]
    pub struct Visitor {
        #[cookie(plain, max_len = 16)]
        pub theme: String,
        #[cookie(max_len = 16)]
        pub locale: String,
        #[session]
        pub user: String,
        #[session]
        pub cart: Vec<String>,
    }
}

/// What `locked::Visitor` stored under `cart`, as a type of this crate.
#[derive(Deserialize)]
#[serde(transparent)]
struct SkuList(#[allow(dead_code)] Vec<String>);

#[derive(Serialize, Deserialize)]
struct Item {
    sku: String,
    qty: u32,
}

impl From<SkuList> for Vec<Item> {
    fn from(old: SkuList) -> Self {
        old.0.into_iter().map(|sku| Item { sku, qty: 1 }).collect()
    }
}

/// The comparison of the locked release with `S`.
fn against<S: SessionSchema>() -> LockComparison {
    compare_schema_locks(&schema_lock::<locked::Visitor>(), &schema_lock::<S>()).expect("a lock parses")
}

/// The one breaking change `S` makes.
fn breaking<S: SessionSchema>() -> String {
    let comparison = against::<S>();
    assert_eq!(comparison.breaking.len(), 1, "{comparison:#?}");
    comparison.breaking[0].clone()
}

#[test]
fn the_lock_lists_each_field_stored_form() {
    assert_eq!(
        schema_lock::<locked::Visitor>(),
        "# The stored form of each field of `Visitor`, rendered by `session_core::schema_lock`.
# A test compares it with the schema (`session_core::testing::assert_schema_lock`) and fails when a
# change would leave stored values unreadable. Rewrite it with SESSION_SCHEMA_LOCK=overwrite.

[field theme]
place = cookie
name = theme
protection = plain
max_len = 16
type = String
shape = cookie encoding of 0 bytes and at most 3 per unit of max_len

[field locale]
place = cookie
name = locale
protection = signed
max_len = 16
type = String
shape = cookie encoding of 0 bytes and at most 3 per unit of max_len

[field user]
place = session
key = user
type = String
shape = str

[field cart]
place = session
key = cart
type = Vec<String>
shape = [str]
"
    );
}

#[test]
fn an_unchanged_schema_passes() {
    assert_eq!(against::<locked::Visitor>(), LockComparison::default());
}

#[test]
fn a_session_type_changed_without_migrate_from_fails_and_names_the_fix() {
    #[derive(SessionSchema)]
    struct Visitor {
        #[cookie(plain, max_len = 16)]
        theme: String,
        #[cookie(max_len = 16)]
        locale: String,
        #[session]
        user: String,
        #[session]
        cart: Vec<Item>,
    }
    let message = breaking::<Visitor>();
    assert_eq!(
        message,
        "field `cart` (store key `cart`): type changed from `Vec<String>` (`[str]`) to `Vec<Item>` \
         (`[{sku: str, qty: u32}]`), so the values stored no longer decode\n  help: add `migrate_from = \
         Vec<String>` to its `#[session(...)]` and implement `From<Vec<String>> for Vec<Item>` (with a \
         `#[serde(transparent)]` newtype of yours around the earlier type if neither is yours)"
    );
}

#[test]
fn a_type_change_with_migrate_from_passes() {
    #[derive(SessionSchema)]
    struct Visitor {
        #[cookie(plain, max_len = 16)]
        theme: String,
        #[cookie(max_len = 16)]
        locale: String,
        #[session]
        user: String,
        #[session(migrate_from = SkuList)]
        cart: Vec<Item>,
    }
    let comparison = against::<Visitor>();
    assert_eq!(comparison.breaking, Vec::<String>::new());
    assert_eq!(
        comparison.compatible,
        ["field `cart` (store key `cart`): type changed to `Vec<Item>`, read through `migrate_from = SkuList`"]
    );
}

#[test]
fn a_migrate_from_type_that_is_not_what_was_stored_fails() {
    #[derive(Deserialize)]
    struct Counts(#[allow(dead_code)] Vec<u32>);
    impl From<Counts> for Vec<Item> {
        fn from(_: Counts) -> Self {
            Vec::new()
        }
    }
    #[derive(SessionSchema)]
    struct Visitor {
        #[cookie(plain, max_len = 16)]
        theme: String,
        #[cookie(max_len = 16)]
        locale: String,
        #[session]
        user: String,
        #[session(migrate_from = Counts)]
        cart: Vec<Item>,
    }
    let message = breaking::<Visitor>();
    assert!(
        message.starts_with(
            "field `cart` (store key `cart`): `migrate_from = Counts` reads `[u32]`, but the values stored are `[str]`"
        ),
        "{message}"
    );
}

#[test]
fn a_removed_field_fails_and_points_at_rename_from() {
    #[derive(SessionSchema)]
    struct Visitor {
        #[cookie(plain, max_len = 16)]
        theme: String,
        #[cookie(max_len = 16)]
        locale: String,
        #[session]
        user: String,
    }
    let message = breaking::<Visitor>();
    assert!(
        message.starts_with("field `cart` (store key `cart`): removed, so the values stored under `cart` are lost"),
        "{message}"
    );
    assert!(message.contains("add `rename_from = \"cart\"` to that field's `#[session(...)]`"), "{message}");
}

#[test]
fn a_store_key_changed_without_rename_from_fails() {
    #[derive(SessionSchema)]
    struct Visitor {
        #[cookie(plain, max_len = 16)]
        theme: String,
        #[cookie(max_len = 16)]
        locale: String,
        #[session]
        user: String,
        #[session(name = "basket")]
        cart: Vec<String>,
    }
    assert_eq!(
        breaking::<Visitor>(),
        "field `cart` (store key `cart`): the store key changed from `cart` to `basket` without `rename_from`, so \
         values stored under `cart` are no longer read\n  help: add `rename_from = \"cart\"` to its `#[session(...)]`"
    );
}

#[test]
fn a_cookie_name_changed_without_rename_from_fails() {
    #[derive(SessionSchema)]
    struct Visitor {
        #[cookie(plain, max_len = 16)]
        theme: String,
        #[cookie(max_len = 16)]
        language: String,
        #[session]
        user: String,
        #[session]
        cart: Vec<String>,
    }
    let comparison = against::<Visitor>();
    assert_eq!(
        comparison.breaking,
        ["field `locale` (cookie `locale`): removed, so the values stored under `locale` are lost\n  help: if \
          another field replaces it, add `rename_from = \"locale\"` to that field's `#[cookie(...)]` (and \
          `migrate_from` if its type changed); if the values may go, rewrite the lock with \
          SESSION_SCHEMA_LOCK=overwrite"]
    );
    assert_eq!(comparison.compatible, ["field `language` (cookie `language`): new"]);
}

#[test]
fn a_cookie_given_a_name_attribute_without_rename_from_fails() {
    #[derive(SessionSchema)]
    struct Visitor {
        #[cookie(plain, max_len = 16, name = "colour-scheme")]
        theme: String,
        #[cookie(max_len = 16)]
        locale: String,
        #[session]
        user: String,
        #[session]
        cart: Vec<String>,
    }
    assert_eq!(
        breaking::<Visitor>(),
        "field `theme` (cookie `theme`): the cookie name changed from `theme` to `colour-scheme` without \
         `rename_from`, so values stored under `theme` are no longer read\n  help: add `rename_from = \"theme\"` \
         to its `#[cookie(...)]`"
    );
}

#[test]
fn renames_with_rename_from_pass() {
    #[derive(SessionSchema)]
    struct Visitor {
        #[cookie(plain, max_len = 16)]
        theme: String,
        #[cookie(max_len = 16, rename_from = "locale")]
        language: String,
        #[session]
        user: String,
        #[session(rename_from = "cart")]
        basket: Vec<String>,
    }
    let comparison = against::<Visitor>();
    assert_eq!(comparison.breaking, Vec::<String>::new());
    assert_eq!(
        comparison.compatible,
        [
            "field `language` (cookie `language`): renamed from `locale`, read through `rename_from`",
            "field `basket` (store key `basket`): renamed from `cart`, read through `rename_from`",
        ]
    );
}

#[test]
fn a_cookie_protection_change_fails() {
    #[derive(SessionSchema)]
    struct Visitor {
        #[cookie(plain, max_len = 16)]
        theme: String,
        #[cookie(private, max_len = 16)]
        locale: String,
        #[session]
        user: String,
        #[session]
        cart: Vec<String>,
    }
    assert_eq!(
        breaking::<Visitor>(),
        "field `locale` (cookie `locale`): protection changed from `signed` to `private`, so every `locale` \
         cookie browsers hold stops verifying and reads as absent\n  help: keep `#[cookie(signed)]`"
    );
}

#[test]
fn a_lower_max_len_fails_and_a_higher_one_passes() {
    #[derive(SessionSchema)]
    struct Lower {
        #[cookie(plain, max_len = 8)]
        theme: String,
        #[cookie(max_len = 16)]
        locale: String,
        #[session]
        user: String,
        #[session]
        cart: Vec<String>,
    }
    #[derive(SessionSchema)]
    struct Higher {
        #[cookie(plain, max_len = 32)]
        theme: String,
        #[cookie(max_len = 16)]
        locale: String,
        #[session]
        user: String,
        #[session]
        cart: Vec<String>,
    }
    assert!(breaking::<Lower>().starts_with("field `theme` (cookie `theme`): `max_len` lowered from 16 to 8"));
    assert_eq!(against::<Higher>(), LockComparison::default());
}

#[test]
fn a_new_field_passes() {
    #[derive(SessionSchema)]
    struct Visitor {
        #[cookie(plain, max_len = 16)]
        theme: String,
        #[cookie(max_len = 16)]
        locale: String,
        #[session]
        user: String,
        #[session]
        cart: Vec<String>,
        #[session]
        wishlist: Vec<String>,
    }
    let comparison = against::<Visitor>();
    assert_eq!(comparison.breaking, Vec::<String>::new());
    assert_eq!(comparison.compatible, ["field `wishlist` (store key `wishlist`): new"]);
}

#[test]
fn a_field_moved_from_the_store_to_a_cookie_fails() {
    #[derive(SessionSchema)]
    struct Visitor {
        #[cookie(plain, max_len = 16)]
        theme: String,
        #[cookie(max_len = 16)]
        locale: String,
        #[cookie(max_len = 64)]
        user: String,
        #[session]
        cart: Vec<String>,
    }
    let message = breaking::<Visitor>();
    assert!(
        message.starts_with("field `user` (store key `user`): moved from the session store to a cookie"),
        "{message}"
    );
}

/// A lock file written by the locked release, in a directory of its own.
fn lock_file(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("schema-lock-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("visitor.schema.lock");
    std::fs::write(&path, schema_lock::<locked::Visitor>()).unwrap();
    path
}

#[test]
fn the_committed_lock_passes_for_its_own_schema() {
    assert_schema_lock::<locked::Visitor>(lock_file("same"));
}

#[test]
#[should_panic(expected = "field `cart` (store key `cart`): type changed from `Vec<String>` (`[str]`) to `u64`")]
fn the_committed_lock_fails_for_a_breaking_change() {
    #[derive(SessionSchema)]
    struct Visitor {
        #[cookie(plain, max_len = 16)]
        theme: String,
        #[cookie(max_len = 16)]
        locale: String,
        #[session]
        user: String,
        #[session]
        cart: u64,
    }
    assert_schema_lock::<Visitor>(lock_file("breaking"));
}
