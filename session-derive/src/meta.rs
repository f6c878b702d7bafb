//! Reading the `key`, `key = value` lists of `#[cookie]`, `#[session]` and `#[schema]`: one error per
//! mistake (missing value, wrong literal, unknown or duplicate key), each with a help naming the fix, and
//! parsing goes on after each.

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::{meta::ParseNestedMeta, spanned::Spanned, Attribute, Expr, ExprLit, Ident, Lit, LitStr, Token};

use crate::{ctxt::Ctxt, names};

/// The keys of each attribute, in the order the help lists them.
pub(crate) const COOKIE_KEYS: &str = "plain, signed, private, name, max_len, max_age, http_only, secure, same_site, \
                                      path, domain, partitioned, allow_sensitive, rename_from";
pub(crate) const SESSION_KEYS: &str = "sensitive, flash, name, owner, privilege, rename_from, migrate_from";

/// Keys that `#[cookie]` does not take but knows, to say why instead of listing the valid ones.
const EXPLAINED_COOKIE_KEYS: &[&str] = &["sensitive", "migrate_from", "owner", "privilege"];
pub(crate) const SCHEMA_KEYS: &str = "handle, cookie_budget, crate";

/// The most bytes any attribute value may have (browsers ignore longer cookie attributes).
const MAX_ATTRIBUTE_BYTES: usize = 1024;

/// A value and the tokens it came from, to span errors on.
pub(crate) struct Located<T> {
    pub(crate) value: T,
    pub(crate) span: Span,
}

/// Runs `handle` for each `key` or `key = value` of `attr`, reporting unknown keys (with `valid`, the list
/// of valid ones) and duplicates, and going on after each error. Returns whether every key was read: after
/// an unknown key or a syntax error, a key the user meant may be missing, and checks that fire on a missing
/// key would only repeat the mistake.
pub(crate) fn parse_keys(
    cx: &Ctxt,
    attr: &Attribute,
    valid: &str,
    seen: &mut Vec<String>,
    mut handle: impl FnMut(&str, &ParseNestedMeta) -> syn::Result<bool>,
) -> bool {
    let attr_name = attr.path().get_ident().map(Ident::to_string).unwrap_or_default();
    match &attr.meta {
        syn::Meta::List(_) => {}
        syn::Meta::Path(_) => return true,
        syn::Meta::NameValue(name_value) => {
            cx.error(
                name_value,
                format!("`#[{attr_name}]` takes a list of keys, not a value"),
                format!("write `#[{attr_name}]` alone or `#[{attr_name}(key = value, ...)]`"),
            );
            return false;
        }
    }
    let mut all_read = true;
    let result = attr.parse_nested_meta(|meta| {
        let key = key_name(&meta);
        if seen.contains(&key) {
            cx.error(&meta.path, format!("duplicate key `{key}` in `#[{attr_name}]`"), "give each key once");
            skip_value(&meta)?;
            return Ok(());
        }
        seen.push(key.clone());
        let known = valid.split(", ").any(|k| k == key)
            || (attr_name == "cookie" && EXPLAINED_COOKIE_KEYS.contains(&key.as_str()));
        if !known || !handle(&key, &meta)? {
            all_read = false;
            cx.error(
                &meta.path,
                format!("unknown key `{key}` in `#[{attr_name}]`"),
                match (names::closest(&key, valid.split(", ")), elsewhere(&attr_name, &key)) {
                    (_, Some(other)) if meta.input.peek(Token![=]) => {
                        format!("`{key}` is a key of `#[{other}]`; the valid keys of `#[{attr_name}]` are: {valid}")
                    }
                    (_, Some(other)) => format!(
                        "`{key}` is a key of `#[{other}]`: write `#[{other}({key})]` instead, or use one of: {valid}"
                    ),
                    (Some(close), None) => format!("did you mean `{close}`? The valid keys are: {valid}"),
                    (None, None) => format!("the valid keys are: {valid}"),
                },
            );
            skip_value(&meta)?;
        }
        Ok(())
    });
    if let Err(error) = result {
        // Between keys, what syn expected was a comma; within a value, syn's own message says what it wanted.
        if error.to_string() == "expected `,`" {
            cx.error_at(
                error.span(),
                error,
                format!("write the keys as `#[{attr_name}(key, key = value, ...)]`, separated by commas"),
            );
        } else {
            cx.syn_error(error);
        }
        all_read = false;
    }
    all_read
}

/// The other field attribute that accepts `key`, for a key given to the wrong one (`#[cookie(flash)]`).
fn elsewhere(attr_name: &str, key: &str) -> Option<&'static str> {
    let (other, keys) = match attr_name {
        "cookie" => ("session", SESSION_KEYS),
        "session" => ("cookie", COOKIE_KEYS),
        _ => return None,
    };
    // `name` is valid in both.
    keys.split(", ").any(|k| k == key).then_some(other)
}

