//! Checks across attributes and fields: routing, the sensitivity lints, cookie-name rules, and accessor
//! names that would collide. Type-dependent checks (sizes, trait bounds) are emitted by `expand.rs`.

use std::collections::{HashMap, HashSet};

use proc_macro2::Span;
use quote::ToTokens;
use syn::{ext::IdentExt, spanned::Spanned, GenericArgument, Ident, PathArguments, Type};

use crate::{
    attr::{Field, Protection, SameSite, Schema, HANDLE_METHODS},
    ctxt::Ctxt,
    names,
    tokens::type_name,
};

/// Cookie value types whose length has no bound, by their module in `std` and name, and what `max_len`
/// counts for them. (Other collections are no `CookieValue` at all, which the trait bound reports.)
const UNBOUNDED_TYPES: &[(&str, &str, &str)] = &[("string", "String", "bytes"), ("vec", "Vec", "elements")];

/// The names the layer gives the session id cookie unless told otherwise (`SessionLayer::with_cookie_name`
/// checks a chosen one at run time): on Secure cookies with and without a domain or path, and on plain HTTP.
const DEFAULT_ID_COOKIE_NAMES: [&str; 3] = ["__Host-id", "__Secure-id", "id"];

pub(crate) fn check(cx: &Ctxt, schema: &Schema) {
    let mut cookie_names: HashSet<String> = HashSet::new();
    let mut store_keys: HashMap<String, &Ident> = HashMap::new();
    let mut methods: HashMap<String, &Ident> = HashMap::new();
    let generics: Vec<&Ident> = schema.input.generics.type_params().map(|p| &p.ident).collect();
    let mut generic_cookie_field = false;

    for field in &schema.fields {
        check_route(cx, field);
        if let Some(cookie) = &field.cookie {
            let name = field.cookie_name(cookie);
            let name_span = cookie.name.as_ref().map_or(field.ident.span(), |n| n.span);
            check_cookie(cx, field, &name, name_span);
            if cookie_names.contains(&name) {
                cx.error_at(
                    name_span,
                    format!("two fields use the cookie name `{name}`"),
                    "give one of them another name with `#[cookie(name = \"...\")]`",
                );
            } else {
                cookie_names.insert(name);
            }
            if let Some(param) = generics.iter().find(|param| mentions(&field.ty, param)) {
                generic_cookie_field = true;
                cx.error(
                    &field.ty,
                    format!(
                        "cookie field `{}` has a generic type: its size cannot be checked at compile time",
                        field.ident
                    ),
                    format!("use a concrete type instead of `{param}`: a generic schema struct is not supported"),
                );
            }
        } else if let Some(session) = &field.session {
            let key = field.store_key(session);
            let key_span = session.name.as_ref().map_or(field.ident.span(), |n| n.span);
            if let Some(other) = store_keys.insert(key.clone(), field.ident) {
                cx.error_at(
                    key_span,
                    format!("fields `{other}` and `{}` both use the store key `{key}`", field.ident),
                    "give one of them another key with `#[session(name = \"...\")]`: each field's value, and \
                     what marks it `sensitive`, `owner` or `privilege`, is kept under its own key",
                );
            }
        }
        for method in field.accessor_names() {
            if HANDLE_METHODS.contains(&method.as_str()) {
                cx.error(
                    field.ident,
                    format!(
                        "field `{}` would generate `{method}()`, which every session handle already has",
                        field.ident
                    ),
                    "rename the field; to keep the stored name, add `name = \"...\"` to its attribute",
                );
            } else if let Some(other) = methods.insert(method.clone(), field.ident) {
                cx.error(
                    field.ident,
                    format!("fields `{other}` and `{}` would both generate `{method}()`", field.ident),
                    "rename one of the fields",
                );
            }
        }
    }

    check_owner(cx, schema);
    check_renames(cx, schema);

    if !generic_cookie_field && !schema.input.generics.params.is_empty() {
        cx.error(
            &schema.input.generics,
            "`SessionSchema` does not support generic structs in this version",
            "use concrete types in the schema struct",
        );
    }
}

