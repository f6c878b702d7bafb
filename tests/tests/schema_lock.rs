//! The schema lock: which changes between two releases of a schema leave stored values readable, and what
//! the check says about those that do not. Each case compares the lock of one release with the next.

use serde::{Deserialize, Serialize};
use session_core::{
    schema_lock,
    testing::{assert_schema_lock, compare_schema_locks, LockComparison},
    SessionSchema,
};
use tests::temp_dir::TempDir;

/// A release with a cookie of each protection and two session fields.
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
}

/// A release that stores a cart of SKUs.
#[derive(SessionSchema)]
struct Skus {
    #[session]
    cart: Vec<String>,
}

/// A release with a signed `locale` cookie.
#[derive(SessionSchema)]
struct Locale {
    #[cookie(max_len = 16)]
    locale: String,
}

/// What `Skus` stored under `cart`, as a type of this crate.
#[derive(Deserialize)]
#[serde(transparent)]
struct SkuList(Vec<String>);

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

/// How the lock of `Old` compares with that of `New`.
fn compare<Old: SessionSchema, New: SessionSchema>() -> LockComparison {
    compare_schema_locks(&schema_lock::<Old>(), &schema_lock::<New>()).expect("a lock parses")
}

/// The one breaking change from `Old` to `New`.
fn breaking<Old: SessionSchema, New: SessionSchema>() -> String {
    let comparison = compare::<Old, New>();
    assert_eq!(comparison.breaking.len(), 1, "{comparison:#?}");
    comparison.breaking[0].clone()
}

/// The compatible changes from `Old` to `New`, which must have no breaking one.
fn compatible<Old: SessionSchema, New: SessionSchema>() -> Vec<String> {
    let comparison = compare::<Old, New>();
    assert_eq!(comparison.breaking, Vec::<String>::new());
    comparison.compatible
}