/// Consumes `= value` or `(...)` after a key that is being rejected, so parsing can go on.
pub(crate) fn skip_value(meta: &ParseNestedMeta) -> syn::Result<()> {
    if meta.input.peek(Token![=]) {
        meta.value()?.parse::<syn::Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        let content;
        syn::parenthesized!(content in meta.input);
        content.parse::<TokenStream>()?;
    }
    Ok(())
}

/// The `= value` after a key, or `None` (with an error naming the key and an example) when it is missing.
pub(crate) fn value(cx: &Ctxt, meta: &ParseNestedMeta) -> syn::Result<Option<Expr>> {
    after_equals(cx, meta, "a value")
}

/// `key = Type`. A quoted type, as serde's attributes take them, is refused with the type unquoted as the
/// help, rather than with syn's bare "expected type".
pub(crate) fn type_value(cx: &Ctxt, meta: &ParseNestedMeta) -> syn::Result<Option<syn::Type>> {
    if meta.input.peek(Token![=]) && meta.input.peek2(LitStr) {
        let lit: LitStr = meta.value()?.parse()?;
        let key = key_name(meta);
        let written = lit.parse::<syn::Type>().map_or_else(|_| example(&key).to_owned(), |_| lit.value());
        cx.error(
            &lit,
            format!("`{key}` takes a type, not a string"),
            format!("write the type without quotes: `{key} = {}`", written.trim()),
        );
        return Ok(None);
    }
    after_equals(cx, meta, "a type")
}

/// What follows `key =`, parsed as `T`; `None`, with an error saying the key needs `what`, without `=`.
fn after_equals<T: syn::parse::Parse>(cx: &Ctxt, meta: &ParseNestedMeta, what: &str) -> syn::Result<Option<T>> {
    if meta.input.peek(Token![=]) {
        return Ok(Some(meta.value()?.parse()?));
    }
    let key = key_name(meta);
    cx.error(&meta.path, format!("`{key}` needs {what}"), format!("write `{key} = {}`", example(&key)));
    skip_value(meta)?;
    Ok(None)
}

/// `key = "string"`, refusing other literals.
pub(crate) fn string(cx: &Ctxt, meta: &ParseNestedMeta) -> syn::Result<Option<LitStr>> {
    let Some(expr) = value(cx, meta)? else { return Ok(None) };
    let key = key_name(meta);
    let Expr::Lit(ExprLit { lit: Lit::Str(lit), .. }) = expr else {
        // A bare word or number is most likely the string meant, without its quotes; a bare number of
        // `max_age`, with the unit its suffix names (`30d`, `400days`), or seconds without one, as a cookie's
        // `Max-Age` counts them.
        let quoted = match &expr {
            Expr::Path(path) => format!("\"{}\"", path.to_token_stream().to_string().replace(' ', "")),
            Expr::Lit(ExprLit { lit: Lit::Int(int), .. }) if key == "max_age" => match max_age_unit(int.suffix()) {
                Some(unit) => format!("\"{}{unit}\"", int.base10_digits()),
                None => {
                    cx.error(
                        &expr,
                        format!("`max_age` takes a string, and `{}` is not one of its units", int.suffix()),
                        MAX_AGE_HELP,
                    );
                    return Ok(None);
                }
            },
            Expr::Lit(ExprLit { lit: Lit::Int(int), .. }) => format!("\"{}\"", int.base10_digits()),
            _ => example(&key).to_owned(),
        };
        cx.error(&expr, format!("`{key}` takes a string"), format!("write `{key} = {quoted}`"));
        return Ok(None);
    };
    // Rust's lexer takes a suffix after any literal (`"theme"x`); nothing else would check it here.
    if !lit.suffix().is_empty() {
        cx.error(
            &lit,
            format!("`{key}` takes a plain string, not one with the suffix `{}`", lit.suffix()),
            format!("write `{key} = \"{}\"`", lit.value()),
        );
        return Ok(None);
    }
    Ok(Some(lit))
}

/// How to write a `max_age`, for errors that cannot suggest one.
pub(crate) const MAX_AGE_HELP: &str = "write a whole number and a unit: \"400d\", \"12h\", \"30m\" or \"45s\"";

/// The unit of `max_age` that the suffix of a number written without quotes names: `30d`, `12hours`, or
/// seconds for none; `None` for another (`30ms`, `2w`).
fn max_age_unit(suffix: &str) -> Option<char> {
    match suffix {
        "" | "s" | "sec" | "secs" | "second" | "seconds" => Some('s'),
        "m" | "min" | "mins" | "minute" | "minutes" => Some('m'),
        "h" | "hr" | "hrs" | "hour" | "hours" => Some('h'),
        "d" | "day" | "days" => Some('d'),
        _ => None,
    }
}