/// `owner` and `privilege`: server-side only, one owner, and an owner that a read cannot remove and whose
/// stored form does not change.
fn check_owner(cx: &Ctxt, schema: &Schema) {
    let mut first_owner: Option<&Ident> = None;
    for field in &schema.fields {
        for key in field.cookie.iter().flat_map(|cookie| &cookie.server_only) {
            let help = if key.value == "owner" {
                "keep the owner on the server: `#[session(owner)]`; the store indexes sessions by it, and a \
                 cookie is not in the store"
            } else {
                "keep it on the server: `#[session(privilege)]`; a cookie changes without the session id \
                 changing, so it cannot carry a privilege"
            };
            cx.error_at(key.span, format!("cookie field `{}` cannot be `{}`", field.ident, key.value), help);
        }
        let Some(session) = &field.session else { continue };
        let Some(owner) = session.owner else { continue };
        match first_owner {
            Some(first) => cx.error_at(
                owner,
                format!("fields `{first}` and `{}` are both marked `owner`; a session has one owner", field.ident),
                format!("keep `owner` on one field (the user id), such as `{first}`"),
            ),
            None => first_owner = Some(field.ident),
        }
        if session.flash {
            cx.error_at(
                owner,
                format!("field `{}` is both `owner` and `flash`: reading it once would end its ownership", field.ident),
                "remove `flash`: an owner stays until it is changed or removed",
            );
        }
        if let Some(earlier) = &session.migrate_from {
            // The index is keyed by the hash of the owner's stored bytes, and a converted value is stored in
            // the new type's form: sessions still holding the earlier form would stay indexed under it, so
            // `revoke_owner` with a value of the new type would miss them (a password reset that leaves a
            // stolen session signed in).
            let earlier = type_name(earlier);
            cx.error(
                &session.migrate_from,
                format!(
                    "field `{}` is `owner` and `migrate_from = {earlier}`: sessions stored as `{earlier}` stay \
                     indexed under that form, out of reach of `revoke_owner` with the new type",
                    field.ident
                ),
                format!(
                    "remove `migrate_from` and keep the stored form: `#[serde(from = \"{earlier}\", into = \
                     \"{earlier}\")]` on the new type reads and writes what earlier releases stored"
                ),
            );
        }
    }
}

/// `rename_from` names where an earlier release kept a value, which no current field may use: a value found
/// there would be read as two fields at once, or moved away from the field that owns it.
fn check_renames(cx: &Ctxt, schema: &Schema) {
    // Store keys and cookie names in use now, by the field that uses them; then each old name once.
    let mut current: HashMap<(bool, String), &Ident> = HashMap::new();
    for field in &schema.fields {
        match (&field.cookie, &field.session) {
            (Some(cookie), _) => current.insert((true, field.cookie_name(cookie)), field.ident),
            (None, Some(session)) => current.insert((false, field.store_key(session)), field.ident),
            (None, None) => None,
        };
    }
    let mut old_names: HashMap<(bool, String), &Ident> = HashMap::new();
    for field in &schema.fields {
        let (is_cookie, old, attribute) = match (&field.cookie, &field.session) {
            (Some(cookie), _) => (true, &cookie.rename_from, "cookie"),
            (None, Some(session)) => (false, &session.rename_from, "session"),
            (None, None) => continue,
        };
        let Some(old) = old else { continue };
        let what = if is_cookie { "cookie name" } else { "store key" };
        let name = &old.value;
        match current.get(&(is_cookie, name.clone())) {
            Some(owner) if *owner == field.ident => cx.error_at(
                old.span,
                format!("`rename_from = {name:?}` is the {what} field `{}` has now", field.ident),
                format!(
                    "give the {what} the field had in the earlier release, or remove `rename_from` from its \
                     `#[{attribute}(...)]`"
                ),
            ),
            Some(owner) => cx.error_at(
                old.span,
                format!("`rename_from = {name:?}` is the {what} of field `{owner}`"),
                format!(
                    "values stored under `{name}` belong to `{owner}`: give the {what} this field had in the \
                     earlier release, or rename `{owner}`'s {what} first"
                ),
            ),
            None => {
                if let Some(other) = old_names.insert((is_cookie, name.clone()), field.ident) {
                    cx.error_at(
                        old.span,
                        format!("fields `{other}` and `{}` both have `rename_from = {name:?}`", field.ident),
                        "a value stored under the old name can move to one field only: keep `rename_from` on one",
                    );
                }
            }
        }
    }
}