#[test]
fn the_lock_lists_each_field_stored_form() {
    assert_eq!(
        schema_lock::<Visitor>(),
        "# The stored form of each field of `Visitor`, rendered by `session_core::schema_lock`.
# A test compares it with the schema (`session_core::testing::assert_schema_lock`) and fails when a
# change would leave stored values unreadable. Rewrite it with SESSION_SCHEMA_LOCK=overwrite.

[field theme]
place = cookie
name = theme
protection = plain
max_len = 16
type = String
shape = str

[field locale]
place = cookie
name = locale
protection = signed
max_len = 16
type = String
shape = str

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
    assert_eq!(compare::<Visitor, Visitor>(), LockComparison::default());
}

#[test]
fn a_session_type_changed_without_migrate_from_fails_and_names_the_fix() {
    #[derive(SessionSchema)]
    struct Items {
        #[session]
        cart: Vec<Item>,
    }
    assert_eq!(
        breaking::<Skus, Items>(),
        "field `cart` (store key `cart`): type changed from `Vec<String>` (`[str]`) to `Vec<Item>` \
         (`[{qty: u32, sku: str}]`), so the values stored may no longer decode\n  help: add `migrate_from = \
         Vec<String>` to its `#[session(...)]` and implement `From<Vec<String>> for Vec<Item>` (with a \
         `#[serde(transparent)]` newtype of yours around the earlier type if neither is yours)\n  help: if every \
         value stored still decodes as `Vec<Item>` (a variant added to an enum, a new `Option` field), record the \
         lock again with SESSION_SCHEMA_LOCK=overwrite"
    );
}

#[test]
fn a_type_change_with_migrate_from_passes() {
    #[derive(SessionSchema)]
    struct Items {
        #[session(migrate_from = SkuList)]
        cart: Vec<Item>,
    }
    assert_eq!(
        compatible::<Skus, Items>(),
        ["field `cart` (store key `cart`): type changed to `Vec<Item>`, read through `migrate_from = SkuList` where a \
          stored value does not decode as `Vec<Item>` (one that does is read as it is, not converted)"]
    );
}

#[test]
fn a_migrate_from_type_that_is_not_what_was_stored_fails() {
    #[derive(Deserialize)]
    struct Counts(Vec<u32>);
    impl From<Counts> for Vec<Item> {
        fn from(old: Counts) -> Self {
            old.0.into_iter().map(|qty| Item { sku: String::new(), qty }).collect()
        }
    }
    #[derive(SessionSchema)]
    struct Items {
        #[session(migrate_from = Counts)]
        cart: Vec<Item>,
    }
    let message = breaking::<Skus, Items>();
    assert!(
        message.starts_with(
            "field `cart` (store key `cart`): `migrate_from = Counts` reads `[u32]`, but the values stored are \
             `[str]` (type `Vec<String>`)"
        ),
        "{message}"
    );
}

#[test]
fn a_removed_field_fails_and_points_at_rename_from() {
    #[derive(SessionSchema)]
    struct Emptied {
        #[session]
        user: String,
    }
    assert_eq!(
        breaking::<Skus, Emptied>(),
        "field `cart` (store key `cart`): removed, so the values stored under `cart` are lost\n  help: if another \
         field replaces it, add `rename_from = \"cart\"` to that field's `#[session(...)]` (and `migrate_from` if \
         its type changed); if the values may go, rewrite the lock with SESSION_SCHEMA_LOCK=overwrite"
    );
}

#[test]
fn a_store_key_changed_without_rename_from_fails() {
    #[derive(SessionSchema)]
    struct Rekeyed {
        #[session(name = "basket")]
        cart: Vec<String>,
    }
    assert_eq!(
        breaking::<Skus, Rekeyed>(),
        "field `cart` (store key `cart`): the store key changed from `cart` to `basket` without `rename_from`, so \
         values stored under `cart` are no longer read\n  help: add `rename_from = \"cart\"` to its `#[session(...)]`"
    );
}

#[test]
fn a_cookie_name_changed_without_rename_from_fails() {
    #[derive(SessionSchema)]
    struct Renamed {
        #[cookie(max_len = 16, name = "lang")]
        locale: String,
    }
    assert_eq!(
        breaking::<Locale, Renamed>(),
        "field `locale` (cookie `locale`): the cookie name changed from `locale` to `lang` without \
         `rename_from`, so values stored under `locale` are no longer read\n  help: add `rename_from = \
         \"locale\"` to its `#[cookie(...)]`"
    );
}

/// `Locale`, its cookie scoped to the shop's pages and to every subdomain.
#[derive(SessionSchema)]
struct ShopLocale {
    #[cookie(max_len = 16, path = "/shop", domain = "example.com")]
    locale: String,
}

#[test]
fn a_cookie_path_or_domain_is_locked_only_where_given() {
    let lock = schema_lock::<ShopLocale>();
    assert!(lock.contains("max_len = 16\npath = /shop\ndomain = example.com\ntype = String\n"), "{lock}");
    assert!(!schema_lock::<Locale>().contains("path ="), "the default path is not written");
}

#[test]
fn a_cookie_path_or_domain_changed_fails_saying_the_old_cookie_stays_beside_the_new() {
    let comparison = compare::<ShopLocale, Locale>();
    assert_eq!(
        comparison.breaking,
        [
            "field `locale` (cookie `locale`): path changed from `/shop` to `/`, so browsers keep each `locale` \
             cookie set with the earlier path beside the new one until it expires, may send it first, and the \
             field then reads its old value; removing the field deletes only the new one\n  help: keep `path = \
             \"/shop\"`; if the old values showing until those cookies expire is acceptable, record the lock again \
             with SESSION_SCHEMA_LOCK=overwrite",
            "field `locale` (cookie `locale`): domain changed from `example.com` to none, so browsers keep each \
             `locale` cookie set with the earlier domain beside the new one until it expires, may send it first, \
             and the field then reads its old value; removing the field deletes only the new one\n  help: keep \
             `domain = \"example.com\"`; if the old values showing until those cookies expire is acceptable, \
             record the lock again with SESSION_SCHEMA_LOCK=overwrite",
        ]
    );
    let back = compare::<Locale, ShopLocale>().breaking;
    assert!(back[0].contains("path changed from `/` to `/shop`"), "{back:?}");
    assert!(back[1].contains("domain changed from none to `example.com`"), "{back:?}");
    assert_eq!(compare::<ShopLocale, ShopLocale>(), LockComparison::default());
}

/// `Locale`, its cookie partitioned by the top-level site it is set under (CHIPS).
#[derive(SessionSchema)]
struct PartitionedLocale {
    #[cookie(max_len = 16, partitioned)]
    locale: String,
}

#[test]
fn a_cookie_that_becomes_partitioned_or_stops_being_one_fails() {
    assert!(schema_lock::<PartitionedLocale>().contains("max_len = 16\npartitioned = true\ntype = String\n"));
    assert!(!schema_lock::<Locale>().contains("partitioned"), "written only where given");
    assert_eq!(
        compare::<Locale, PartitionedLocale>().breaking,
        ["field `locale` (cookie `locale`): now partitioned, so browsers keep each unpartitioned `locale` cookie \
          beside the new one until it expires, may send it first, and the field then reads its old value; \
          removing the field deletes only the new one\n  help: leave out `partitioned`; if the old values showing \
          until those cookies expire is acceptable, record the lock again with SESSION_SCHEMA_LOCK=overwrite"]
    );
    let back = compare::<PartitionedLocale, Locale>().breaking;
    assert!(back[0].contains("now unpartitioned") && back[0].contains("help: keep `partitioned`"), "{back:?}");
    assert_eq!(compare::<PartitionedLocale, PartitionedLocale>(), LockComparison::default());
}

/// A user name that must be lower case: its `Deserialize` checks values, yet accepts the empty string
/// the tracer builds it from, so it traces as `str`.
#[derive(Serialize, Deserialize)]
#[serde(try_from = "String")]
struct Username(String);

impl TryFrom<String> for Username {
    type Error = &'static str;
    fn try_from(name: String) -> Result<Self, Self::Error> {
        if name.chars().any(char::is_uppercase) {
            return Err("a user name is lower case");
        }
        Ok(Username(name))
    }
}

#[test]
fn a_type_changed_to_one_stored_the_same_way_is_listed_saying_what_a_checking_deserialize_does() {
    #[derive(SessionSchema)]
    struct Plain {
        #[session]
        user: String,
    }
    #[derive(SessionSchema)]
    struct Checked {
        #[session]
        user: Username,
    }
    assert_eq!(
        compatible::<Plain, Checked>(),
        ["field `user` (store key `user`): type changed from `String` to `Username`, stored the same way (`str`); \
          a stored value that `Username` refuses to decode (one whose `Deserialize` checks values) reads as absent"]
    );
}

#[test]
fn a_renamed_field_without_rename_from_is_a_removal_and_a_new_field() {
    #[derive(SessionSchema)]
    struct Language {
        #[cookie(max_len = 16)]
        language: String,
    }
    let comparison = compare::<Locale, Language>();
    assert_eq!(comparison.breaking.len(), 1, "{comparison:#?}");
    assert!(comparison.breaking[0].starts_with("field `locale` (cookie `locale`): removed"), "{comparison:#?}");
    assert!(comparison.breaking[0].contains("add `rename_from = \"locale\"` to that field's `#[cookie(...)]`"));
    assert_eq!(comparison.compatible, ["field `language` (cookie `language`): new"]);
}

#[test]
fn renames_with_rename_from_pass() {
    #[derive(SessionSchema)]
    struct Renamed {
        #[cookie(plain, max_len = 16)]
        theme: String,
        #[cookie(max_len = 16, rename_from = "locale")]
        language: String,
        #[session]
        user: String,
        #[session(rename_from = "cart")]
        basket: Vec<String>,
    }
    assert_eq!(
        compatible::<Visitor, Renamed>(),
        [
            "field `language` (cookie `language`): renamed from `locale`, read through `rename_from`",
            "field `basket` (store key `basket`): renamed from `cart`, read through `rename_from`",
        ]
    );
}

#[test]
fn two_fields_merged_into_one_through_rename_from_fail() {
    #[derive(SessionSchema)]
    struct Apart {
        #[session]
        cart: Vec<String>,
        #[session]
        wishlist: Vec<String>,
    }
    // One field reads `cart` as its own and `wishlist` through `rename_from`: a session holding both
    // would show only the cart, and its first write drop the wishlist.
    #[derive(SessionSchema)]
    struct Merged {
        #[session(rename_from = "wishlist")]
        cart: Vec<String>,
    }
    assert_eq!(
        breaking::<Apart, Merged>(),
        "field `cart` (store key `cart`): reads both `cart` and, through `rename_from`, `wishlist`, which the \
         locked release kept apart: where both hold a value, the one under `wishlist` is never read, and the \
         first write drops it\n  help: keep a field that reads `wishlist` until its values have expired, or \
         move them by hand before the deploy"
    );
}

#[test]
fn a_cookie_protection_change_fails() {
    #[derive(SessionSchema)]
    struct Private {
        #[cookie(private, max_len = 16)]
        locale: String,
    }
    assert_eq!(
        breaking::<Locale, Private>(),
        "field `locale` (cookie `locale`): protection changed from `signed` to `private`, so every `locale` \
         cookie browsers hold stops verifying and reads as absent\n  help: keep `#[cookie(signed)]`"
    );
}

#[test]
fn a_cookie_type_change_fails() {
    #[derive(SessionSchema)]
    struct Numbered {
        #[cookie]
        locale: u16,
    }
    assert_eq!(
        breaking::<Locale, Numbered>(),
        "field `locale` (cookie `locale`): encoding changed from `str` (type `String`) to `u16` (type `u16`), so \
         `locale` cookies read as absent where their value does not decode as `u16`, and as another value where \
         it decodes otherwise (a `String` reads the `~` of an `Option` as text)\n  help: keep the type `String`, \
         or one that encodes as `str`; if every cookie browsers hold still decodes as `u16` to what it meant (a \
         wider integer), or resetting them is acceptable, record the lock again with \
         SESSION_SCHEMA_LOCK=overwrite"
    );
}

#[test]
fn a_protection_change_is_reported_alone() {
    #[derive(SessionSchema)]
    struct Sealed {
        #[cookie(private, max_len = 16)]
        locale: String,
    }
    let message = breaking::<Locale, Sealed>();
    assert!(message.contains("protection changed from `signed` to `private`"), "{message}");
}

/// A hand-written value that delegates its cookie encoding to `String`'s, but not its sealed one.
struct Memo(String);

impl session_core::CookieValue for Memo {
    const BOUND: session_core::Bound = String::BOUND;

    fn shape() -> String {
        String::shape()
    }

    fn encode(&self, out: &mut String) {
        self.0.encode(out)
    }

    fn decode(encoded: &str) -> Option<Self> {
        String::decode(encoded).map(Memo)
    }
}

#[test]
fn a_private_cookie_is_compared_by_what_it_seals() {
    use session_core::CookieValue;

    #[derive(SessionSchema)]
    struct Plain {
        #[cookie(private, max_len = 16)]
        note: String,
    }
    #[derive(SessionSchema)]
    struct Delegated {
        #[cookie(private, max_len = 16)]
        note: Memo,
    }
    assert_eq!(String::private_shape(), "str as written");
    assert_eq!(Memo::private_shape(), "str", "the default: what `encode` writes");
    let message = breaking::<Plain, Delegated>();
    assert!(
        message.contains("encoding changed from `str as written` (type `String`) to `str` (type `Memo`)"),
        "{message}"
    );
}

#[test]
fn a_store_key_with_a_line_break_keeps_the_lock_readable() {
    #[derive(SessionSchema)]
    struct Odd {
        #[session(name = "cart\nitems")]
        cart: Vec<String>,
    }
    assert!(schema_lock::<Odd>().contains("key = cart\\nitems\n"), "{}", schema_lock::<Odd>());
    assert_eq!(compare::<Odd, Odd>(), LockComparison::default());
}

#[test]
fn a_store_key_with_a_space_at_either_end_is_another_key() {
    #[derive(SessionSchema)]
    struct Spaced {
        #[session(name = " cart ")]
        cart: Vec<String>,
    }
    #[derive(SessionSchema)]
    struct Blank {
        #[session(name = " ")]
        cart: Vec<String>,
    }
    #[derive(SessionSchema)]
    struct Escaped {
        #[session(name = "cart\\u{20}")]
        cart: Vec<String>,
    }
    assert!(schema_lock::<Spaced>().contains("key = \\u{20}cart\\u{20}\n"), "{}", schema_lock::<Spaced>());
    assert!(schema_lock::<Escaped>().contains("key = cart\\\\u{20}\n"), "a backslash as written is escaped too");
    assert!(breaking::<Escaped, Spaced>().contains("the store key changed"));
    assert_eq!(compare::<Spaced, Spaced>(), LockComparison::default());
    assert_eq!(compare::<Blank, Blank>(), LockComparison::default());
    let message = breaking::<Spaced, Skus>();
    assert!(message.starts_with("field `cart` (store key `\\u{20}cart\\u{20}`): the store key changed"), "{message}");
}

#[test]
fn a_cookie_type_spelled_another_way_passes() {
    #[derive(SessionSchema)]
    struct Spelled {
        #[cookie(max_len = 16)]
        locale: std::string::String,
    }
    assert_eq!(compatible::<Locale, Spelled>(), Vec::<String>::new());
}

/// Four releases of a `Theme` cookie, each a module with the same two schemas over its own `Theme`.
mod themes {
    /// `Visitor` keeps the theme in a cookie of its own; `Wrapped` keeps it inside another type.
    macro_rules! schemas_over_theme {
        () => {
            #[derive(session_core::SessionSchema)]
            pub struct Visitor {
                #[cookie(plain)]
                theme: Theme,
            }

            #[derive(session_core::SessionSchema)]
            pub struct Wrapped {
                #[cookie(plain)]
                theme: Option<(u8, Theme)>,
            }
        };
    }

    pub mod before {
        /// `Light` and `Dark`, encoded as `light` and `dark`.
        pub use tests::apps::Theme;

        schemas_over_theme!();
    }

    pub mod renamed {
        #[derive(session_core::CookieValue)]
        pub enum Theme {
            Light,
            Dusk,
        }

        schemas_over_theme!();
    }

    pub mod renamed_keeping_its_encoding {
        #[derive(session_core::CookieValue)]
        pub enum Theme {
            Light,
            #[cookie_value(rename = "dark")]
            Dusk,
        }

        schemas_over_theme!();
    }

    pub mod extended {
        #[derive(session_core::CookieValue)]
        pub enum Theme {
            Light,
            Dark,
            Sepia,
        }

        schemas_over_theme!();
    }
}

#[test]
fn a_cookie_enum_variant_renamed_fails_unless_its_encoding_is_kept() {
    use themes::*;
    assert_eq!(
        breaking::<before::Visitor, renamed::Visitor>(),
        "field `theme` (cookie `theme`): `Theme` no longer decodes `dark`, so `theme` cookies that hold it read \
         as absent\n  help: give the variant that replaces it `#[cookie_value(rename = \"dark\")]`, or keep the \
         variant; if resetting those cookies is acceptable, record the lock again with \
         SESSION_SCHEMA_LOCK=overwrite"
    );
    assert_eq!(compatible::<before::Visitor, renamed_keeping_its_encoding::Visitor>(), Vec::<String>::new());
    assert_eq!(
        compatible::<before::Visitor, extended::Visitor>(),
        ["field `theme` (cookie `theme`): variants added to `Theme`"]
    );
    assert_eq!(breaking::<extended::Visitor, before::Visitor>().lines().next().unwrap(), "field `theme` (cookie `theme`): `Theme` no longer decodes `sepia`, so `theme` cookies that hold it read as absent");
    // Inside another type as well.
    assert_eq!(
        compatible::<before::Wrapped, extended::Wrapped>(),
        ["field `theme` (cookie `theme`): variants added to `Option<(u8, Theme)>`"]
    );
    assert!(breaking::<extended::Wrapped, before::Wrapped>().contains("no longer decodes `sepia`"));
}

#[test]
fn a_lower_max_len_fails_and_a_higher_one_passes_to_be_recorded() {
    #[derive(SessionSchema)]
    struct Shorter {
        #[cookie(max_len = 8)]
        locale: String,
    }
    #[derive(SessionSchema)]
    struct Longer {
        #[cookie(max_len = 32)]
        locale: String,
    }
    let message = breaking::<Locale, Shorter>();
    assert!(message.starts_with("field `locale` (cookie `locale`): `max_len` lowered from 16 to 8"), "{message}");
    // Listed, so that the lock is rewritten: lowering it again later must be judged against 32.
    assert_eq!(
        compatible::<Locale, Longer>(),
        ["field `locale` (cookie `locale`): `max_len` raised from 16 to 32; the longer values browsers then hold \
          are read as absent by a release with the lower limit"]
    );
}

#[test]
fn a_removed_cookie_field_points_at_rename_from_alone() {
    #[derive(SessionSchema)]
    struct Emptied {
        #[session]
        user: String,
    }
    let message = breaking::<Locale, Emptied>();
    assert!(message.contains("add `rename_from = \"locale\"` to that field's `#[cookie(...)]`; if"), "{message}");
    assert!(!message.contains("migrate_from"), "cookie fields take no `migrate_from`: {message}");
}

#[test]
fn a_new_field_passes() {
    #[derive(SessionSchema)]
    struct Wishing {
        #[session]
        cart: Vec<String>,
        #[session]
        wishlist: Vec<String>,
    }
    assert_eq!(compatible::<Skus, Wishing>(), ["field `wishlist` (store key `wishlist`): new"]);
}

#[test]
fn a_field_moved_from_the_store_to_a_cookie_fails() {
    #[derive(SessionSchema)]
    struct InACookie {
        #[cookie(max_len = 64)]
        cart: Vec<u8>,
    }
    let message = breaking::<Skus, InACookie>();
    assert!(
        message.starts_with("field `cart` (store key `cart`): moved from the session store to a cookie"),
        "{message}"
    );
}

/// A lock file written by `Skus`, in a directory of its own that is removed when the first value is dropped.
fn skus_lock_file() -> (TempDir, std::path::PathBuf) {
    let dir = TempDir::new("schema-lock");
    let path = dir.path().join("skus.schema.lock");
    std::fs::write(&path, schema_lock::<Skus>()).unwrap();
    (dir, path)
}

#[test]
fn the_committed_lock_passes_for_its_own_schema() {
    let (_dir, path) = skus_lock_file();
    assert_schema_lock::<Skus>(path);
}

#[test]
#[should_panic(expected = "field `cart` (store key `cart`): type changed from `Vec<String>` (`[str]`) to `u64`")]
fn the_committed_lock_fails_for_a_breaking_change() {
    #[derive(SessionSchema)]
    struct Counted {
        #[session]
        cart: u64,
    }
    let (_dir, path) = skus_lock_file();
    assert_schema_lock::<Counted>(path);
}

/// A release that renamed `cart` to `basket`: sessions written before it may still hold `cart`.
#[derive(SessionSchema)]
struct Basket {
    #[session(rename_from = "cart")]
    basket: Vec<String>,
}

#[test]
fn a_dropped_rename_from_fails_until_sessions_written_before_the_locked_release_have_ended() {
    #[derive(SessionSchema)]
    struct Dropped {
        #[session]
        basket: Vec<String>,
    }
    assert_eq!(
        breaking::<Basket, Dropped>(),
        "field `basket` (store key `basket`): no longer reads `cart`, which the locked release read through \
         `rename_from = \"cart\"`, so what sessions written before that release still hold under `cart` is lost\n  \
         help: keep `rename_from = \"cart\"` until every session written before the locked release has ended (its \
         absolute timeout), then record the lock again with SESSION_SCHEMA_LOCK=overwrite"
    );
}

#[test]
fn a_dropped_cookie_rename_from_fails_until_the_old_cookies_have_expired() {
    #[derive(SessionSchema)]
    struct Language {
        #[cookie(max_len = 16, rename_from = "locale")]
        language: String,
    }
    #[derive(SessionSchema)]
    struct Dropped {
        #[cookie(max_len = 16)]
        language: String,
    }
    assert_eq!(
        breaking::<Language, Dropped>(),
        "field `language` (cookie `language`): no longer reads `locale`, which the locked release read through \
         `rename_from = \"locale\"`, so `locale` cookies set before that release are no longer read\n  help: keep \
         `rename_from = \"locale\"` until every `locale` cookie set before the locked release has expired, then \
         record the lock again with SESSION_SCHEMA_LOCK=overwrite"
    );
}

#[test]
fn a_rename_chained_onto_a_rename_strands_the_first_name() {
    #[derive(SessionSchema)]
    struct Items {
        #[session(rename_from = "basket")]
        items: Vec<String>,
    }
    let comparison = compare::<Basket, Items>();
    assert_eq!(
        comparison.breaking,
        ["field `items` (store key `items`): no longer reads `cart`, which the locked release read through \
          `rename_from = \"cart\"`, so what sessions written before that release still hold under `cart` is lost\n  \
          help: a field reads one earlier name: keep the store key `basket` with `rename_from = \"cart\"` until \
          every session written before the locked release has ended (its absolute timeout), record the lock again \
          with SESSION_SCHEMA_LOCK=overwrite, and rename the key in a later release"]
    );
    assert_eq!(
        comparison.compatible,
        ["field `items` (store key `items`): renamed from `basket`, read through `rename_from`"]
    );
}

#[test]
fn an_earlier_name_still_read_passes() {
    /// Back to `cart`, reading `basket`: both names the locked release knew are still read.
    #[derive(SessionSchema)]
    struct Back {
        #[session(rename_from = "basket")]
        cart: Vec<String>,
    }
    assert_eq!(compare::<Basket, Basket>(), LockComparison::default());
    assert_eq!(
        compatible::<Basket, Back>(),
        ["field `cart` (store key `cart`): renamed from `basket`, read through `rename_from`"]
    );
}

/// A release that converts the SKUs `Skus` stored: sessions written before it may still hold them.
#[derive(SessionSchema)]
struct Converting {
    #[session(migrate_from = SkuList)]
    cart: Vec<Item>,
}

#[test]
fn a_dropped_migrate_from_fails_until_sessions_written_before_the_locked_release_have_ended() {
    #[derive(SessionSchema)]
    struct Dropped {
        #[session]
        cart: Vec<Item>,
    }
    assert_eq!(
        breaking::<Converting, Dropped>(),
        "field `cart` (store key `cart`): no longer reads `[str]` (type `SkuList`), which the locked release \
         converted through `migrate_from = SkuList`, so values that sessions written before that release still hold \
         in that form read as `None`\n  help: keep `migrate_from = SkuList` until every session written before the \
         locked release has ended (its absolute timeout), then record the lock again with \
         SESSION_SCHEMA_LOCK=overwrite"
    );
    assert_eq!(compare::<Converting, Converting>(), LockComparison::default());
}

/// What a release before stored under `cart`: a label.
#[derive(Deserialize)]
#[serde(transparent)]
struct Label(#[allow(dead_code)] String);

impl From<Label> for u64 {
    fn from(_: Label) -> Self {
        1
    }
}

#[derive(Serialize, Deserialize)]
struct Count {
    items: u64,
}

impl From<u64> for Count {
    fn from(items: u64) -> Self {
        Count { items }
    }
}

#[test]
fn a_rename_and_a_type_change_chained_onto_the_locked_ones_strand_the_first_name_and_form() {
    /// Renamed from `cart` and converted from a label.
    #[derive(SessionSchema)]
    struct Counted {
        #[session(name = "basket", rename_from = "cart", migrate_from = Label)]
        cart: u64,
    }
    /// Renamed and converted once more, reading only what `Counted` wrote.
    #[derive(SessionSchema)]
    struct Recounted {
        #[session(name = "items", rename_from = "basket", migrate_from = u64)]
        cart: Count,
    }
    let comparison = compare::<Counted, Recounted>();
    assert_eq!(comparison.breaking.len(), 2, "{comparison:#?}");
    assert!(comparison.breaking[0].starts_with("field `cart` (store key `items`): no longer reads `cart`"));
    assert_eq!(
        comparison.breaking[1],
        "field `cart` (store key `items`): no longer reads `str` (type `Label`), which the locked release \
         converted through `migrate_from = Label`, so values that sessions written before that release still hold \
         in that form read as `None`\n  help: a field converts from one earlier type: keep the type `u64` with \
         `migrate_from = Label` until every session written before the locked release has ended (its absolute \
         timeout), record the lock again with SESSION_SCHEMA_LOCK=overwrite, and change the type in a later release"
    );
}

#[test]
fn a_field_still_converting_cannot_become_the_owner_yet() {
    #[derive(SessionSchema)]
    struct Converting {
        #[session(migrate_from = Label)]
        user: u64,
    }
    #[derive(SessionSchema)]
    struct Owned {
        #[session(owner)]
        user: u64,
    }
    let message = breaking::<Converting, Owned>();
    assert!(
        message.ends_with(
            "help: an owner cannot take `migrate_from`: keep `migrate_from = Label` without `owner` until every \
             session written before the locked release has ended (its absolute timeout), record the lock again with \
             SESSION_SCHEMA_LOCK=overwrite, and make the field the owner in a later release"
        ),
        "{message}"
    );
}

/// Why the lock of `Skus`, edited by `edit`, cannot be compared.
fn refused(edit: impl FnOnce(String) -> String) -> String {
    compare_schema_locks(&edit(schema_lock::<Skus>()), &schema_lock::<Skus>()).expect_err("an edited lock is refused")
}

const REGENERATE: &str = "  help: regenerate it with SESSION_SCHEMA_LOCK=overwrite, and check the diff before \
                          committing it: an overwrite records the schema as it is now, so the diff must show the \
                          repair and no field whose stored form changed since the lock was written";

#[test]
fn a_misspelled_or_missing_key_is_refused_naming_its_line() {
    assert_eq!(
        refused(|lock| lock.replace("place = session", "plase = session").replace("shape = [str]\n", "")),
        format!(
            "the committed lock is not a schema lock:\n  line 6: unknown key `plase` in `[field cart]`; the keys are \
             place, key, owner, name, protection, max_len, path, domain, partitioned, type, shape, rename_from, migrate_from, migrate_shape\n  \
             `[field cart]` (line 5): no `place`\n{REGENERATE}"
        )
    );
    assert_eq!(
        refused(|lock| lock.replace("shape = [str]\n", "")),
        format!(
            "the committed lock is not a schema lock:\n  `[field cart]` (line 5): no `shape`, which every session \
             field has\n{REGENERATE}"
        )
    );
}

#[test]
fn a_lock_without_entries_is_refused() {
    let no_entries = format!(
        "the committed lock is not a schema lock:\n  no `[field ...]` entry at all (the schema's fields: `cart`)\n\
         {REGENERATE}"
    );
    assert_eq!(refused(|_| String::new()), no_entries);
    assert_eq!(refused(|lock| lock.lines().filter(|line| line.starts_with('#')).collect()), no_entries);
}

#[test]
#[should_panic(expected = "comments.schema.lock: the committed lock is not a schema lock:\n  no `[field ...]` entry")]
fn the_committed_lock_fails_when_it_holds_only_comments() {
    let dir = TempDir::new("schema-lock");
    let path = dir.path().join("comments.schema.lock");
    std::fs::write(&path, "# The stored form of each field of `Skus`.\n").unwrap();
    assert_schema_lock::<Skus>(path);
}

/// A release that stores any JSON: its shape cannot be traced.
#[derive(SessionSchema)]
struct Notes {
    #[session]
    notes: serde_json::Value,
}

/// Reads a string or a number, whichever the JSON holds: its shape cannot be traced either.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum Note {
    Text(String),
    Count(u64),
}

impl From<serde_json::Value> for Note {
    fn from(value: serde_json::Value) -> Self {
        Note::Text(value.to_string())
    }
}

#[test]
fn a_type_change_between_untraced_types_fails() {
    #[derive(SessionSchema)]
    struct Untagged {
        #[session]
        notes: Note,
    }
    let message = breaking::<Notes, Untagged>();
    let untraced = schema_lock::<Notes>().lines().find_map(|line| line.strip_prefix("shape = ")).unwrap().to_owned();
    assert!(untraced.starts_with("untraced ("), "{untraced}");
    assert_eq!(
        message,
        format!(
            "field `notes` (store key `notes`): type changed from `serde_json::Value` (`{untraced}`) to `Note` \
             (`{untraced}`), so the values stored may no longer decode\n  help: add `migrate_from = serde_json::Value` \
             to its `#[session(...)]` and implement `From<serde_json::Value> for Note` (with a \
             `#[serde(transparent)]` newtype of yours around the earlier type if neither is yours)\n  help: the \
             serde format of `serde_json::Value` cannot be traced, so the lock compares the types as written: if \
             every value stored still decodes as `Note`, record the lock again with SESSION_SCHEMA_LOCK=overwrite"
        )
    );
}

#[test]
fn an_untraced_type_is_known_by_its_name_not_by_why_it_is_untraced() {
    let locked = schema_lock::<Notes>();
    let untraced = locked.lines().find_map(|line| line.strip_prefix("shape = ")).unwrap();
    let reworded = locked.replace(untraced, "untraced (the wording of an earlier tracer)");
    assert_eq!(compare_schema_locks(&reworded, &locked).unwrap(), LockComparison::default());
}

/// A type whose `Deserialize` checks values (an address), which a tracer that offered it only `""` could
/// not follow.
#[derive(SessionSchema)]
struct LastSignIn {
    #[session]
    from: std::net::IpAddr,
}

#[test]
fn a_type_once_untraced_and_now_traced_is_still_the_same_type() {
    let locked = schema_lock::<LastSignIn>();
    assert!(locked.lines().any(|line| line == "shape = str"), "{locked}");
    let by_an_earlier_tracer = locked.replace("shape = str", "shape = untraced (invalid IP address syntax)");
    assert_eq!(compare_schema_locks(&by_an_earlier_tracer, &locked).unwrap(), LockComparison::default());
}

#[derive(serde::Serialize, serde::Deserialize)]
enum Plan {
    Free,
    Paid,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Account {
    id: uuid::Uuid,
    since: std::num::NonZeroU16,
    plan: Plan,
}

#[test]
fn a_type_holding_values_that_are_checked_is_traced_to_its_enums() {
    #[derive(SessionSchema)]
    struct Signed {
        #[session]
        account: Account,
    }
    let locked = schema_lock::<Signed>();
    assert!(locked.lines().any(|line| line == "shape = {id: str, plan: enum {Free | Paid}, since: u16}"), "{locked}");
}

/// Two releases of one profile type, written `Profile` in both schemas: the second stores its id as text,
/// and holds JSON the tracer cannot follow.
mod profile {
    pub mod v1 {
        #[derive(serde::Serialize, serde::Deserialize)]
        pub struct Profile {
            pub id: u32,
        }
    }
    pub mod v2 {
        #[derive(serde::Serialize, serde::Deserialize)]
        pub struct Profile {
            pub id: String,
            #[serde(default)]
            pub note: serde_json::Value,
        }
    }
    pub mod release1 {
        use super::v1::Profile;
        #[derive(session_core::SessionSchema)]
        pub struct Visitor {
            #[session]
            pub profile: Profile,
        }
    }
    pub mod release2 {
        use super::v2::Profile;
        #[derive(session_core::SessionSchema)]
        pub struct Visitor {
            #[session]
            pub profile: Profile,
        }
    }
}

#[test]
fn a_type_that_stops_being_traced_in_a_breaking_change_fails() {
    let message = breaking::<profile::release1::Visitor, profile::release2::Visitor>();
    assert!(
        message.starts_with(
            "field `profile` (store key `profile`): type `Profile` changed from `{id: u32}` to `untraced ("
        ),
        "{message}"
    );
    assert!(message.contains("the lock cannot tell whether it reads what was stored"), "{message}");
}

#[test]
fn a_traced_type_changed_to_an_untraced_one_fails() {
    #[derive(SessionSchema)]
    struct AnyJson {
        #[session]
        from: serde_json::Value,
    }
    let message = breaking::<LastSignIn, AnyJson>();
    assert!(
        message.starts_with(
            "field `from` (store key `from`): type changed from `std::net::IpAddr` (`str`) to `serde_json::Value`"
        ),
        "{message}"
    );
}

/// Two releases of a line of the cart: the same JSON, its fields and the variants of its size declared in
/// another order.
mod reordered {
    #[derive(serde::Serialize, serde::Deserialize)]
    pub enum Size {
        Small,
        Large,
    }

    #[derive(serde::Serialize, serde::Deserialize)]
    pub struct Line {
        pub sku: String,
        pub qty: u32,
        pub size: Size,
    }

    #[derive(session_core::SessionSchema)]
    pub struct Visitor {
        #[session]
        line: Line,
    }

    pub mod after {
        #[derive(serde::Serialize, serde::Deserialize)]
        pub enum Size {
            Large,
            Small,
        }

        #[derive(serde::Serialize, serde::Deserialize)]
        pub struct Line {
            pub size: Size,
            pub qty: u32,
            pub sku: String,
        }

        #[derive(session_core::SessionSchema)]
        pub struct Visitor {
            #[session]
            line: Line,
        }
    }
}

#[test]
fn session_fields_and_variants_declared_in_another_order_pass() {
    let stored =
        serde_json::to_string(&reordered::Line { sku: "tea".into(), qty: 2, size: reordered::Size::Large }).unwrap();
    let read: reordered::after::Line = serde_json::from_str(&stored).unwrap();
    assert_eq!((read.sku.as_str(), read.qty, matches!(read.size, reordered::after::Size::Large)), ("tea", 2, true));
    assert_eq!(compare::<reordered::Visitor, reordered::after::Visitor>(), LockComparison::default());
}

#[test]
fn a_type_that_kept_its_name_but_not_its_form_is_told_to_keep_a_copy_of_the_earlier_one() {
    #[derive(Serialize, Deserialize)]
    struct Line {
        sku: String,
    }
    #[derive(SessionSchema)]
    struct Before {
        #[session]
        line: Line,
    }
    let after = schema_lock::<Before>().replace("{sku: str}", "{sku: str, qty: u32}");
    let comparison = compare_schema_locks(&schema_lock::<Before>(), &after).unwrap();
    assert_eq!(
        comparison.breaking[0].lines().take(2).collect::<Vec<_>>(),
        [
            "field `line` (store key `line`): type `Line` changed from `{sku: str}` to `{sku: str, qty: u32}`, so \
             the values stored may no longer decode",
            "  help: keep the earlier definition as a type of its own (a copy under another name, `Old` say), add \
             `migrate_from = Old` to the field's `#[session(...)]` and implement `From<Old> for Line` (with \
             `#[serde(transparent)]` newtypes of yours where a type is not yours)",
        ]
    );
}

#[test]
fn an_untraced_type_change_with_migrate_from_the_stored_type_passes() {
    #[derive(SessionSchema)]
    struct Untagged {
        #[session(migrate_from = serde_json::Value)]
        notes: Note,
    }
    assert_eq!(
        compatible::<Notes, Untagged>(),
        ["field `notes` (store key `notes`): type changed to `Note`, read through `migrate_from = serde_json::Value` where a \
          stored value does not decode as `Note` (one that does is read as it is, not converted)"]
    );
}

#[test]
fn a_type_change_that_old_values_still_decode_as_names_overwrite_after_migrate_from() {
    #[derive(Serialize, Deserialize)]
    enum Size {
        Small,
        Large,
    }
    #[derive(Serialize, Deserialize)]
    enum SizeWithMedium {
        Small,
        Medium,
        Large,
    }
    #[derive(SessionSchema)]
    struct Sized {
        #[session]
        size: Size,
    }
    #[derive(SessionSchema)]
    struct Resized {
        #[session]
        size: SizeWithMedium,
    }
    assert_eq!(
        breaking::<Sized, Resized>(),
        "field `size` (store key `size`): type changed from `Size` (`enum {Large | Small}`) to `SizeWithMedium` \
         (`enum {Large | Medium | Small}`), so the values stored may no longer decode\n  help: add `migrate_from = \
         Size` to its `#[session(...)]` and implement `From<Size> for SizeWithMedium` (with a \
         `#[serde(transparent)]` newtype of yours around the earlier type if neither is yours)\n  help: if every \
         value stored still decodes as `SizeWithMedium` (a variant added to an enum, a new `Option` field), record \
         the lock again with SESSION_SCHEMA_LOCK=overwrite"
    );
}

#[test]
fn a_cookie_shape_describes_its_encoding() {
    use session_core::CookieValue;

    #[derive(CookieValue)]
    struct Preference {
        #[allow(dead_code)]
        size: u8,
        #[allow(dead_code)]
        theme: themes::before::Theme,
    }
    assert_eq!(<Option<(u8, Vec<String>)>>::shape(), "option<(u8, [str])>");
    assert_eq!(<[bool; 2]>::shape(), "[bool; 2]");
    assert_eq!(Preference::shape(), r#"(size: u8, theme: enum {"light" | "dark"})"#, "a tuple, with names");
}

/// A derived struct's cookie holds its fields in order, unnamed: two of one type that swap places read
/// each other's values, while a field renamed in place reads as before.
mod zooms {
    #[derive(session_core::CookieValue)]
    pub struct Display {
        pub font_size: u8,
        pub zoom: u8,
    }

    #[derive(session_core::SessionSchema)]
    pub struct Visitor {
        #[cookie(plain)]
        display: Display,
    }

    pub mod renamed {
        #[derive(session_core::CookieValue)]
        pub struct Display {
            pub text_size: u8,
            pub zoom: u8,
        }

        #[derive(session_core::SessionSchema)]
        pub struct Visitor {
            #[cookie(plain)]
            display: Display,
        }
    }

    pub mod swapped {
        #[derive(session_core::CookieValue)]
        pub struct Display {
            pub zoom: u8,
            pub font_size: u8,
        }

        #[derive(session_core::SessionSchema)]
        pub struct Visitor {
            #[cookie(plain)]
            display: Display,
        }
    }
}

/// A cookie struct holding another struct twice: the inner one's field names stand at two positions.
mod ranges {
    #[derive(session_core::CookieValue)]
    pub struct Point {
        pub x: u8,
        pub y: u8,
    }

    #[derive(session_core::CookieValue)]
    pub struct Range {
        pub from: Point,
        pub to: Point,
    }

    #[derive(session_core::SessionSchema)]
    pub struct Visitor {
        #[cookie(plain)]
        range: Range,
    }

    pub mod renamed {
        use super::Point;

        #[derive(session_core::CookieValue)]
        pub struct Range {
            pub start: Point,
            pub to: Point,
        }

        #[derive(session_core::SessionSchema)]
        pub struct Visitor {
            #[cookie(plain)]
            range: Range,
        }
    }
}

#[test]
fn a_field_renamed_in_place_beside_a_struct_used_twice_passes() {
    assert_eq!(
        compatible::<ranges::Visitor, ranges::renamed::Visitor>(),
        ["field `range` (cookie `range`): fields of `Range` renamed, read as before (a cookie holds them by \
          position)"]
    );
}

#[test]
fn fields_of_a_cookie_struct_that_swap_places_fail_and_renamed_ones_pass() {
    use session_core::CookieValue;

    let mut cookie = String::new();
    zooms::Display { font_size: 12, zoom: 200 }.encode(&mut cookie);
    let read = zooms::swapped::Display::decode(&cookie).unwrap();
    assert_eq!((read.font_size, read.zoom), (200, 12), "what the lock must catch: the values swap");
    assert_eq!(
        breaking::<zooms::Visitor, zooms::swapped::Visitor>(),
        "field `display` (cookie `display`): field `zoom` of `Display` moved to another position, so from the \
         `display` cookies browsers hold it reads what another field wrote (`(font_size: u8, zoom: u8)` is now \
         `(zoom: u8, font_size: u8)`)\n  help: keep the fields in their order; a cookie holds them by position, \
         not by name"
    );
    assert_eq!(
        compatible::<zooms::Visitor, zooms::renamed::Visitor>(),
        ["field `display` (cookie `display`): fields of `Display` renamed, read as before (a cookie holds them \
          by position)"]
    );
}