/// The suffixes of Rust's integer types, which say nothing of a number's value (`64usize`).
const INTEGER_SUFFIXES: [&str; 12] =
    ["u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize"];

/// A cookie attribute's value (`path`, `domain`): [`string`], refusing values over
/// [`MAX_ATTRIBUTE_BYTES`].
pub(crate) fn attribute_value(cx: &Ctxt, meta: &ParseNestedMeta) -> syn::Result<Option<LitStr>> {
    let Some(lit) = string(cx, meta)? else { return Ok(None) };
    if lit.value().len() > MAX_ATTRIBUTE_BYTES {
        cx.error(
            &lit,
            format!(
                "this value is {} bytes long; browsers ignore cookie attributes over {MAX_ATTRIBUTE_BYTES} bytes",
                lit.value().len()
            ),
            format!("shorten it to at most {MAX_ATTRIBUTE_BYTES} bytes"),
        );
        return Ok(None);
    }
    Ok(Some(lit))
}

/// `allow_sensitive = "reason"`. A blank reason is reported, but kept, so the name it allows is not
/// reported as well.
pub(crate) fn reason(cx: &Ctxt, meta: &ParseNestedMeta) -> syn::Result<Option<Located<String>>> {
    let Some(lit) = string(cx, meta)? else { return Ok(None) };
    if lit.value().trim().is_empty() {
        cx.error(
            &lit,
            "`allow_sensitive` needs a reason",
            "say why this value is safe in a cookie, such as `allow_sensitive = \"a public PIN-pad layout, not a PIN\"`",
        );
    }
    Ok(Some(Located { value: lit.value(), span: lit.span() }))
}

/// `key = N`, a whole number; `Err(span)` (with an error) for anything else, to span later checks on.
pub(crate) fn number(cx: &Ctxt, meta: &ParseNestedMeta) -> syn::Result<Option<Result<Located<usize>, Span>>> {
    let Some(expr) = value(cx, meta)? else { return Ok(None) };
    let key = key_name(meta);
    let mut help = format!("write `{key} = {}`", example(&key));
    let (parsed, message) = match &expr {
        // Another suffix (`4k`) would be read as its digits alone, a bound a thousand times too small.
        Expr::Lit(ExprLit { lit: Lit::Int(lit), .. })
            if !lit.suffix().is_empty() && !INTEGER_SUFFIXES.contains(&lit.suffix()) =>
        {
            help = format!("write the number in full, such as `{key} = {}`", example(&key));
            (None, format!("`{key}` takes a whole number, without a unit such as `{}`", lit.suffix()))
        }
        Expr::Lit(ExprLit { lit: Lit::Int(lit), .. }) => {
            (lit.base10_parse::<usize>().ok(), format!("`{key} = {}` is too large a number", lit.base10_digits()))
        }
        _ => (None, format!("`{key}` takes a whole number of bytes")),
    };
    Ok(Some(match parsed {
        Some(value) => Ok(Located { value, span: expr.span() }),
        None => {
            cx.error(&expr, message, help);
            Err(expr.span())
        }
    }))
}

/// `key` alone (true) or `key = true | false`.
pub(crate) fn flag(cx: &Ctxt, meta: &ParseNestedMeta) -> syn::Result<Option<Located<bool>>> {
    if meta.input.peek(syn::token::Paren) {
        let key = key_name(meta);
        cx.error(
            &meta.path,
            format!("`{key}` takes `= true` or `= false`, not parentheses"),
            format!("write `{key} = false`, or `{key}` alone for true"),
        );
        skip_value(meta)?;
        return Ok(None);
    }
    if !meta.input.peek(Token![=]) {
        return Ok(Some(Located { value: true, span: meta.path.span() }));
    }
    let expr: Expr = meta.value()?.parse()?;
    let key = key_name(meta);
    match &expr {
        Expr::Lit(ExprLit { lit: Lit::Bool(lit), .. }) => Ok(Some(Located { value: lit.value, span: lit.span })),
        Expr::Lit(ExprLit { lit: Lit::Str(lit), .. }) if matches!(lit.value().as_str(), "true" | "false") => {
            cx.error(
                &expr,
                format!("`{key}` takes `true` or `false`, not a string"),
                format!("remove the quotes: `{key} = {}`", lit.value()),
            );
            Ok(None)
        }
        _ => {
            cx.error(
                &expr,
                format!("`{key}` takes `true` or `false`"),
                format!("write `{key} = false`, or `{key}` alone for true"),
            );
            Ok(None)
        }
    }
}

