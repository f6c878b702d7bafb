//! Lints: what the derive refuses to compile, and what the compiler says.
//!
//! Every check below is a hard error, reported on the token at fault, with a `help` line that names the fix.
//! All the errors of one derive are reported together, and no secondary errors follow them: the derive still
//! emits the handle, so code that uses it keeps compiling while you fix the schema.
//!
//! Each example is a case of the project's compile-fail suite (`tests/ui/fail`). The output under it is that
//! case's snapshot, copied verbatim: the compiler's own words, with the file path relative to the `tests`
//! package, the workspace path shown as `$WORKSPACE` and long lists of types cut to `$N others`, as trybuild
//! normalises them. The wording is pinned by the toolchain (Rust 1.95.0); other compiler versions may lay the
//! same errors out differently.
//!
//! The families follow the numbered list in the README: sensitive data ([1](#1-sensitive-fields-in-a-cookie),
//! [2](#2-types-that-cannot-be-cookies), [3](#3-cookie-names-that-look-sensitive)), size
//! ([4](#4-size)), cookie names and attributes ([5](#5-cookie-names-and-attributes)), the attribute language
//! itself ([6](#6-unknown-duplicate-or-conflicting-keys)), generics ([7](#7-generic-cookie-fields)), and
//! what an earlier release stored ([8](#8-schema-changes)); then the structural rules every schema follows
//! ([routing](#every-field-routed-once), [owners and privileges](#owners-and-privileges),
//! [the handle's name](#the-handles-name)) and the run-time
//! check that backs the size bound
//! ([at run time](#at-run-time)).
//!
//! # 1. Sensitive fields in a cookie
//!
//! A field marked `sensitive` holds something the user must not read or keep (roles, a credential), so it can
//! only live in the server store. Marking a cookie field `sensitive`:
//!
//! `tests/ui/fail/cookie_marked_sensitive.rs`:
//!
//! ```compile_fail
//! use session_core::SessionSchema;
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[cookie(sensitive)]
//!     user_id: u64,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error: field `user_id` is marked `sensitive`, so it cannot be stored in a cookie
//!
//!        help: route it to the server with `#[session(sensitive)]`
//!  --> ui/fail/cookie_marked_sensitive.rs:4:14
//!   |
//! 4 |     #[cookie(sensitive)]
//!   |              ^^^^^^^^^
//! ```
//!
//! Routing a `#[session(sensitive)]` field to a cookie as well:
//!
//! `tests/ui/fail/sensitive_session_field_in_cookie.rs`:
//!
//! ```compile_fail
//! use session_core::SessionSchema;
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[session(sensitive)]
//!     #[cookie(max_len = 8)]
//!     roles: Vec<u8>,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error: field `roles` is marked `sensitive` and can never be routed to a cookie
//!
//!        help: remove `#[cookie(...)]` so the field stays in the server-side store
//!  --> ui/fail/sensitive_session_field_in_cookie.rs:5:7
//!   |
//! 5 |     #[cookie(max_len = 8)]
//!   |       ^^^^^^
//! ```
//!
//! # 2. Types that cannot be cookies
//!
//! A cookie field's type must implement [`CookieValue`](crate::CookieValue): a type with a cookie-safe
//! encoding and a known worst-case length. [`Secret`](crate::Secret) deliberately does not implement it. When
//! the derive sees `Secret` in the field's type it says so directly:
//!
//! `tests/ui/fail/secret_in_cookie.rs`:
//!
//! ```compile_fail
//! use session_core::SessionSchema;
//! use session_core::Secret;
//!
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[cookie(max_len = 32)]
//!     note: Secret<String>,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error: field `note` holds a `Secret`, which can never be stored in a cookie
//!
//!        help: route it to the server with `#[session(sensitive)]`
//!  --> ui/fail/secret_in_cookie.rs:7:11
//!   |
//! 7 |     note: Secret<String>,
//!   |           ^^^^^^^^^^^^^^
//! ```
//!
//! Behind a type alias the derive cannot see the `Secret`, so the trait bound refuses it, with the message
//! `CookieValue` declares through `#[diagnostic::on_unimplemented]`:
//!
//! `tests/ui/fail/secret_alias_in_cookie.rs`:
//!
//! ```compile_fail,E0277
//! use session_core::{Secret, SessionSchema};
//!
//! // Behind an alias the derive cannot see the `Secret`; the `CookieValue` bound still refuses it.
//! type Note = Secret<u64>;
//!
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[cookie]
//!     note: Note,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error[E0277]: `Secret<u64>` cannot be stored in a cookie
//!  --> ui/fail/secret_alias_in_cookie.rs:9:11
//!   |
//! 9 |     note: Note,
//!   |           ^^^^ this type does not implement `CookieValue`
//!   |
//!   = help: the trait `CookieValue` is not implemented for `Secret<u64>`
//!   = note: secrets (`Secret<T>`) and unbounded or non-cookie-safe types never implement `CookieValue`
//!   = note: help: route the field to the server with `#[session]` (or `#[session(sensitive)]`), or `#[derive(CookieValue)]` on your own bounded type
//!   = help: the following other types implement trait `CookieValue`:
//!             (A, B)
//!             (A, B, C)
//!             (A, B, C, D)
//!             (A, B, C, D, E)
//!             (A, B, C, D, E, F)
//!             (A, B, C, D, E, F, G)
//!             (A, B, C, D, E, F, G, H)
//!             (A,)
//!           and $N others
//! note: required by a bound in `session_core::__private::CookieField::Value`
//!  --> $WORKSPACE/session-core/src/private.rs
//!   |
//!   |     type Value: CookieValue;
//!   |                 ^^^^^^^^^^^ required by this bound in `CookieField::Value`
//! ```
//!
//! The same bound refuses any other type without a cookie encoding, such as a struct of your own. Route it
//! to the store, or derive `CookieValue` for it if it is small and bounded:
//!
//! `tests/ui/fail/non_cookie_value_type_in_cookie.rs`:
//!
//! ```compile_fail,E0277
//! use session_core::SessionSchema;
//! struct Cart {
//!     items: u32,
//! }
//!
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[cookie]
//!     cart: Cart,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error[E0277]: `Cart` cannot be stored in a cookie
//!  --> ui/fail/non_cookie_value_type_in_cookie.rs:9:11
//!   |
//! 9 |     cart: Cart,
//!   |           ^^^^ this type does not implement `CookieValue`
//!   |
//! help: the trait `CookieValue` is not implemented for `Cart`
//!  --> ui/fail/non_cookie_value_type_in_cookie.rs:2:1
//!   |
//! 2 | struct Cart {
//!   | ^^^^^^^^^^^
//!   = note: secrets (`Secret<T>`) and unbounded or non-cookie-safe types never implement `CookieValue`
//!   = note: help: route the field to the server with `#[session]` (or `#[session(sensitive)]`), or `#[derive(CookieValue)]` on your own bounded type
//!   = help: the following other types implement trait `CookieValue`:
//!             (A, B)
//!             (A, B, C)
//!             (A, B, C, D)
//!             (A, B, C, D, E)
//!             (A, B, C, D, E, F)
//!             (A, B, C, D, E, F, G)
//!             (A, B, C, D, E, F, G, H)
//!             (A,)
//!           and $N others
//! note: required by a bound in `session_core::__private::CookieField::Value`
//!  --> $WORKSPACE/session-core/src/private.rs
//!   |
//!   |     type Value: CookieValue;
//!   |                 ^^^^^^^^^^^ required by this bound in `CookieField::Value`
//! ```
//!
//! # 3. Cookie names that look sensitive
//!
//! A cookie name is split into words at `_`, `-`, `.`, camelCase boundaries and where an acronym meets the next
//! word (`OTPCode` is `otp` and `code`; `UserIDs` is `user` and `ids`), and refused if one word is `password`,
//! `passwd`, `passphrase`, `pwd`, `secret`, `token`, `jwt`, `otp`, `totp`, `hotp`, `credential(s)`, `ssn`, `cvv`,
//! `cvc`, `pin`, `pincode`, `passcode` or `sid`, or starts with `auth` (but is not `author`), or if two adjacent
//! words make `api_key`, `access_key`, `secret_key`, `signing_key`, `session_key`, `pass_word`, `credit_card`,
//! `card_number`, `cc_number`, `private_key`, `session_id`, `sess_id`, `mfa_code`, `social_security` or
//! `card_security` (so `apiKey`, `api-key` and `apikey` match too). A word also matches as a plural (`tokens`), numbered
//! (`password2`), or run together with others when it ends them: `accesstoken`, `newpassword`, `clientsecret`,
//! `stripeapikey`, `creditcardnumber`, `cardcvv`, and other frameworks' session cookies, `JSESSIONID` and
//! `PHPSESSID` (words ending in `token`, `password`, `passwd`, `passcode`, `secret`, `credential`, `sessionid`,
//! `sessid`, `apikey`, `accesskey`, `secretkey`, `privatekey`, `creditcard`, `cardnumber`, `signingkey`,
//! `sessionkey`, `mfacode`, `ccnumber`, `socialsecurity`, `securitynumber`, `ssn`, `cvv` or `cvc`). The names
//! checked are the cookie's (the field name, or the one given with `name = "..."`), the field's, and those of the
//! types in the field's type: the last segment of each path, through generic arguments, tuples and arrays
//! (`Option<AuthToken>` is checked as `Option` and `AuthToken`; the module in `auth::Theme` is not). Each
//! one that matches is reported, so that an `allow_sensitive` answers them all. In type names, `pin`, `sid`,
//! `group`, `scope` and `staff` do not count: they are too common there (`std::pin::Pin`, a `MapPin`, a
//! `TabGroup`). A type that derives `CookieValue` carries its own name to the check
//! ([`CookieValue::NOT_FOR_COOKIES`](crate::CookieValue::NOT_FOR_COOKIES)), so it is refused under another
//! name too, a type alias or `use auth::AuthToken as Remember`, in an error the compiler reports as a failed
//! `const` evaluation (the compile-fail case `sensitive_type_under_another_name`). Signing or encrypting the
//! cookie does not help: the value still leaves the server.
//!
//! `tests/ui/fail/sensitive_name_password.rs`:
//!
//! ```compile_fail
//! use session_core::SessionSchema;
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[cookie(max_len = 64)]
//!     password: String,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error: cookie `password` looks like it holds sensitive data (`password`)
//!
//!        help: keep it on the server with `#[session(sensitive)]`; if it is truly harmless, say why with `#[cookie(allow_sensitive = "...")]`
//!  --> ui/fail/sensitive_name_password.rs:5:5
//!   |
//! 5 |     password: String,
//!   |     ^^^^^^^^
//! ```
//!
//! `tests/ui/fail/sensitive_name_api_key.rs`:
//!
//! ```compile_fail
//! use session_core::SessionSchema;
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[cookie(name = "apiKey", max_len = 64)]
//!     key: String,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error: cookie `apiKey` looks like it holds sensitive data (`api_key`)
//!
//!        help: keep it on the server with `#[session(sensitive)]`; if it is truly harmless, say why with `#[cookie(allow_sensitive = "...")]`
//!  --> ui/fail/sensitive_name_api_key.rs:4:21
//!   |
//! 4 |     #[cookie(name = "apiKey", max_len = 64)]
//!   |                     ^^^^^^^^
//! ```
//!
//! `tests/ui/fail/cookie_type_named_like_a_token.rs`:
//!
//! ```compile_fail
//! use session_core::{CookieValue, SessionSchema};
//!
//! #[derive(Clone, CookieValue)]
//! struct AuthToken([u8; 16]);
//!
//! // The field's name says nothing; the name of its type does.
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[cookie(max_age = "30d")]
//!     remember: Option<AuthToken>,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error: cookie `remember` holds `AuthToken`, which looks like sensitive data (`auth`)
//!
//!        help: keep it on the server with `#[session(sensitive)]`; if it is truly harmless, say why with `#[cookie(allow_sensitive = "...")]`
//!   --> ui/fail/cookie_type_named_like_a_token.rs:10:22
//!    |
//! 10 |     remember: Option<AuthToken>,
//!    |                      ^^^^^^^^^
//! ```
//!
//! When the name is a false alarm, say why with `allow_sensitive`; the reason is kept in the schema's
//! metadata and shown by [`report`](crate::report()), where a reviewer sees it:
//!
//! ```
//! use session_core::SessionSchema;
//!
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[cookie(allow_sensitive = "the layout of the PIN pad, not a PIN")]
//!     pin_pad: u8,
//! }
//!
//! assert!(session_core::report::<Visitor>().contains("sensitive name allowed: the layout of the PIN pad, not a PIN"));
//! ```
//!
//! The reason must say something (see [6](#6-unknown-duplicate-or-conflicting-keys)).
//!
//! ## Inside a cookie value
//!
//! A struct that derives [`CookieValue`](crate::CookieValue) exists to be put in a cookie, and the schema
//! that stores it sees only the type's name. So the derive itself checks the names of the struct's fields,
//! and of the types in them, with the same words, and refuses the field:
//!
//! `tests/ui/fail/sensitive_field_inside_cookie_value.rs`:
//!
//! ```compile_fail
//! use session_core::{CookieValue, SessionSchema};
//!
//! #[derive(CookieValue)]
//! struct Creds {
//!     user: u64,
//!     password: u64,
//! }
//!
//! // The schema that stores `Creds` reports nothing more.
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[cookie(private)]
//!     creds: Creds,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error: field `password` of `Creds` looks like it holds sensitive data (`password`), and a `CookieValue` goes in a cookie
//!
//!        help: move `password` out of `Creds`, into a `#[session(sensitive)]` field of the schema; if it is truly harmless, say why with `#[cookie_value(allow_sensitive = "...")]` on `password`
//!  --> ui/fail/sensitive_field_inside_cookie_value.rs:6:5
//!   |
//! 6 |     password: u64,
//!   |     ^^^^^^^^
//! ```
//!
//! The schema that routes `Creds` to a cookie reports nothing more: after the error, the derive still
//! implements `CookieValue`, so the only message is the one to act on. Enum variants are not checked: a
//! variant names one of a few public values (`LoginMethod::Password` is not a password). A field that is
//! harmless says why, in the derive's own attribute:
//!
//! ```
//! use session_core::CookieValue;
//!
//! #[derive(CookieValue)]
//! struct Keypad {
//!     #[cookie_value(allow_sensitive = "the layout of the PIN pad, not a PIN")]
//!     pin_layout: u8,
//!     size: u8,
//! }
//! ```
//!
//! ## Authorization and identity in a plain cookie
//!
//! A `plain` cookie is sent back as the user wrote it. A plain cookie whose name says it decides who the
//! visitor is or what they may do lets the user raise their own privileges, or become someone else. The
//! name (the cookie's, then the field's) is refused in a `plain` cookie if one word is
//! `administrator(s)`, `superuser(s)`, `sudo`, `staff`, `moderator(s)`, `role(s)`, `permission(s)`,
//! `perm(s)`, `privilege(s)`, `scope(s)`, `group(s)`, `acl(s)`, `entitlement(s)` or `uid`, or ends in
//! `admin` or in `userid`, `accountid`, `tenantid`, `orgid`, `teamid`, `memberid`, `customerid`, `ownerid`
//! or `groupid` (`admins`, `isadmin`, `superadmin`, `userid`, `steamid`), or if two adjacent words make
//! `user_id`, `account_id`,
//! `tenant_id`, `org_id`, `organization_id`, `team_id`, `member_id`, `customer_id`, `owner_id`,
//! `super_user`, `user_type`, `user_level`, `account_type` or `access_level` (so `userId` and `user-id`
//! match too). Whole words only: `telescope`, `console`, `fluid` and `grouped_view` pass, and so does
//! `group_by`, which groups rows rather than naming a group.
//! The names of the types in the field's type are checked the same way (but for `group`, `scope` and
//! `staff`, too common in type names), so a plain `UserId` or `Role` is refused whatever the field is
//! called; `Uuid`, `Theme` or `String` are not such names.
//!
//! `tests/ui/fail/plain_cookie_named_like_a_role.rs`:
//!
//! ```compile_fail
//! use session_core::SessionSchema;
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[cookie(plain, max_len = 32)]
//!     role: String,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error: plain cookie `role` looks like it holds authorization or identity data (`role`), which the user can change
//!
//!        help: keep it on the server with `#[session]` (`#[session(privilege)]` for roles and who is signed in): a cookie, even a `signed` one, can be sent again after the server takes the right away; where a tamper-evident copy is enough, remove `plain` (`signed` is the default); if changing it grants nothing, say why with `#[cookie(allow_sensitive = "...")]`
//!  --> ui/fail/plain_cookie_named_like_a_role.rs:5:5
//!   |
//! 5 |     role: String,
//!   |     ^^^^
//! ```
//!
//! `tests/ui/fail/plain_cookie_is_admin.rs`:
//!
//! ```compile_fail
//! use session_core::SessionSchema;
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[cookie(plain)]
//!     is_admin: bool,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error: plain cookie `is_admin` looks like it holds authorization or identity data (`admin`), which the user can change
//!
//!        help: keep it on the server with `#[session]` (`#[session(privilege)]` for roles and who is signed in): a cookie, even a `signed` one, can be sent again after the server takes the right away; where a tamper-evident copy is enough, remove `plain` (`signed` is the default); if changing it grants nothing, say why with `#[cookie(allow_sensitive = "...")]`
//!  --> ui/fail/plain_cookie_is_admin.rs:5:5
//!   |
//! 5 |     is_admin: bool,
//!   |     ^^^^^^^^
//! ```
//!
//! `tests/ui/fail/plain_cookie_named_like_a_user_id.rs`:
//!
//! ```compile_fail
//! use session_core::SessionSchema;
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[cookie(plain, name = "userId")]
//!     visitor: u64,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error: plain cookie `userId` looks like it holds authorization or identity data (`user_id`), which the user can change
//!
//!        help: keep it on the server with `#[session]` (`#[session(privilege)]` for roles and who is signed in): a cookie, even a `signed` one, can be sent again after the server takes the right away; where a tamper-evident copy is enough, remove `plain` (`signed` is the default); if changing it grants nothing, say why with `#[cookie(allow_sensitive = "...")]`
//!  --> ui/fail/plain_cookie_named_like_a_user_id.rs:4:28
//!   |
//! 4 |     #[cookie(plain, name = "userId")]
//!   |                            ^^^^^^^^
//! ```
//!
//! `tests/ui/fail/plain_cookie_type_like_a_user_id.rs`:
//!
//! ```compile_fail
//! use session_core::{CookieValue, SessionSchema};
//!
//! #[derive(Clone, CookieValue)]
//! struct UserId(u64);
//!
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[cookie(plain)]
//!     who: UserId,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error: plain cookie `who` holds `UserId`, which looks like authorization or identity data (`user_id`) that the user can change
//!
//!        help: keep it on the server with `#[session]` (`#[session(privilege)]` for roles and who is signed in): a cookie, even a `signed` one, can be sent again after the server takes the right away; where a tamper-evident copy is enough, remove `plain` (`signed` is the default); if changing it grants nothing, say why with `#[cookie(allow_sensitive = "...")]`
//!  --> ui/fail/plain_cookie_type_like_a_user_id.rs:9:10
//!   |
//! 9 |     who: UserId,
//!   |          ^^^^^^
//! ```
//!
//! The same holds for the fields of a `#[derive(CookieValue)]` struct in a plain cookie, by their names and
//! the names of their types (`level: Role`), looked for through `Option`, `Vec`, arrays, tuples and nested
//! structs:
//!
//! `tests/ui/fail/plain_cookie_with_admin_inside.rs`:
//!
//! ```compile_fail
//! use session_core::{CookieValue, SessionSchema};
//!
//! #[derive(Clone, CookieValue)]
//! struct Prefs {
//!     theme: u8,
//!     is_admin: bool,
//! }
//!
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[cookie(plain)]
//!     prefs: Option<Prefs>,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error[E0080]: evaluation panicked: a `plain` cookie would let the user change `is_admin` of `Prefs`, which looks like authorization or identity data (`admin`)
//!
//!               help: keep the field on the server with `#[session]`: a cookie, even a `signed` one, can be sent again after the server takes the right away; where a tamper-evident copy is enough, remove `plain` (`signed` is the default); if changing `is_admin` grants nothing, say why with `#[cookie_value(allow_sensitive = "...")]` on it
//!   --> ui/fail/plain_cookie_with_admin_inside.rs:12:12
//!    |
//! 12 |     prefs: Option<Prefs>,
//!    |            ^^^^^^ evaluation of `_::_` failed here
//! ```
//!
//! A `signed` cookie (the default) or a `private` one with these names compiles: the user can no longer
//! change the value without the cookie failing to verify. But a signed value is bound only to its name and
//! the key, not to the session or a time: a visitor who kept a copy can send it again after the server took
//! the right away. So the help puts the session store first, where `#[session(privilege)]` also gives the
//! session a new id whenever the value changes, and a signed cookie only where a tamper-evident copy is
//! enough (a hint for the page, checked against the session before it grants anything). When a plain one
//! is harmless (a UI setting that grants nothing), `allow_sensitive = "reason"` says so, as for the names
//! above; the reason shows in [`report`](crate::report()).
//!
//! # 4. Size
//!
//! Browsers drop a cookie whose name and value exceed 4096 bytes, silently. The derive proves at compile
//! time that every cookie fits, from the worst-case length of its type ([`CookieValue::BOUND`]), its
//! `max_len`, the escaping, the protection mode's overhead and its name.
//!
//! [`CookieValue::BOUND`]: crate::CookieValue::BOUND
//!
//! A type that can grow (`String`, `Vec<T>`) needs `max_len`: the most bytes of a string, or elements of a
//! sequence.
//!
//! `tests/ui/fail/string_without_max_len.rs`:
//!
//! ```compile_fail
//! use session_core::SessionSchema;
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[cookie]
//!     locale: String,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error: cookie field `locale` has no length bound, so it could outgrow the 4096 bytes a browser keeps
//!
//!        help: add `max_len = N` (the most bytes it may hold) to `#[cookie(...)]`, or keep it on the server with `#[session]`
//!  --> ui/fail/string_without_max_len.rs:5:13
//!   |
//! 5 |     locale: String,
//!   |             ^^^^^^
//! ```
//!
//! A `max_len` that fits in a plain cookie can still overflow once the value is escaped and signed, or
//! encrypted (which adds a nonce and a tag, then base64 grows it by a third; a private cookie seals the
//! value's plain bytes, so a `String` counts its `max_len` once, not three times as escaped text). These checks are `const`
//! assertions evaluated by the compiler, so they are reported as `E0080`:
//!
//! `tests/ui/fail/max_len_too_large_for_signed.rs`:
//!
//! ```compile_fail,E0080
//! use session_core::SessionSchema;
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[cookie(max_len = 2000)]
//!     locale: String,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error[E0080]: evaluation panicked: cookie `locale` (field `locale`) can be larger than the 4096 bytes a browser keeps, once escaped and signed
//!
//!               help: lower `max_len`, or keep the field on the server with `#[session]`
//!  --> ui/fail/max_len_too_large_for_signed.rs:4:24
//!   |
//! 4 |     #[cookie(max_len = 2000)]
//!   |                        ^^^^ evaluation of `_::_` failed here
//! ```
//!
//! `tests/ui/fail/private_pushes_over_4096.rs`:
//!
//! ```compile_fail,E0080
//! use session_core::SessionSchema;
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[cookie(private, max_len = 3100)]
//!     draft: String,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error[E0080]: evaluation panicked: cookie `draft` (field `draft`) can be larger than the 4096 bytes a browser keeps, once encrypted
//!
//!               help: lower `max_len`, or keep the field on the server with `#[session]`
//!  --> ui/fail/private_pushes_over_4096.rs:4:33
//!   |
//! 4 |     #[cookie(private, max_len = 3100)]
//!   |                                 ^^^^ evaluation of `_::_` failed here
//! ```
//!
//! Some types cannot be bounded by one number: a growing value inside a tuple, array, struct or `Vec`.
//!
//! `tests/ui/fail/max_len_cannot_bound.rs`:
//!
//! ```compile_fail,E0080
//! use session_core::SessionSchema;
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[cookie(max_len = 8)]
//!     recent: Vec<String>,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error[E0080]: evaluation panicked: cookie `recent` (field `recent`) has a type that no `max_len` can bound: a growing value such as a `String` sits inside a tuple, array, struct or `Vec`
//!
//!               help: give the inner values fixed sizes (numbers, `[u8; N]`, `#[derive(CookieValue)]` enums), or keep the field on the server with `#[session]`
//!  --> ui/fail/max_len_cannot_bound.rs:5:13
//!   |
//! 5 |     recent: Vec<String>,
//!   |             ^^^ evaluation of `_::_` failed here
//! ```
//!
//! Without `max_len`, such a `Vec` is refused for the same reason before the size is computed:
//!
//! `tests/ui/fail/vec_of_strings_without_max_len.rs`:
//!
//! ```compile_fail
//! use session_core::SessionSchema;
//!
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[cookie]
//!     recent: Vec<String>,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error: cookie field `recent` holds growing values (`String`) that no `max_len` can bound, so it could outgrow the 4096 bytes a browser keeps
//!
//!        help: give the elements a fixed size (numbers, `[u8; N]`, `#[derive(CookieValue)]` enums), or keep the field on the server with `#[session]`
//!  --> ui/fail/vec_of_strings_without_max_len.rs:6:13
//!   |
//! 6 |     recent: Vec<String>,
//!   |             ^^^^^^^^^^^
//! ```
//!
//! And a `max_len` that could not bound anything, on a type of fixed length, is refused rather than ignored:
//!
//! `tests/ui/fail/max_len_on_a_fixed_length_type.rs`:
//!
//! ```compile_fail
//! use session_core::SessionSchema;
//!
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[cookie(max_len = 16)]
//!     visits: u32,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error[E0080]: evaluation panicked: cookie `visits` (field `visits`) has `max_len`, but its type has a fixed length, which `max_len` does not change
//!
//!               help: remove `max_len`
//!  --> ui/fail/max_len_on_a_fixed_length_type.rs:5:24
//!   |
//! 5 |     #[cookie(max_len = 16)]
//!   |                        ^^ evaluation of `_::_` failed here
//! ```
//!
//! Every cookie a schema declares travels in one `Cookie` header, which servers and proxies limit (8190 bytes
//! for common ones). The sum of the worst cases of all cookie fields, plus the id cookie, must fit
//! `cookie_budget` (default 8190):
//!
//! `tests/ui/fail/cookie_budget_exceeded.rs`:
//!
//! ```compile_fail,E0080
//! use session_core::SessionSchema;
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[cookie(max_len = 1300)]
//!     a: String,
//!     #[cookie(max_len = 1300)]
//!     b: String,
//!     #[cookie(max_len = 1300)]
//!     c: String,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error[E0080]: evaluation panicked: the cookies of `Visitor` together can exceed `cookie_budget` = 8190 bytes of Cookie header
//!
//!               help: lower the `max_len` of the largest cookies, keep some fields on the server with `#[session]`, or raise `#[schema(cookie_budget = N)]` if every server and proxy in front of the app accepts larger headers
//!  --> ui/fail/cookie_budget_exceeded.rs:3:8
//!   |
//! 3 | struct Visitor {
//!   |        ^^^^^^^ evaluation of `_::_` failed here
//! ```
//!
//! The budget is one schema's. An app whose handlers use the handles of several schemas under one layer
//! sends the browser all their cookies, and their sum is not checked: give each schema its share with
//! `cookie_budget`, or keep the cookies in one schema, where their names are checked against each other too.
//!
//! # 5. Cookie names and attributes
//!
//! A cookie name must be an RFC 6265 token:
//!
//! `tests/ui/fail/invalid_cookie_name.rs`:
//!
//! ```compile_fail
//! use session_core::SessionSchema;
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[cookie(name = "my theme")]
//!     theme: u8,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error: `my theme` is not a valid cookie name
//!
//!        help: a cookie name is a non-empty RFC 6265 token: visible ASCII without spaces or any of ()<>@,;:\"/[]?={}
//!  --> ui/fail/invalid_cookie_name.rs:4:21
//!   |
//! 4 |     #[cookie(name = "my theme")]
//!   |                     ^^^^^^^^^^
//! ```
//!
//! So must the field's name, when it names the cookie:
//!
//! `tests/ui/fail/non_ascii_field_cookie_name.rs`:
//!
//! ```compile_fail
//! use session_core::SessionSchema;
//!
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[cookie]
//!     thème: u8,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error: field `thème` would name its cookie `thème`, which is not a valid cookie name
//!
//!        help: give the cookie an ASCII name with `#[cookie(name = "...")]`
//!  --> ui/fail/non_ascii_field_cookie_name.rs:6:5
//!   |
//! 6 |     thème: u8,
//!   |     ^^^^^
//! ```
//!
//! And a derived enum's variants, which are stored by name:
//!
//! `tests/ui/fail/cookie_value_non_ascii_variant.rs`:
//!
//! ```compile_fail
//! use session_core::CookieValue;
//!
//! #[derive(Clone, CookieValue)]
//! enum Season {
//!     Spring,
//!     Été,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error: variant `Été` would be stored as `été`, which a cookie cannot hold as it is
//!
//!        help: give it an ASCII name in the cookie with `#[cookie_value(rename = "...")]`
//!  --> ui/fail/cookie_value_non_ascii_variant.rs:6:5
//!   |
//! 6 |     Été,
//!   |     ^^^
//! ```
//!
//! The `__Host-` and `__Secure-` prefixes promise the browser a cookie that is `Secure` (and for `__Host-`,
//! bound to the exact host with the path `/`), and the newer `__Http-` and `__Host-Http-` one that is
//! `HttpOnly` as well (`__Http-` with `__Secure-`'s rules, `__Host-Http-` with `__Host-`'s); browsers
//! refuse prefixed cookies that break the promise.
//!
//! `tests/ui/fail/host_prefix_without_secure.rs`:
//!
//! ```compile_fail
//! use session_core::SessionSchema;
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[cookie(name = "__Host-theme", secure = false)]
//!     theme: u8,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error: cookie `__Host-theme` has the `__Host-` prefix but is not `secure`
//!
//!        help: remove `secure = false`: browsers refuse `__Host-` cookies without Secure
//!  --> ui/fail/host_prefix_without_secure.rs:4:46
//!   |
//! 4 |     #[cookie(name = "__Host-theme", secure = false)]
//!   |                                              ^^^^^
//! ```
//!
//! `tests/ui/fail/host_prefix_with_domain.rs`:
//!
//! ```compile_fail
//! use session_core::SessionSchema;
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[cookie(name = "__Host-theme", domain = "example.com")]
//!     theme: u8,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error: cookie `__Host-theme` has the `__Host-` prefix and a `domain`
//!
//!        help: remove `domain`: `__Host-` cookies are bound to the exact host
//!  --> ui/fail/host_prefix_with_domain.rs:4:46
//!   |
//! 4 |     #[cookie(name = "__Host-theme", domain = "example.com")]
//!   |                                              ^^^^^^^^^^^^^
//! ```
//!
//! `tests/ui/fail/http_prefix_without_http_only.rs`:
//!
//! ```compile_fail
//! use session_core::SessionSchema;
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[cookie(name = "__Http-theme", http_only = false)]
//!     theme: u8,
//!     #[cookie(name = "__Host-Http-mode", http_only = false)]
//!     mode: u8,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error: cookie `__Http-theme` has the `__Http-` prefix but is not `http_only`
//!
//!        help: remove `http_only = false`, or the `__Http-` prefix from a cookie that page scripts read: browsers refuse `__Http-` cookies without HttpOnly
//!  --> ui/fail/http_prefix_without_http_only.rs:4:49
//!   |
//! 4 |     #[cookie(name = "__Http-theme", http_only = false)]
//!   |                                                 ^^^^^
//!
//! error: cookie `__Host-Http-mode` has the `__Host-Http-` prefix but is not `http_only`
//!
//!        help: remove `http_only = false`, or the `__Host-Http-` prefix from a cookie that page scripts read: browsers refuse `__Host-Http-` cookies without HttpOnly
//!  --> ui/fail/http_prefix_without_http_only.rs:6:53
//!   |
//! 6 |     #[cookie(name = "__Host-Http-mode", http_only = false)]
//!   |                                                     ^^^^^
//! ```
//!
//! `SameSite=None` cookies are refused by browsers unless they are `Secure`:
//!
//! `tests/ui/fail/same_site_none_without_secure.rs`:
//!
//! ```compile_fail
//! use session_core::SessionSchema;
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[cookie(same_site = "none", secure = false)]
//!     theme: u8,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error: cookie `theme` has `same_site = "none"` but is not `secure`
//!
//!        help: remove `secure = false`: browsers refuse SameSite=None cookies without Secure
//!  --> ui/fail/same_site_none_without_secure.rs:4:26
//!   |
//! 4 |     #[cookie(same_site = "none", secure = false)]
//!   |                          ^^^^^^
//! ```
//!
//! Browsers do not keep a partitioned cookie (CHIPS) that is not `Secure` either:
//!
//! `tests/ui/fail/partitioned_without_secure.rs`:
//!
//! ```compile_fail
//! use session_core::SessionSchema;
//!
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[cookie(partitioned, secure = false)]
//!     embed_theme: u8,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error: cookie `embed_theme` is `partitioned` but not `secure`
//!
//!        help: remove `secure = false`: browsers refuse partitioned cookies without Secure
//!  --> ui/fail/partitioned_without_secure.rs:5:14
//!   |
//! 5 |     #[cookie(partitioned, secure = false)]
//!   |              ^^^^^^^^^^^
//! ```
//!
//! Two fields cannot share a cookie:
//!
//! `tests/ui/fail/duplicate_cookie_name.rs`:
//!
//! ```compile_fail
//! use session_core::SessionSchema;
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[cookie(name = "prefs")]
//!     theme: u8,
//!     #[cookie(name = "prefs")]
//!     font_size: u8,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error: two fields use the cookie name `prefs`
//!
//!        help: give one of them another name with `#[cookie(name = "...")]`
//!  --> ui/fail/duplicate_cookie_name.rs:6:21
//!   |
//! 6 |     #[cookie(name = "prefs")]
//!   |                     ^^^^^^^
//! ```
//!
//! Nor can a field's cookie take the session id cookie's name: the names the layer gives that cookie by
//! default (`__Host-id`, `__Secure-id`, `id`) are refused here, and one chosen with
//! `SessionLayer::with_cookie_name` is refused by the field's setter at run time:
//!
//! `tests/ui/fail/cookie_named_like_the_id_cookie.rs`:
//!
//! ```compile_fail
//! use session_core::SessionSchema;
//!
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[cookie(name = "__Host-id")]
//!     visits: u32,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error: cookie `__Host-id` has a name the session id cookie takes by default, so setting it would replace the visitor's session id
//!
//!        help: give the field's cookie another name with `#[cookie(name = "...")]`
//!  --> ui/fail/cookie_named_like_the_id_cookie.rs:5:21
//!   |
//! 5 |     #[cookie(name = "__Host-id")]
//!   |                     ^^^^^^^^^^^
//! ```
//!
//! Browsers cap `Max-Age` at 400 days:
//!
//! `tests/ui/fail/max_age_over_400_days.rs`:
//!
//! ```compile_fail
//! use session_core::SessionSchema;
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[cookie(max_age = "401d")]
//!     theme: u8,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error: `max_age = "401d"` is longer than the 400 days browsers keep a cookie
//!
//!        help: use at most `max_age = "400d"`
//!  --> ui/fail/max_age_over_400_days.rs:4:24
//!   |
//! 4 |     #[cookie(max_age = "401d")]
//!   |                        ^^^^^^
//! ```
//!
//! `tests/ui/fail/max_age_unparsable.rs`:
//!
//! ```compile_fail
//! use session_core::SessionSchema;
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[cookie(max_age = "1 week")]
//!     theme: u8,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error: cannot read `max_age = "1 week"`
//!
//!        help: write a whole number and a unit: "400d", "12h", "30m" or "45s"
//!  --> ui/fail/max_age_unparsable.rs:4:24
//!   |
//! 4 |     #[cookie(max_age = "1 week")]
//!   |                        ^^^^^^^^
//! ```
//!
//! Attribute values (`path`, `domain`) over 1024 bytes, which browsers ignore, are refused too.
//!
//! # 6. Unknown, duplicate or conflicting keys
//!
//! An unknown key lists the valid ones, and suggests the closest:
//!
//! `tests/ui/fail/unknown_cookie_key.rs`:
//!
//! ```compile_fail
//! use session_core::SessionSchema;
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[cookie(signed, httponly = false)]
//!     theme: u8,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error: unknown key `httponly` in `#[cookie]`
//!
//!        help: did you mean `http_only`? The valid keys are: plain, signed, private, name, max_len, max_age, http_only, secure, same_site, path, domain, partitioned, allow_sensitive, rename_from
//!  --> ui/fail/unknown_cookie_key.rs:4:22
//!   |
//! 4 |     #[cookie(signed, httponly = false)]
//!   |                      ^^^^^^^^
//! ```
//!
//! A key spelled out further than the one it means (`max_length`, `maxlength`) suggests that one. The
//! attribute's checks that would fire on a key the mistake left missing (here `max_len`; likewise
//! `allow_sensitive` and `name`) are left out, as after a syntax error, so the mistake is reported once:
//!
//! `tests/ui/fail/cookie_key_spelled_out.rs`:
//!
//! ```compile_fail
//! use session_core::SessionSchema;
//!
//! // The misspelt key is the one mistake: the field is not also reported as lacking `max_len`.
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[cookie(max_length = 16)]
//!     locale: String,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error: unknown key `max_length` in `#[cookie]`
//!
//!        help: did you mean `max_len`? The valid keys are: plain, signed, private, name, max_len, max_age, http_only, secure, same_site, path, domain, partitioned, allow_sensitive, rename_from
//!  --> ui/fail/cookie_key_spelled_out.rs:6:14
//!   |
//! 6 |     #[cookie(max_length = 16)]
//!   |              ^^^^^^^^^^
//! ```
//!
//! A key of the other attribute says where it belongs:
//!
//! `tests/ui/fail/flash_cookie_key.rs`:
//!
//! ```compile_fail
//! use session_core::SessionSchema;
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[cookie(flash)]
//!     notice: u8,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error: unknown key `flash` in `#[cookie]`
//!
//!        help: `flash` is a key of `#[session]`: write `#[session(flash)]` instead, or use one of: plain, signed, private, name, max_len, max_age, http_only, secure, same_site, path, domain, partitioned, allow_sensitive, rename_from
//!  --> ui/fail/flash_cookie_key.rs:4:14
//!   |
//! 4 |     #[cookie(flash)]
//!   |              ^^^^^
//! ```
//!
//! `tests/ui/fail/duplicate_key.rs`:
//!
//! ```compile_fail
//! use session_core::SessionSchema;
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[cookie(max_age = "1d", max_age = "2d")]
//!     theme: u8,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error: duplicate key `max_age` in `#[cookie]`
//!
//!        help: give each key once
//!  --> ui/fail/duplicate_key.rs:4:30
//!   |
//! 4 |     #[cookie(max_age = "1d", max_age = "2d")]
//!   |                              ^^^^^^^
//! ```
//!
//! `tests/ui/fail/plain_with_private.rs`:
//!
//! ```compile_fail
//! use session_core::SessionSchema;
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[cookie(plain, private)]
//!     theme: u8,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error: `plain` and `private` cannot both protect one cookie
//!
//!        help: choose one: `plain` (readable and changeable), `signed` (readable, tamper-evident) or `private` (encrypted)
//!  --> ui/fail/plain_with_private.rs:4:21
//!   |
//! 4 |     #[cookie(plain, private)]
//!   |                     ^^^^^^^
//! ```
//!
//! `tests/ui/fail/allow_sensitive_without_reason.rs`:
//!
//! ```compile_fail
//! use session_core::SessionSchema;
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[cookie(allow_sensitive = "  ")]
//!     pin_pad_layout: u8,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error: `allow_sensitive` needs a reason
//!
//!        help: say why this value is safe in a cookie, such as `allow_sensitive = "a public PIN-pad layout, not a PIN"`
//!  --> ui/fail/allow_sensitive_without_reason.rs:4:32
//!   |
//! 4 |     #[cookie(allow_sensitive = "  ")]
//!   |                                ^^^^
//! ```
//!
//! The same holds for `allow_sensitive` on a field of a derived `CookieValue`:
//!
//! `tests/ui/fail/cookie_value_allow_sensitive_without_reason.rs`:
//!
//! ```compile_fail
//! use session_core::CookieValue;
//!
//! #[derive(CookieValue)]
//! struct Keypad {
//!     #[cookie_value(allow_sensitive = "")]
//!     pin_layout: u8,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error: `allow_sensitive` needs a reason
//!
//!        help: say why this value is safe in a cookie, such as `allow_sensitive = "a public PIN-pad layout, not a PIN"`
//!  --> ui/fail/cookie_value_allow_sensitive_without_reason.rs:5:38
//!   |
//! 5 |     #[cookie_value(allow_sensitive = "")]
//!   |                                      ^^
//! ```
//!
//! An attribute in the wrong place is refused too, though the compiler would accept it: `#[cookie]` and
//! `#[session]` go on fields, `#[schema]` on the struct.
//!
//! `tests/ui/fail/field_attribute_on_the_struct.rs`:
//!
//! ```compile_fail
//! use session_core::SessionSchema;
//!
//! #[derive(SessionSchema)]
//! #[cookie(plain)]
//! struct Visitor {
//!     #[cookie]
//!     theme: u8,
//!     #[session]
//!     user_id: u64,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error: `#[cookie]` on the struct is not read
//!
//!        help: `#[cookie]` goes on each field kept in a cookie; the struct itself takes `#[schema(...)]` (handle, cookie_budget, crate)
//!  --> ui/fail/field_attribute_on_the_struct.rs:4:1
//!   |
//! 4 | #[cookie(plain)]
//!   | ^^^^^^^^^^^^^^^^
//! ```
//!
//! # 7. Generic cookie fields
//!
//! The size of a generic field cannot be checked when the schema is compiled, so generic cookie fields are
//! refused in this version (a generic schema struct is refused as a whole):
//!
//! `tests/ui/fail/generic_cookie_field.rs`:
//!
//! ```compile_fail
//! use session_core::SessionSchema;
//! #[derive(SessionSchema)]
//! struct Visitor<T> {
//!     #[cookie]
//!     theme: T,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error: cookie field `theme` has a generic type: its size cannot be checked at compile time
//!
//!        help: use a concrete type instead of `T`: a generic schema struct is not supported
//!  --> ui/fail/generic_cookie_field.rs:5:12
//!   |
//! 5 |     theme: T,
//!   |            ^
//! ```
//!
//! # 8. Schema changes
//!
//! `rename_from` and `migrate_from` (see [`schema_changes`](super::schema_changes)) name what an earlier
//! release stored. A migration needs `From<Old>` for the field's type:
//!
//! `tests/ui/fail/migrate_from_without_from.rs`:
//!
//! ```compile_fail
//! use serde::{Deserialize, Serialize};
//! use session_core::SessionSchema;
//!
//! #[derive(Serialize, Deserialize)]
//! struct Item {
//!     sku: String,
//!     qty: u32,
//! }
//!
//! #[derive(Deserialize)]
//! #[serde(transparent)]
//! struct SkuList(Vec<String>);
//!
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[session(migrate_from = SkuList)]
//!     cart: Vec<Item>,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error[E0277]: `migrate_from = SkuList` needs `Vec<Item>` to implement `From<SkuList>`
//!   --> ui/fail/migrate_from_without_from.rs:16:30
//!    |
//! 16 |     #[session(migrate_from = SkuList)]
//!    |                              ^^^^^^^ stored values of this earlier type cannot become the field's type
//!    |
//!    = help: the trait `From<SkuList>` is not implemented for `Vec<Item>`
//!    = note: help: implement `From<SkuList> for Vec<Item>`, converting a value the earlier release stored into the field's new type (if `Vec<Item>` is not your own type, name a type of yours in `migrate_from`, such as a `#[serde(transparent)]` newtype around the earlier type)
//!    = help: the following other types implement trait `From<T>`:
//!              `Vec<T, A>` implements `From<BinaryHeap<T, A>>`
//!              `Vec<T, A>` implements `From<Box<[T], A>>`
//!              `Vec<T, A>` implements `From<VecDeque<T, A>>`
//!              `Vec<T>` implements `From<&[T; N]>`
//!              `Vec<T>` implements `From<&[T]>`
//!              `Vec<T>` implements `From<&mut [T; N]>`
//!              `Vec<T>` implements `From<&mut [T]>`
//!              `Vec<T>` implements `From<Cow<'_, [T]>>`
//!            and $N others
//!    = note: required for `Vec<Item>` to implement `session_core::__private::MigrateFrom<SkuList>`
//! note: required by a bound in `session_core::__private::migrate`
//!   --> $WORKSPACE/session-core/src/private.rs
//!    |
//!    | pub fn migrate<Old: serde::de::DeserializeOwned, New: MigrateFrom<Old>>(stored: &[u8]) -> Option<New> {
//!    |                                                       ^^^^^^^^^^^^^^^^ required by this bound in `migrate`
//! ```
//!
//! `migrate_from` takes the type as Rust code, not in quotes as serde's attributes do:
//!
//! `tests/ui/fail/migrate_from_in_quotes.rs`:
//!
//! ```compile_fail
//! use session_core::SessionSchema;
//!
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[session(migrate_from = "u32")]
//!     visits: u64,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error: `migrate_from` takes a type, not a string
//!
//!        help: write the type without quotes: `migrate_from = u32`
//!  --> ui/fail/migrate_from_in_quotes.rs:5:30
//!   |
//! 5 |     #[session(migrate_from = "u32")]
//!   |                              ^^^^^
//! ```
//!
//! An old name that a field of the schema uses now would hand its values to two fields:
//!
//! `tests/ui/fail/rename_from_another_fields_key.rs`:
//!
//! ```compile_fail
//! use session_core::SessionSchema;
//!
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[session]
//!     cart: Vec<String>,
//!     #[session(rename_from = "cart")]
//!     basket: Vec<String>,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error: `rename_from = "cart"` is the store key of field `cart`
//!
//!        help: values stored under `cart` belong to `cart`: give the store key this field had in the earlier release, or rename `cart`'s store key first
//!  --> ui/fail/rename_from_another_fields_key.rs:7:29
//!   |
//! 7 |     #[session(rename_from = "cart")]
//!   |                             ^^^^^^
//! ```
//!
//! Cookies are not migrated: one that no longer decodes reads as `None`.
//!
//! `tests/ui/fail/migrate_from_on_cookie.rs`:
//!
//! ```compile_fail
//! use session_core::SessionSchema;
//!
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[cookie(max_len = 16, migrate_from = u8)]
//!     locale: String,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error: `migrate_from` is not supported on cookie fields
//!
//!        help: a cookie that no longer decodes as the field's type reads as `None` and is replaced when next set; to convert stored values, keep the field on the server with `#[session(migrate_from = ...)]`
//!  --> ui/fail/migrate_from_on_cookie.rs:5:28
//!   |
//! 5 |     #[cookie(max_len = 16, migrate_from = u8)]
//!   |                            ^^^^^^^^^^^^
//! ```
//!
//! # Every field routed once
//!
//! Each field goes to exactly one place:
//!
//! `tests/ui/fail/unrouted_field.rs`:
//!
//! ```compile_fail
//! use session_core::SessionSchema;
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[session]
//!     user_id: u64,
//!     theme: u8,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error: field `theme` is not routed to a cookie or to the session store
//!
//!        help: add `#[cookie]` to keep it in a client cookie, or `#[session]` to keep it on the server
//!  --> ui/fail/unrouted_field.rs:6:5
//!   |
//! 6 |     theme: u8,
//!   |     ^^^^^
//! ```
//!
//! `tests/ui/fail/routed_twice.rs`:
//!
//! ```compile_fail
//! use session_core::SessionSchema;
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[cookie]
//!     #[session]
//!     theme: u8,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error: field `theme` is routed both to a cookie and to the session store
//!
//!        help: keep either `#[cookie(...)]` or `#[session(...)]`
//!  --> ui/fail/routed_twice.rs:5:7
//!   |
//! 5 |     #[session]
//!   |       ^^^^^^^
//! ```
//!
//! Field names become accessor names, so names that would collide with each other or with a handle method
//! (`id`, `cycle_id`, `destroy`, `remember_for`, the owner methods, and `clone`, which `s.clone()` must
//! keep meaning a copy of the handle) are refused:
//!
//! `tests/ui/fail/field_named_id.rs`:
//!
//! ```compile_fail
//! use session_core::SessionSchema;
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[session]
//!     id: u64,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error: field `id` would generate `id()`, which every session handle already has
//!
//!        help: rename the field; to keep the stored name, add `name = "..."` to its attribute
//!  --> ui/fail/field_named_id.rs:5:5
//!   |
//! 5 |     id: u64,
//!   |     ^^
//! ```
//!
//! Two session fields cannot share a store key: writing one would change the other, and what marks one
//! `sensitive` or `privilege` would not guard the value read through the other:
//!
//! `tests/ui/fail/two_fields_one_store_key.rs`:
//!
//! ```compile_fail
//! use session_core::SessionSchema;
//!
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[session(sensitive, privilege)]
//!     roles: Vec<String>,
//!     #[session(name = "roles")]
//!     role_badges: Vec<String>,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error: fields `roles` and `role_badges` both use the store key `roles`
//!
//!        help: give one of them another key with `#[session(name = "...")]`: each field's value, and what marks it `sensitive`, `owner` or `privilege`, is kept under its own key
//!  --> ui/fail/two_fields_one_store_key.rs:7:22
//!   |
//! 7 |     #[session(name = "roles")]
//!   |                      ^^^^^^^
//! ```
//!
//! # Owners and privileges
//!
//! `owner` and `privilege` ([guide::owners](super::owners)) need the server: the store indexes sessions by
//! their owner, and a privilege field's change gives the session a new id, which a cookie changing on its
//! own cannot do. On a cookie field:
//!
//! `tests/ui/fail/owner_on_cookie_field.rs`:
//!
//! ```compile_fail
//! use session_core::SessionSchema;
//!
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[cookie(owner)]
//!     user_id: u64,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error: cookie field `user_id` cannot be `owner`
//!
//!        help: keep the owner on the server: `#[session(owner)]`; the store indexes sessions by it, and a cookie is not in the store
//!  --> ui/fail/owner_on_cookie_field.rs:5:14
//!   |
//! 5 |     #[cookie(owner)]
//!   |              ^^^^^
//! ```
//!
//! `tests/ui/fail/privilege_on_cookie_field.rs`:
//!
//! ```compile_fail
//! use session_core::SessionSchema;
//!
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[cookie(privilege)]
//!     is_staff: bool,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error: cookie field `is_staff` cannot be `privilege`
//!
//!        help: keep it on the server: `#[session(privilege)]`; a cookie changes without the session id changing, so it cannot carry a privilege
//!  --> ui/fail/privilege_on_cookie_field.rs:5:14
//!   |
//! 5 |     #[cookie(privilege)]
//!   |              ^^^^^^^^^
//! ```
//!
//! A session has one owner, and an owner that a read removes (`flash`) would end the ownership unnoticed:
//!
//! `tests/ui/fail/two_owners.rs`:
//!
//! ```compile_fail
//! use session_core::SessionSchema;
//!
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[session(owner)]
//!     user_id: u64,
//!     #[session(owner)]
//!     account_id: u64,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error: fields `user_id` and `account_id` are both marked `owner`; a session has one owner
//!
//!        help: keep `owner` on one field (the user id), such as `user_id`
//!  --> ui/fail/two_owners.rs:7:15
//!   |
//! 7 |     #[session(owner)]
//!   |               ^^^^^
//! ```
//!
//! `tests/ui/fail/owner_with_flash.rs`:
//!
//! ```compile_fail
//! use session_core::SessionSchema;
//!
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[session(owner, flash)]
//!     user_id: u64,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error: field `user_id` is both `owner` and `flash`: reading it once would end its ownership
//!
//!        help: remove `flash`: an owner stays until it is changed or removed
//!  --> ui/fail/owner_with_flash.rs:5:15
//!   |
//! 5 |     #[session(owner, flash)]
//!   |               ^^^^^
//! ```
//!
//! The store indexes sessions by the hash of the owner's stored value, so sessions stored as an earlier type
//! would stay indexed under its form, where `revoke_owner` with a value of the new type does not look. An
//! owner keeps its stored form instead (see [guide::schema_changes](super::schema_changes#an-owners-type)):
//!
//! `tests/ui/fail/owner_with_migrate_from.rs`:
//!
//! ```compile_fail
//! use serde::{Deserialize, Serialize};
//! use session_core::SessionSchema;
//!
//! #[derive(Clone, Serialize, Deserialize)]
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
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[session(owner, migrate_from = u64)]
//!     user_id: AccountId,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error: field `user_id` is `owner` and `migrate_from = u64`: sessions stored as `u64` stay indexed under that form, out of reach of `revoke_owner` with the new type
//!
//!        help: remove `migrate_from` and keep the stored form: `#[serde(from = "u64", into = "u64")]` on the new type reads and writes what earlier releases stored
//!   --> ui/fail/owner_with_migrate_from.rs:17:37
//!    |
//! 17 |     #[session(owner, migrate_from = u64)]
//!    |                                     ^^^
//! ```
//!
//! Store keys starting with `@` are the runtime's own (it keeps "remember me" under one), in `name` and in
//! `rename_from` alike:
//!
//! `tests/ui/fail/reserved_store_key.rs`:
//!
//! ```compile_fail
//! use session_core::SessionSchema;
//!
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[session(name = "@remember_for")]
//!     remember: u64,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error: the store key `@remember_for` starts with `@`, which the runtime keeps for itself
//!
//!        help: choose a name that does not start with `@`
//!  --> ui/fail/reserved_store_key.rs:5:22
//!   |
//! 5 |     #[session(name = "@remember_for")]
//!   |                      ^^^^^^^^^^^^^^^
//! ```
//!
//! Nor may a store key hold a NUL character, which `PostgresStore` could not keep:
//!
//! `tests/ui/fail/store_key_with_a_nul.rs`:
//!
//! ```compile_fail
//! use session_core::SessionSchema;
//!
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[session(name = "user\0id")]
//!     user_id: u64,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error: the store key "user\0id" holds a NUL character, which PostgreSQL cannot keep in JSON
//!
//!        help: remove it: a store key is a name, such as `user_id`
//!  --> ui/fail/store_key_with_a_nul.rs:5:22
//!   |
//! 5 |     #[session(name = "user\0id")]
//!   |                      ^^^^^^^^^^
//! ```
//!
//! # The handle's name
//!
//! The handle is a type beside the schema, named after it (`VisitorSession` for `Visitor`), so no other type
//! in the module may have that name. The compiler reports the clash on the schema's name, followed by two
//! errors about the handle's field `__raw`, which the derive's code looks for in the other type; all three
//! go when the handle gets another name with `#[schema(handle = "...")]`:
//!
//! `tests/ui/fail/handle_name_taken.rs`:
//!
//! ```compile_fail
//! use session_core::SessionSchema;
//!
//! pub struct UserSession {
//!     pub started: u64,
//! }
//!
//! #[derive(SessionSchema)]
//! struct User {
//!     #[session]
//!     id_number: u64,
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error[E0428]: the name `UserSession` is defined multiple times
//!  --> ui/fail/handle_name_taken.rs:8:8
//!   |
//! 3 | pub struct UserSession {
//!   | ---------------------- previous definition of the type `UserSession` here
//! ...
//! 8 | struct User {
//!   |        ^^^^ `UserSession` redefined here
//!   |
//!   = note: `UserSession` must be defined only once in the type namespace of this module
//!
//! error[E0609]: no field `__raw` on type `&UserSession`
//!  --> ui/fail/handle_name_taken.rs:7:10
//!   |
//! 7 | #[derive(SessionSchema)]
//!   |          ^^^^^^^^^^^^^ unknown field
//!   |
//!   = note: this error originates in the derive macro `SessionSchema` (in Nightly builds, run with -Z macro-backtrace for more info)
//!
//! error[E0560]: struct `UserSession` has no field named `__raw`
//!  --> ui/fail/handle_name_taken.rs:7:10
//!   |
//! 7 | #[derive(SessionSchema)]
//!   |          ^^^^^^^^^^^^^ `UserSession` does not have this field
//!   |
//!   = note: all struct fields are already assigned
//!   = note: this error originates in the derive macro `SessionSchema` (in Nightly builds, run with -Z macro-backtrace for more info)
//! ```
//!
//! ```
//! use session_core::SessionSchema;
//!
//! pub struct UserSession {
//!     pub started: u64,
//! }
//!
//! #[derive(SessionSchema)]
//! #[schema(handle = "UserHandle")]
//! struct User {
//!     #[session]
//!     id_number: u64,
//! }
//! # fn _uses(_: UserHandle) {}
//! ```
//!
//! # All at once
//!
//! One build reports every mistake of a schema, without follow-on errors, and code that uses the handle keeps
//! compiling: the derive's own errors, and beside them those the compiler finds in the fields' types (a type that
//! is no `CookieValue` or not serde, a cookie that can outgrow 4096 bytes, a plain cookie holding `is_admin`). (The
//! exceptions: after an unknown key or a syntax error in a `#[cookie]`, the checks that a misspelt key could have
//! silenced, `max_len`, `allow_sensitive` and `name`, and those of that cookie's type, wait for the next build, as
//! do the type checks of a cookie whose size the derive refused already (`max_len` missing, 0 or over 4096) or that
//! holds a `Secret`, the cookie budget after an error in `#[schema(...)]` (a misspelt `cookie_budget` would be
//! checked as the default; beside other errors, the budget counts the cookies without any, so it is reported only
//! if the whole schema exceeds it too) and a `migrate_from` type's missing `From` beside other errors; and a handle
//! name taken by another type brings two errors about the handle after the first, see [The handle's
//! name](#the-handles-name).)
//!
//! `tests/ui/fail/all_errors_reported_together.rs`:
//!
//! ```compile_fail
//! use session_core::SessionSchema;
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[cookie(max_len = 64)]
//!     password: String,
//!     #[cookie(colour)]
//!     theme: u8,
//!     untagged: u32,
//!     #[cookie(name = "a b")]
//!     font: u8,
//! }
//!
//! // The fallback keeps the handle, so code that uses it reports no secondary errors.
//! async fn handler(session: VisitorSession) {
//!     let _ = session.theme();
//!     let _ = session.untagged().await;
//! }
//!
//! fn main() {}
//! ```
//!
//! ```text
//! error: unknown key `colour` in `#[cookie]`
//!
//!        help: the valid keys are: plain, signed, private, name, max_len, max_age, http_only, secure, same_site, path, domain, partitioned, allow_sensitive, rename_from
//!  --> ui/fail/all_errors_reported_together.rs:6:14
//!   |
//! 6 |     #[cookie(colour)]
//!   |              ^^^^^^
//!
//! error: `a b` is not a valid cookie name
//!
//!        help: a cookie name is a non-empty RFC 6265 token: visible ASCII without spaces or any of ()<>@,;:\"/[]?={}
//!  --> ui/fail/all_errors_reported_together.rs:9:21
//!   |
//! 9 |     #[cookie(name = "a b")]
//!   |                     ^^^^^
//!
//! error: cookie `password` looks like it holds sensitive data (`password`)
//!
//!        help: keep it on the server with `#[session(sensitive)]`; if it is truly harmless, say why with `#[cookie(allow_sensitive = "...")]`
//!  --> ui/fail/all_errors_reported_together.rs:5:5
//!   |
//! 5 |     password: String,
//!   |     ^^^^^^^^
//!
//! error: field `untagged` is not routed to a cookie or to the session store
//!
//!        help: add `#[cookie]` to keep it in a client cookie, or `#[session]` to keep it on the server
//!  --> ui/fail/all_errors_reported_together.rs:8:5
//!   |
//! 8 |     untagged: u32,
//!   |     ^^^^^^^^
//! ```
//!
//! # At run time
//!
//! The compile-time bound is what the type allows; the setter checks the value. A value longer than
//! `max_len` is refused with [`Error::CookieTooLarge`](crate::Error::CookieTooLarge) and nothing is sent, so a
//! cookie the compiler accepted is never dropped by a browser:
//!
//! ```
//! # use session_core::{Key, MemoryStore, SessionLayer, SessionSchema, Error};
//! # use axum::{routing::get, Router};
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[cookie(max_len = 16)]
//!     locale: String,
//! }
//!
//! async fn set_locale(visitor: VisitorSession) -> Result<&'static str, Error> {
//!     match visitor.set_locale("x".repeat(17)) {
//!         Err(Error::CookieTooLarge { cookie: "locale", len: 17, limit: 16 }) => Ok("refused"),
//!         other => panic!("{other:?}"),
//!     }
//! }
//! # let app: Router = Router::new().route("/", get(set_locale))
//! #     .layer(SessionLayer::new(MemoryStore::default(), Key::generate()));
//! # tokio::runtime::Runtime::new().unwrap().block_on(async move {
//! #     use tower_service::Service;
//! #     let mut app = app;
//! #     let response = app.call(http::Request::get("/").body(axum::body::Body::empty()).unwrap()).await.unwrap();
//! #     assert!(response.headers().get("set-cookie").is_none());
//! #     let body = axum::body::to_bytes(response.into_body(), 1024).await.unwrap();
//! #     assert_eq!(&body[..], b"refused");
//! # });
//! ```
//!
