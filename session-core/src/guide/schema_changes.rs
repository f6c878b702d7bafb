//! Changing your schema: what each change does to sessions that are live when you deploy, and what to write
//! so that none of them is silently lost.
//!
//! Sessions outlive releases. A visitor who filled a cart this morning sends its id after your afternoon
//! deploy, and the new release reads a record the old one wrote. A value the new schema cannot read is never
//! an error page here: it reads as `None` and a warning is logged. That is safe, but a signed-in user who is
//! suddenly signed out, or a cart that is suddenly empty, is still a loss. The attributes below read what the
//! last release stored; the schema lock makes CI fail before a change that would lose it ships.
//!
//! # What each change does
//!
//! | change | values stored by the last release | what to write |
//! |---|---|---|
//! | a new field | absent: the reader returns `None` until it is set | nothing |
//! | a field removed | never read again; they go when their sessions expire | nothing, once losing them is fine |
//! | a store key or cookie name changed (also by renaming the field) | not read: the reader looks under the new name | `rename_from = "old"` |
//! | a `#[session]` field's type changed | read as `None` if they no longer decode | `#[session(migrate_from = OldType)]` |
//! | a field marked `owner` | readable; their sessions join the owner's index when a request reads the field ([guide::owners](super::owners#marking-a-field-of-a-live-app-as-the-owner)) | nothing |
//! | the owner moved to another field | readable; their sessions stay indexed under the earlier owner field's value, out of reach of `revoke_owner` with the new one | keep the owner, or sign everyone out with the deploy |
//! | an `owner` field's type changed | read as `None` if they no longer decode; their sessions stay indexed under the old form | keep the stored form with serde's `from` and `into` ([below](#an-owners-type)) |
//! | a cookie's protection changed (`plain`, `signed`, `private`) | fail verification: `None` | keep the protection, or accept the loss |
//! | a cookie's encoding changed (another type, a variant of a derived enum renamed), or its `max_len` lowered | `None` for values that no longer decode or fit | keep the encoding (`#[cookie_value(rename = "...")]` for a variant), or accept the loss |
//! | a derived struct's fields reordered, in a cookie | read, but each field gets what another one wrote (or `None` where the types differ) | keep the fields in order; renaming one in place is safe |
//! | a cookie's `path` or `domain` changed, or `partitioned` added or removed | still held by browsers beside the new cookie until they expire, sent first on some pages, where the field reads the old value | keep them, or accept old values showing until then |
//! | a field moved between a cookie and the store | not read: they are in the other place | keep the place, or accept the loss |
//!
//! A type change that keeps the stored JSON the same (a struct renamed, a newtype added around the same
//! content, a field made `#[serde(default)]`) reads as before: what matters is what the stored JSON holds,
//! not the Rust name of the type.
//!
//! # Renaming: `rename_from`
//!
//! `rename_from` names the store key or cookie name the field had before. A read finds the value under the
//! old name when the new one holds nothing. A session field stays there until a request sets or removes
//! it: then its commit stores it under the new key and removes the old one, in one write. A read writes
//! nothing, because a write made for a read would put back the value as that request loaded it, over
//! whatever another request committed meanwhile (a page and its script, the first requests after a
//! deploy). A cookie is re-issued under its new name and the old one cleared, in the same response. The
//! old cookie must verify under its *old* name (a signed cookie's MAC, a private cookie's encryption, bind
//! the name), so no other cookie can be passed off as it. Setting or removing the field also drops the
//! old name.
//!
//! ```
//! use session_core::SessionSchema;
//!
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     /// Called `locale` before.
//!     #[cookie(max_len = 16, rename_from = "locale")]
//!     language: String,
//!     /// Stored under `cart` before.
//!     #[session(rename_from = "cart")]
//!     basket: Vec<String>,
//! }
//! ```
//!
//! The old name may not be one a field uses now: its values would belong to two fields. A cookie's old name
//! is never taken to be the session id cookie, which is read and cleared only as the session's own.
//!
//! While both releases serve visitors (a rolling deploy), a value the new release has moved is gone for
//! the old one: a renamed cookie as soon as the new release reads it, a session field once it sets it. The
//! old release then reads `None` for it, and what it writes under the old name the new release does not
//! read while the new name holds a value. Keep a rename out of deploys whose releases overlap for long, or
//! accept that a visitor moving between them may lose that field.
//!
//! # Changing a type: `migrate_from`
//!
//! `migrate_from = OldType` names a type that reads what the last release stored. A stored value that no
//! longer decodes as the field's type is decoded as `OldType` and converted with `From<OldType>`; the
//! converted value is what the reader returns. It is stored in the new shape when a request sets the
//! field; until then each read converts it again, and writes nothing, for the reason above. A value that
//! decodes as neither still reads as `None`, and stays in the store as it was (`take_*` of a flash field
//! leaves it too).
//!
//! When neither type is yours (`Vec<String>` to `Vec<Item>`), Rust does not let you implement `From` between
//! them: name a `#[serde(transparent)]` newtype of yours around the old type instead. It stores exactly as
//! the old type did.
//!
//! ```
//! use serde::{Deserialize, Serialize};
//! use session_core::SessionSchema;
//!
//! #[derive(Serialize, Deserialize)]
//! struct Item {
//!     sku: String,
//!     qty: u32,
//! }
//!
//! /// What the last release stored under `cart`: SKUs.
//! #[derive(Deserialize)]
//! #[serde(transparent)]
//! struct SkuList(Vec<String>);
//!
//! impl From<SkuList> for Vec<Item> {
//!     fn from(old: SkuList) -> Self {
//!         old.0.into_iter().map(|sku| Item { sku, qty: 1 }).collect()
//!     }
//! }
//!
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[session(migrate_from = SkuList)]
//!     cart: Vec<Item>,
//! }
//! ```
//!
//! Without the `From` impl the schema does not compile, and the error says which impl to write. Both
//! attributes can be given together, for a field renamed and retyped in one release. Cookies are not
//! migrated.
//!
//! # An owner's type
//!
//! An `owner` field cannot take `migrate_from`. The store indexes sessions by the hash of the owner's stored
//! value, and a session not yet converted would stay indexed under the earlier form, out of reach of
//! `revoke_owner` with a value of the new type: a password reset would leave it signed in. Give the new type
//! the stored form of the old one instead, with serde's `from` and `into`. Nothing is converted, and the
//! schema lock lists the new type as a compatible change, because the shape is the same (it marks the owner
//! with `owner = true`, and fails a change of the owner's shape naming this fix). The conversions must give
//! back the very value stored: a `From` that tidies it (lowercases an e-mail address, trims it) reads
//! `Alice@Example.com` as `alice@example.com`, while the session stays indexed under what was stored, out of
//! reach of `revoke_owner` with the tidied value. Tidy values where they enter, at sign-in, not here:
//!
//! ```
//! use serde::{Deserialize, Serialize};
//! use session_core::SessionSchema;
//!
//! /// The user id, which the last release stored as a bare `u64`.
//! #[derive(Clone, Serialize, Deserialize)]
//! #[serde(from = "u64", into = "u64")]
//! struct AccountId {
//!     number: u64,
//! }
//!
//! impl From<u64> for AccountId {
//!     fn from(number: u64) -> Self {
//!         AccountId { number }
//!     }
//! }
//!
//! impl From<AccountId> for u64 {
//!     fn from(account: AccountId) -> Self {
//!         account.number
//!     }
//! }
//!
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[session(owner)]
//!     user_id: AccountId,
//! }
//! ```
//!
//! # How long to keep them
//!
//! Until every session the old release wrote has ended: after the absolute timeout
//! ([`SessionLayer::with_absolute_timeout`](crate::SessionLayer::with_absolute_timeout), seven days by
//! default) no such session is left, and `rename_from` and `migrate_from` can go. For cookies, after the
//! longest `max_age` the old cookie had.
//!
//! The schema lock holds you to this. A value is moved or converted only when a request sets its field, so
//! sessions written before the locked release may still hold the name or form it read through `rename_from`
//! or `migrate_from`; dropping either fails the check, which cannot know when the last of those sessions
//! ended. Once they have, drop the attribute and record the lock again with `SESSION_SCHEMA_LOCK=overwrite`.
//! A field reads one earlier name and one earlier type, so a second rename or type change waits as long:
//! renaming `basket`, which still reads `cart`, to `items` with `rename_from = "basket"` fails, because
//! the sessions that hold `cart` would lose it.
//!
//! # The schema lock: catching it in CI
//!
//! [`schema_lock::<Visitor>()`](crate::schema_lock()) renders what a release needs to read the values of
//! another: each field's place, store key or cookie name, a cookie's protection and `max_len` (and its
//! `path`, `domain` and `partitioned` where given), the type as written, and its *shape*. For a `#[cookie]`
//! field the shape is its type's cookie encoding, as [`CookieValue::shape`](crate::CookieValue::shape)
//! describes it (`str`, `option<u8>`, `enum {"light" | "dark"}`, `(size: u8, zoom: u16)`; a `private`
//! cookie's, what it seals): a cookie changes only when its encoding does, and a derived enum, alone or
//! inside another type, may gain variants. A derived struct's cookie holds its fields by position, so its
//! shape lists them in order, named: a field moved to another position fails (it would read what another
//! wrote), one renamed in place passes. A hand-written `CookieValue` is known by its type's path unless its
//! `shape` says more. For a `#[session]` field it is the serde format of its type, traced through its
//! `Deserialize` down to every variant of every enum it can hold, with struct fields and enum variants
//! listed by name, since JSON finds them by name (reordering them changes nothing):
//!
//! ```text
//! [field cart]
//! place = session
//! key = cart
//! type = Vec<Item>
//! shape = [{qty: u32, sku: str}]
//! migrate_from = SkuList
//! migrate_shape = [str]
//! ```
//!
//! Commit it, and check it in a test with `session_core::testing::assert_schema_lock` (feature `testing`;
//! see [`testing`](super::testing)):
//!
//! ```no_run
//! # use session_core::SessionSchema;
//! # #[derive(SessionSchema)]
//! # struct Visitor { #[session] cart: Vec<String> }
//! #[test]
//! fn sessions_stored_by_the_last_release_stay_readable() {
//!     session_core::testing::assert_schema_lock::<Visitor>(
//!         concat!(env!("CARGO_MANIFEST_DIR"), "/tests/visitor.schema.lock"),
//!     );
//! }
//! ```
//!
//! It passes while the schema reads everything the locked one stored, and what it still read through
//! `rename_from` and `migrate_from`: nothing changed, a new field (unless it takes over as the owner), a
//! rename with `rename_from`, a type change whose `migrate_from` type has the stored shape. Otherwise it
//! fails, naming each field, what changed, and the attribute that makes the change safe; so does a change
//! that keeps values readable but not where they were: the owner moved to another field (a new one
//! included), or a cookie's `path`, `domain` or `partitioned` changed:
//!
//! ```text
//! field `cart` (store key `cart`): type changed from `Vec<String>` (`[str]`) to `Vec<Item>` (`[{qty: u32, sku: str}]`), so the values stored may no longer decode
//!   help: add `migrate_from = Vec<String>` to its `#[session(...)]` and implement `From<Vec<String>> for Vec<Item>` (with a `#[serde(transparent)]` newtype of yours around the earlier type if neither is yours)
//!   help: if every value stored still decodes as `Vec<Item>` (a variant added to an enum, a new `Option` field), record the lock again with SESSION_SCHEMA_LOCK=overwrite
//! ```
//!
//! Run the tests with `SESSION_SCHEMA_LOCK=overwrite` to write the file: to create it, to record compatible
//! changes (the check lists them when it passes), to record a type change whose stored JSON still decodes as
//! the new type (a variant added to an enum, a new `Option` field: the shape changed, but nothing stored
//! needs converting), and to accept a loss on purpose. The file then shows the change in review. Where `CI`
//! is set, `overwrite` is refused: the lock is recorded where you develop, and CI only checks it. A file the
//! check cannot read as a lock (a key misspelled or missing, no entry at all, as an edit by hand or a bad
//! merge may leave it) fails naming each line or entry; a whole entry deleted reads as a field the locked
//! release did not have, listed as new. Write it again with
//! `SESSION_SCHEMA_LOCK=overwrite`, and check in the diff that no field's stored form changed: the overwrite
//! records the schema as it is now.
//!
//! The lock compares shapes as traced. The tracer builds each value from samples, and offers a type whose
//! `Deserialize` checks values the next sample when it refuses one: numbers `0` and `1`, and strings from
//! `""` through an IP address, an RFC 3339 date and time, a UUID and a URL to an e-mail address, so
//! `NonZeroU32`, `IpAddr`, `Uuid`, `Url` and `chrono`'s dates and times are traced, as is a type that checks
//! a `String` it is built from (`#[serde(try_from = "String")]`) and accepts one of them. A type that refuses
//! them all, reads any JSON (`serde_json::Value`, an untagged or internally tagged enum), reads keys by name
//! (`#[serde(flatten)]`, an adjacently tagged enum) or lists aliases among its fields' names
//! (`#[serde(alias)]`) shows as `untraced (...)`, and so does every type that holds one; two such types look
//! alike, so where the locked form is untraced the lock compares the types as written instead. (A type the
//! lock traced that no longer traces is a change: what it stored was known, and what it reads is not.)
//! Changing the field to another type fails, as renaming the type or naming it by another path does. A change
//! inside the type's definition that keeps its name passes unseen: the lock cannot see what the stored JSON
//! holds. So change such a type under a new name, and the check stops the change: name the stored type in
//! `migrate_from`, or, if every value stored still decodes as the new type, record the lock again with
//! `SESSION_SCHEMA_LOCK=overwrite`. A type whose check accepts the sample traces like the type it checks:
//! changing to it is listed as compatible, saying that stored values it refuses read as absent.
//!
//! A field with `migrate_from` decodes a stored value as its own type first, and converts only what that
//! refuses: a value its own type also decodes (an integer where the field is now a float) is read as it is.
//! The lock's compatible change says so.