/// A key that takes no value (`plain`, `flash`): refuses `= ...` and `(...)` after it.
pub(crate) fn word(cx: &Ctxt, meta: &ParseNestedMeta) -> syn::Result<bool> {
    if meta.input.peek(Token![=]) || meta.input.peek(syn::token::Paren) {
        let key = key_name(meta);
        cx.error(&meta.path, format!("`{key}` takes no value"), format!("write `{key}` alone"));
        skip_value(meta)?;
        return Ok(false);
    }
    Ok(true)
}

pub(crate) fn key_name(meta: &ParseNestedMeta) -> String {
    meta.path.to_token_stream().to_string().replace(' ', "")
}

/// A valid value for `key`, to show in errors.
fn example(key: &str) -> &'static str {
    match key {
        "name" => "\"theme\"",
        "max_len" => "64",
        "max_age" => "\"30d\"",
        "same_site" => "\"strict\"",
        "path" => "\"/\"",
        "domain" => "\"example.com\"",
        "allow_sensitive" => "\"why it is harmless\"",
        "handle" => "\"VisitorSession\"",
        "crate" => "\"::session_core\"",
        "cookie_budget" => "8190",
        "rename_from" => "\"old_name\"",
        "rename" => "\"name\"",
        "migrate_from" => "OldType",
        _ => "...",
    }
}

/// Which field attribute a key is read for, where the rules differ.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    Cookie,
    Session,
}

/// `rename_from = "old"`: a cookie name (an RFC 6265 token) or a store key (not empty).
pub(crate) fn rename_from(cx: &Ctxt, meta: &ParseNestedMeta, place: Place) -> syn::Result<Option<Located<String>>> {
    let Some(lit) = string(cx, meta)? else { return Ok(None) };
    let old = lit.value();
    match place {
        Place::Cookie if !names::is_cookie_token(&old) => cx.error(
            &lit,
            format!("`rename_from = {old:?}` is not a valid cookie name"),
            "give the name the cookie had in the earlier release: a non-empty RFC 6265 token",
        ),
        Place::Session if old.is_empty() => cx.error(
            &lit,
            "`rename_from` needs the store key the field had in the earlier release",
            "write `rename_from = \"old_key\"`",
        ),
        // A value the runtime stored under its own key would be moved into the field.
        Place::Session if refused_store_key(cx, &lit) => {}
        Place::Cookie | Place::Session => return Ok(Some(Located { value: old, span: lit.span() })),
    }
    Ok(None)
}

/// Refuses a store key starting with `@`, which the runtime keeps for its own fields (`@remember_for`), or
/// holding a NUL, which `PostgresStore` could not keep, and says whether it did.
pub(crate) fn refused_store_key(cx: &Ctxt, lit: &LitStr) -> bool {
    let key = lit.value();
    if key.starts_with('@') {
        cx.error(
            lit,
            format!("the store key `{key}` starts with `@`, which the runtime keeps for itself"),
            "choose a name that does not start with `@`",
        );
    } else if key.contains('\0') {
        cx.error(
            lit,
            format!("the store key {key:?} holds a NUL character, which PostgreSQL cannot keep in JSON"),
            "remove it: a store key is a name, such as `user_id`",
        );
    } else {
        return false;
    }
    true
}

/// `migrate_from` in `#[cookie]`: cookies are not migrated, and the error says what happens instead.
pub(crate) fn migrate_from_on_cookie(cx: &Ctxt, meta: &ParseNestedMeta) -> syn::Result<()> {
    cx.error(
        &meta.path,
        "`migrate_from` is not supported on cookie fields",
        "a cookie that no longer decodes as the field's type reads as `None` and is replaced when next set; to \
         convert stored values, keep the field on the server with `#[session(migrate_from = ...)]`",
    );
    skip_value(meta)
}

/// `"400d"`, `"12h"`, `"30m"` or `"45s"` in seconds.
pub(crate) fn parse_max_age(text: &str) -> Option<u64> {
    let unit = match text.as_bytes().last()? {
        b'd' => 86_400,
        b'h' => 3_600,
        b'm' => 60,
        b's' => 1,
        _ => return None,
    };
    let digits = &text[..text.len() - 1];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<u64>().ok()?.checked_mul(unit)
}

#[cfg(test)]
mod tests {
    use super::parse_max_age;

    #[test]
    fn max_age_units() {
        assert_eq!(parse_max_age("400d"), Some(400 * 86_400));
        assert_eq!(parse_max_age("12h"), Some(12 * 3_600));
        assert_eq!(parse_max_age("30m"), Some(30 * 60));
        assert_eq!(parse_max_age("45s"), Some(45));
        for bad in ["", "d", "12", "1 week", "-1d", "+1d", "1.5h", "12H", "99999999999999999999d"] {
            assert_eq!(parse_max_age(bad), None, "{bad}");
        }
    }
}