fn check_route(cx: &Ctxt, field: &Field) {
    match (&field.cookie, &field.session) {
        (None, None) => cx.error(
            field.ident,
            format!("field `{}` is not routed to a cookie or to the session store", field.ident),
            "add `#[cookie]` to keep it in a client cookie, or `#[session]` to keep it on the server",
        ),
        (Some(cookie), Some(session)) if session.sensitive => cx.error_at(
            cookie.span,
            format!("field `{}` is marked `sensitive` and can never be routed to a cookie", field.ident),
            "remove `#[cookie(...)]` so the field stays in the server-side store",
        ),
        (Some(_), Some(session)) => cx.error_at(
            session.span,
            format!("field `{}` is routed both to a cookie and to the session store", field.ident),
            "keep either `#[cookie(...)]` or `#[session(...)]`",
        ),
        _ => {}
    }
}

fn check_cookie(cx: &Ctxt, field: &Field, name: &str, name_span: Span) {
    let Some(cookie) = &field.cookie else { return };

    if let Some(span) = cookie.sensitive {
        cx.error_at(
            span,
            format!("field `{}` is marked `sensitive`, so it cannot be stored in a cookie", field.ident),
            "route it to the server with `#[session(sensitive)]`",
        );
    }
    if let Some(secret) = secret_type(&field.ty) {
        cx.error(
            secret,
            format!("field `{}` holds a `Secret`, which can never be stored in a cookie", field.ident),
            "route it to the server with `#[session(sensitive)]`",
        );
    }
    let findings = name_findings(field, name, name_span);
    for NameFinding { part, span, ty, .. } in &findings.sensitive {
        let message = match ty {
            Some(ty) => format!("cookie `{name}` holds `{ty}`, which looks like sensitive data (`{part}`)"),
            None => format!("cookie `{name}` looks like it holds sensitive data (`{part}`)"),
        };
        cx.error_at(
            *span,
            message,
            "keep it on the server with `#[session(sensitive)]`; if it is truly harmless, say why with `#[cookie(allow_sensitive = \"...\")]`",
        );
    }
    for NameFinding { part, span, ty, .. } in &findings.authorization {
        let message = match ty {
            Some(ty) => format!("plain cookie `{name}` holds `{ty}`, which looks like authorization or identity data (`{part}`) that the user can change"),
            None => format!("plain cookie `{name}` looks like it holds authorization or identity data (`{part}`), which the user can change"),
        };
        cx.error_at(
            *span,
            message,
            "keep it on the server with `#[session]` (`#[session(privilege)]` for roles and who is signed in): a cookie, even a `signed` one, can be sent again after the server takes the right away; where a tamper-evident copy is enough, remove `plain` (`signed` is the default); if changing it grants nothing, say why with `#[cookie(allow_sensitive = \"...\")]`",
        );
    }

    if cookie.protections.len() > 1 {
        let (first, second) = (&cookie.protections[0], &cookie.protections[1]);
        cx.error_at(
            second.span,
            format!("`{}` and `{}` cannot both protect one cookie", first.value.as_str(), second.value.as_str()),
            "choose one: `plain` (readable and changeable), `signed` (readable, tamper-evident) or `private` (encrypted)",
        );
    }

    // The name a misspelt `name` key would have given is unknown, so the field's own is not judged.
    let default_name_unsure = cookie.name.is_none() && cookie.incomplete;
    if cookie.name.is_none() && !default_name_unsure && !names::is_cookie_token(name) {
        // An explicit `name = "..."` is checked where it is parsed; this is the field's own name.
        cx.error_at(
            name_span,
            format!("field `{}` would name its cookie `{name}`, which is not a valid cookie name", field.ident),
            "give the cookie an ASCII name with `#[cookie(name = \"...\")]`",
        );
    }
    if DEFAULT_ID_COOKIE_NAMES.contains(&name) && !default_name_unsure {
        cx.error_at(
            name_span,
            format!("cookie `{name}` has a name the session id cookie takes by default, so setting it would replace the visitor's session id"),
            "give the field's cookie another name with `#[cookie(name = \"...\")]`",
        );
    }

    let secure = cookie.secure();
    let secure_span = cookie.secure.as_ref().map_or(cookie.span, |s| s.span);
    if names::has_prefix(name, "__Host-") {
        if !secure {
            cx.error_at(
                secure_span,
                format!("cookie `{name}` has the `__Host-` prefix but is not `secure`"),
                "remove `secure = false`: browsers refuse `__Host-` cookies without Secure",
            );
        }
        if let Some(domain) = &cookie.domain {
            cx.error_at(
                domain.span,
                format!("cookie `{name}` has the `__Host-` prefix and a `domain`"),
                "remove `domain`: `__Host-` cookies are bound to the exact host",
            );
        }
        if let Some(path) = cookie.path.as_ref().filter(|p| p.value != "/") {
            cx.error_at(
                path.span,
                format!("cookie `{name}` has the `__Host-` prefix and `path = {:?}`", path.value),
                "remove `path` (or use \"/\"): `__Host-` cookies must have Path=/",
            );
        }
    } else if let Some(prefix) = ["__Secure-", "__Http-"].into_iter().find(|p| names::has_prefix(name, p)) {
        if !secure {
            cx.error_at(
                secure_span,
                format!("cookie `{name}` has the `{prefix}` prefix but is not `secure`"),
                format!("remove `secure = false`: browsers refuse `{prefix}` cookies without Secure"),
            );
        }
    }
    // The prefixes that promise the browser an HttpOnly cookie as well (RFC 6265bis).
    if let Some(prefix) = ["__Host-Http-", "__Http-"].into_iter().find(|p| names::has_prefix(name, p)) {
        if !cookie.http_only() {
            let http_only_span = cookie.http_only.as_ref().map_or(cookie.span, |h| h.span);
            cx.error_at(
                http_only_span,
                format!("cookie `{name}` has the `{prefix}` prefix but is not `http_only`"),
                format!(
                    "remove `http_only = false`, or the `{prefix}` prefix from a cookie that page scripts read: \
                     browsers refuse `{prefix}` cookies without HttpOnly"
                ),
            );
        }
    }
    if let Some(partitioned) = cookie.partitioned.as_ref().filter(|p| p.value && !secure) {
        cx.error_at(
            partitioned.span,
            format!("cookie `{name}` is `partitioned` but not `secure`"),
            "remove `secure = false`: browsers refuse partitioned cookies without Secure",
        );
    }
    if let Some(same_site) = cookie.same_site.as_ref().filter(|s| s.value == SameSite::None) {
        if !secure {
            cx.error_at(
                same_site.span,
                format!("cookie `{name}` has `same_site = \"none\"` but is not `secure`"),
                "remove `secure = false`: browsers refuse SameSite=None cookies without Secure",
            );
        }
    }

    if cookie.max_len.is_none() && !cookie.incomplete {
        if let Some((ty, counts)) = unbounded_type(&field.ty) {
            match growing_element(ty) {
                // `max_len` counts the elements, and cannot bound each one as well.
                Some(element) => cx.error(
                    ty,
                    format!(
                        "cookie field `{}` holds growing values (`{}`) that no `max_len` can bound, so it could outgrow the 4096 bytes a browser keeps",
                        field.ident,
                        type_name(element)
                    ),
                    "give the elements a fixed size (numbers, `[u8; N]`, `#[derive(CookieValue)]` enums), or keep the field on the server with `#[session]`",
                ),
                None => cx.error(
                    ty,
                    format!("cookie field `{}` has no length bound, so it could outgrow the 4096 bytes a browser keeps", field.ident),
                    format!("add `max_len = N` (the most {counts} it may hold) to `#[cookie(...)]`, or keep it on the server with `#[session]`"),
                ),
            }
        }
    }
}

