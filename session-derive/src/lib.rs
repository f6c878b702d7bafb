//! Derive macros for `session-core`: `#[derive(SessionSchema)]` and `#[derive(CookieValue)]`.
//!
//! Use them through `session-core`, which re-exports both; the generated code refers to the runtime through
//! `::session_core::__private` (or the path given with `#[schema(crate = "...")]`).
//!
//! The schema derive runs in three steps, one file each: `attr.rs` parses the attributes into a small AST
//! (reading each key list with `meta.rs`, rejecting bad keys and values as it goes), `valid.rs` checks what
//! spans several attributes or fields, and `expand.rs` emits the handle, its accessors and the `const`
//! checks that need types, with `history.rs` for what earlier releases stored (`rename_from`, `migrate_from`,
//! each field's shape). Every error of one derive is collected in a `Ctxt` (`ctxt.rs`) and reported
//! together; `fallback.rs` then emits a stub so the user sees only the real errors. `cookie_value.rs` is
//! `#[derive(CookieValue)]`.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod attr;
mod cookie_value;
mod ctxt;
mod expand;
mod fallback;
mod history;
mod meta;
mod names;
mod tokens;
mod valid;

use proc_macro::TokenStream;
use syn::{parse_macro_input, DeriveInput};

/// Turns a struct whose fields are marked `#[cookie(...)]` or `#[session(...)]` into a typed session
/// handle (`VisitorSession` for `struct Visitor`). See the `session-core` documentation.
///
/// The handle is a type beside the struct: when another type in the module has its name, the compiler
/// reports E0428 on the struct's name (with two errors about the handle's field `__raw` after it); name the
/// handle with `#[schema(handle = "...")]`.
#[proc_macro_derive(SessionSchema, attributes(cookie, session, schema))]
pub fn derive_session_schema(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    let cx = ctxt::Ctxt::new();
    let schema = attr::Schema::from_ast(&cx, &input);
    valid::check(&cx, &schema);
    match cx.check() {
        Ok(()) => expand::schema(&schema).into(),
        Err(errors) => fallback::schema(&input, &schema, errors).into(),
    }
}

/// Implements `CookieValue` for a unit enum (each variant encoded as its snake_case name, or
/// `#[cookie_value(rename = "...")]`) or for a struct whose fields are all `CookieValue`s. A struct field
/// whose name, or the name of a type in its type, looks sensitive is refused, as a cookie with that name
/// would be; one that looks like authorization or identity data is refused in a `plain` cookie, by the
/// schema that puts the struct there. `#[cookie_value(allow_sensitive = "reason")]` on the field says why
/// it is harmless, and lifts both.
#[proc_macro_derive(CookieValue, attributes(cookie_value))]
pub fn derive_cookie_value(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    cookie_value::derive(&input).into()
}