/// A name of a cookie field that looks sensitive, or (in a plain cookie) like authorization data.
pub(crate) struct NameFinding<'a> {
    /// Where it is: 0 the cookie name, 1 the field name, then the types in the field's type.
    place: usize,
    part: String,
    span: Span,
    /// The type so named, if it is a type's name.
    ty: Option<&'a Ident>,
}

/// The names of a cookie field that [`check_cookie`] reports.
pub(crate) struct NameFindings<'a> {
    pub(crate) sensitive: Vec<NameFinding<'a>>,
    /// In a plain cookie only, and none where a sensitive one is.
    pub(crate) authorization: Vec<NameFinding<'a>>,
}

/// Every name of the cookie field that looks sensitive, unless `allow_sensitive` says why it is harmless:
/// the cookie name is what leaks; the field name says what the value is, and so does its type's
/// (`remember: AuthToken`). All are reported, so that the reason an `allow_sensitive` gives answers all of
/// them. A `Secret` is refused on its own, and a cookie whose keys did not all parse is judged once they do.
pub(crate) fn name_findings<'f>(field: &'f Field<'_>, name: &str, name_span: Span) -> NameFindings<'f> {
    let mut findings = NameFindings { sensitive: Vec::new(), authorization: Vec::new() };
    let Some(cookie) = field.cookie.as_ref().filter(|c| c.allow_sensitive.is_none() && !c.incomplete) else {
        return findings;
    };
    let types = if secret_type(&field.ty).is_some() { Vec::new() } else { type_names(&field.ty) };
    let found = |part_of: fn(&str) -> Option<String>| {
        let mut found = Vec::new();
        found.extend(part_of(name).map(|part| NameFinding { place: 0, part, span: name_span, ty: None }));
        if field.name != name {
            let span = field.ident.span();
            found.extend(part_of(&field.name).map(|part| NameFinding { place: 1, part, span, ty: None }));
        }
        for (index, ty) in types.iter().enumerate() {
            let part = names::part_of_type_name(part_of, &ty.unraw().to_string());
            found.extend(part.map(|part| NameFinding { place: 2 + index, part, span: ty.span(), ty: Some(*ty) }));
        }
        found
    };
    findings.sensitive = found(names::sensitive_part);
    // Signed and private cookies are tamper-evident, so only a plain one lets the user raise their own
    // privileges or become someone else.
    if cookie.protection() == Protection::Plain {
        let reported = |place: usize| findings.sensitive.iter().any(|other| other.place == place);
        findings.authorization =
            found(names::authorization_part).into_iter().filter(|finding| !reported(finding.place)).collect();
    }
    findings
}

/// The `Secret<..>` in `ty`, wherever it stands in it (an `Option`, a tuple, an array, a `Vec`):
/// `Secret<T>` imported, or `session_core::Secret<T>`. A type of the app's own may be called `Secret` too
/// (a game's secret level, `game::Secret<Level>`), and `session_core`'s cannot be a cookie anyway: the
/// trait bound says so, if less clearly.
pub(crate) fn secret_type(ty: &Type) -> Option<&syn::TypePath> {
    path_types(ty).into_iter().find(|path| {
        let last = path.path.segments.last();
        last.is_some_and(|segment| {
            segment.ident == "Secret" && matches!(segment.arguments, PathArguments::AngleBracketed(_))
        }) && names_ours(path)
    })
}

/// The unbounded collection in `ty` (looking through `Option`), and what its `max_len` counts. Not through
/// `Box` or `&`: neither is a `CookieValue`, so `max_len` would not help, and the trait bound says so.
/// Only the standard types are known by name (a type of the user's may be called `String` too); any
/// other unbounded type is caught by the `const` check on its `CookieValue::BOUND`.
pub(crate) fn unbounded_type(ty: &Type) -> Option<(&Type, &'static str)> {
    if let Some(segment) = std_type(ty, "option", "Option") {
        return first_type_argument(segment).and_then(unbounded_type);
    }
    UNBOUNDED_TYPES
        .iter()
        .find(|(module, name, _)| std_type(ty, module, name).is_some())
        .map(|(.., counts)| (ty, *counts))
}

/// The element type of `ty`, a `Vec`, when it is itself of unbounded length (`Vec<String>`), or holds one
/// (`Vec<(u8, String)>`).
fn growing_element(ty: &Type) -> Option<&Type> {
    let segment = std_type(ty, "vec", "Vec")?;
    first_type_argument(segment).filter(|element| grows(element))
}

/// Whether `ty` is, or holds in a tuple or array, a type of unbounded length.
fn grows(ty: &Type) -> bool {
    match ty {
        Type::Tuple(tuple) => tuple.elems.iter().any(grows),
        Type::Array(array) => grows(&array.elem),
        Type::Paren(paren) => grows(&paren.elem),
        Type::Group(group) => grows(&group.elem),
        _ => unbounded_type(ty).is_some(),
    }
}

/// The last segment of `ty` if it names the standard type `name` from `module`, as the prelude does
/// (`String`) or in full (`std::string::String`, `alloc::string::String`).
fn std_type<'a>(ty: &'a Type, module: &str, name: &str) -> Option<&'a syn::PathSegment> {
    let path = match ty {
        Type::Path(path) if path.qself.is_none() => &path.path,
        Type::Group(group) => return std_type(&group.elem, module, name),
        _ => return None,
    };
    let idents: Vec<String> = path.segments.iter().map(|segment| segment.ident.to_string()).collect();
    let standard = match idents.as_slice() {
        [only] => only == name,
        [root, in_module, last] => {
            ["std", "alloc", "core"].contains(&root.as_str()) && in_module == module && last == name
        }
        _ => false,
    };
    standard.then(|| path.segments.last()).flatten()
}

/// Whether `path` is its last segment alone (an import), or names `session_core`'s item.
fn names_ours(path: &syn::TypePath) -> bool {
    let segments: Vec<&syn::PathSegment> = path.path.segments.iter().collect();
    match segments.as_slice() {
        [_] => true,
        [.., module, _] => module.ident == "session_core",
        [] => false,
    }
}

fn first_type_argument(segment: &syn::PathSegment) -> Option<&Type> {
    match &segment.arguments {
        PathArguments::AngleBracketed(args) => args.args.iter().find_map(|arg| match arg {
            GenericArgument::Type(ty) => Some(ty),
            _ => None,
        }),
        _ => None,
    }
}

/// The names of the types in `ty`, outermost first: the last segment of every path in it, and of the paths
/// in their generic arguments, tuples, arrays and references (`Option<(AuthToken, u8)>` gives `Option`,
/// `AuthToken` and `u8`). Module segments are left out: `auth::Theme` is a theme.
pub(crate) fn type_names(ty: &Type) -> Vec<&Ident> {
    path_types(ty).into_iter().filter_map(|path| path.path.segments.last().map(|segment| &segment.ident)).collect()
}

/// Every path in `ty`, outermost first: through generic arguments, tuples, arrays, slices and references.
/// What [`type_names`] names and [`secret_type`] looks through.
fn path_types(ty: &Type) -> Vec<&syn::TypePath> {
    fn walk<'a>(ty: &'a Type, paths: &mut Vec<&'a syn::TypePath>) {
        match ty {
            Type::Path(path) => {
                if let Some(qself) = &path.qself {
                    walk(&qself.ty, paths);
                }
                paths.push(path);
                for segment in &path.path.segments {
                    if let PathArguments::AngleBracketed(args) = &segment.arguments {
                        for arg in &args.args {
                            if let GenericArgument::Type(ty) = arg {
                                walk(ty, paths);
                            }
                        }
                    }
                }
            }
            Type::Tuple(tuple) => tuple.elems.iter().for_each(|elem| walk(elem, paths)),
            Type::Array(array) => walk(&array.elem, paths),
            Type::Slice(slice) => walk(&slice.elem, paths),
            Type::Reference(reference) => walk(&reference.elem, paths),
            Type::Paren(paren) => walk(&paren.elem, paths),
            Type::Group(group) => walk(&group.elem, paths),
            _ => {}
        }
    }
    let mut paths = Vec::new();
    walk(ty, &mut paths);
    paths
}

/// True if `ty` mentions the type parameter `param` anywhere.
pub(crate) fn mentions(ty: &Type, param: &Ident) -> bool {
    fn walk(stream: proc_macro2::TokenStream, ident: &Ident) -> bool {
        stream.into_iter().any(|tree| match tree {
            proc_macro2::TokenTree::Ident(found) => &found == ident,
            proc_macro2::TokenTree::Group(group) => walk(group.stream(), ident),
            _ => false,
        })
    }
    walk(ty.to_token_stream(), param)
}

#[cfg(test)]
mod tests {
    use super::type_names;
    use crate::names::{authorization_part, part_of_type_name, sensitive_part};

    fn names_of(ty: &str) -> Vec<String> {
        let ty: syn::Type = syn::parse_str(ty).unwrap();
        type_names(&ty).iter().map(|ident| ident.to_string()).collect()
    }

    #[test]
    fn type_names_are_the_types_not_their_modules() {
        assert_eq!(names_of("Option<AuthToken>"), ["Option", "AuthToken"]);
        assert_eq!(names_of("auth::Theme"), ["Theme"]);
        assert_eq!(names_of("&'static [(u8, Role); 2]"), ["u8", "Role"]);
        assert_eq!(names_of("Vec<std::string::String>"), ["Vec", "String"]);
    }

    #[test]
    fn common_harmless_types_pass() {
        for ty in [
            "String",
            "u64",
            "bool",
            "Theme",
            "Locale",
            "Option<Vec<u8>>",
            "chrono::DateTime<chrono::Utc>",
            "chrono::NaiveDate",
            "time::OffsetDateTime",
            "std::time::Duration",
            "uuid::Uuid",
            "[u8; 16]",
            "(u16, char)",
            // Words that would mark a field's name, but not a type's.
            "MapPin",
            "TabGroup",
            "SearchScope",
            "StaffPick",
            // Names that only look like the words.
            "PinnedTab",
            "AuthorProfile",
            "KeyboardLayout",
            "PassportCountry",
            "SessionTheme",
        ] {
            for name in names_of(ty) {
                assert_eq!(part_of_type_name(sensitive_part, &name), None, "{ty}");
                assert_eq!(part_of_type_name(authorization_part, &name), None, "{ty}");
            }
        }
        // The words that mark a type still do.
        assert!(part_of_type_name(sensitive_part, "AuthToken").is_some());
        assert!(part_of_type_name(authorization_part, "Role").is_some());
        assert!(part_of_type_name(authorization_part, "UserId").is_some());
    }
}
