//! Parsing: the struct and its `#[cookie]`, `#[session]` and `#[schema]` attributes into a small AST.
//!
//! Checks that concern one key alone happen here (an unknown key, a duplicate, a value out of range);
//! checks across keys and fields are in `valid.rs`; reading the key lists themselves is in `meta.rs`.
//! Nothing here returns early: every problem is pushed into the [`Ctxt`] and parsing goes on.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, ToTokens};
use syn::{
    ext::IdentExt, meta::ParseNestedMeta, punctuated::Punctuated, spanned::Spanned, Attribute, Data, DeriveInput,
    Fields, Ident, Path, Token, Type, Visibility,
};

use crate::{
    ctxt::Ctxt,
    meta::{
        attribute_value, flag, migrate_from_on_cookie, number, parse_keys, parse_max_age, reason, refused_store_key,
        rename_from, string, type_value, word, Located, Place, COOKIE_KEYS, MAX_AGE_HELP, SCHEMA_KEYS, SESSION_KEYS,
    },
    names,
    tokens::self_named,
};

/// The most bytes of name and value a browser keeps for one cookie.
pub(crate) const MAX_COOKIE_BYTES: usize = 4096;
/// Browsers cap `Max-Age` at 400 days.
const MAX_AGE_LIMIT_SECS: u64 = 400 * 24 * 60 * 60;
/// The default `cookie_budget`: the request-header line limit of common servers.
pub(crate) const DEFAULT_COOKIE_BUDGET: usize = 8190;

/// A struct deriving `SessionSchema`.
pub(crate) struct Schema<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) vis: &'a Visibility,
    pub(crate) input: &'a DeriveInput,
    /// The generated handle's name.
    pub(crate) handle: Ident,
    /// The path of the runtime crate.
    pub(crate) krate: Path,
    pub(crate) cookie_budget: usize,
    /// The `cookie_budget = N` literal, when given, to span budget errors on.
    pub(crate) cookie_budget_span: Option<Span>,
    /// Whether every key of the `#[schema]` attributes was read without an error, so that the budget and
    /// the crate's path are the ones the user meant.
    pub(crate) schema_keys_read: bool,
    pub(crate) fields: Vec<Field<'a>>,
    /// The lints the struct allows (see [`allowed_lints`]), forwarded to the handle, which takes its name
    /// and visibility from it.
    pub(crate) allows: Vec<Attribute>,
}

/// One field and where it goes.
pub(crate) struct Field<'a> {
    pub(crate) ident: &'a Ident,
    /// The field's name without `r#`: the default cookie name and store key.
    pub(crate) name: String,
    /// Its type, `Self` written as the struct's name.
    pub(crate) ty: Type,
    /// The field's own `///` docs, forwarded to its reader.
    pub(crate) docs: Vec<&'a Attribute>,
    /// The field's `#[deprecated]`, forwarded to its accessors, through which the app uses the field.
    pub(crate) deprecated: Vec<&'a Attribute>,
    /// The lints the field allows (see [`allowed_lints`]), forwarded to its accessors, which carry its
    /// docs.
    pub(crate) allows: Vec<Attribute>,
    pub(crate) cookie: Option<CookieAttr>,
    pub(crate) session: Option<SessionAttr>,
}

/// Methods every handle has, which no field accessor may shadow (`clone` through `Clone`: an inherent
/// `clone()` returning a field would take its place in `s.clone()`).
pub(crate) const HANDLE_METHODS: &[&str] = &[
    "clone",
    "id",
    "cycle_id",
    "destroy",
    "remember_for",
    "owner_sessions",
    "revoke_other_sessions",
    "revoke_session",
    "sessions_of",
    "revoke_owner",
];

impl Field<'_> {
    /// The name of the cookie that holds the field: `name = "..."`, else the field's name.
    pub(crate) fn cookie_name(&self, cookie: &CookieAttr) -> String {
        cookie.name.as_ref().map_or_else(|| self.name.clone(), |n| n.value.clone())
    }

    /// The field's key in the session record: `name = "..."`, else the field's name.
    pub(crate) fn store_key(&self, session: &SessionAttr) -> String {
        session.name.as_ref().map_or_else(|| self.name.clone(), |n| n.value.clone())
    }

    /// The accessors the field generates: reader (`take_*` for a flash field), writer and remover; the
    /// reader of a field named like a keyword is a raw identifier, as the field is.
    pub(crate) fn accessor_idents(&self) -> [Ident; 3] {
        let flash = self.session.as_ref().is_some_and(|s| s.flash) && self.cookie.is_none();
        let reader = if flash { format_ident!("take_{}", self.ident) } else { self.ident.clone() };
        [reader, format_ident!("set_{}", self.ident), format_ident!("remove_{}", self.ident)]
    }

    /// [`Field::accessor_idents`] as names, without `r#`.
    pub(crate) fn accessor_names(&self) -> [String; 3] {
        self.accessor_idents().map(|ident| ident.unraw().to_string())
    }
}

/// How a cookie value is protected.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Protection {
    Plain,
    Signed,
    Private,
}

impl Protection {
    /// The protection a key of `#[cookie(...)]` names: `plain`, `signed` or `private`.
    fn named(key: &str) -> Self {
        match key {
            "plain" => Protection::Plain,
            "signed" => Protection::Signed,
            _ => Protection::Private,
        }
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Protection::Plain => "plain",
            Protection::Signed => "signed",
            Protection::Private => "private",
        }
    }
}

/// `SameSite`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum SameSite {
    Lax,
    Strict,
    None,
}

/// `#[cookie(...)]`.
pub(crate) struct CookieAttr {
    /// The `cookie` path of the attribute.
    pub(crate) span: Span,
    /// Every protection key given, in order (more than one is an error).
    pub(crate) protections: Vec<Located<Protection>>,
    pub(crate) name: Option<Located<String>>,
    pub(crate) max_len: Option<Located<usize>>,
    pub(crate) max_age_secs: Option<Located<u64>>,
    pub(crate) http_only: Option<Located<bool>>,
    pub(crate) secure: Option<Located<bool>>,
    pub(crate) same_site: Option<Located<SameSite>>,
    pub(crate) path: Option<Located<String>>,
    pub(crate) domain: Option<Located<String>>,
    pub(crate) partitioned: Option<Located<bool>>,
    pub(crate) allow_sensitive: Option<Located<String>>,
    /// `sensitive` written in `#[cookie]`: kept so `valid.rs` can explain lint 1.
    pub(crate) sensitive: Option<Span>,
    /// `owner` or `privilege` written in `#[cookie]`: kept so `valid.rs` can say they need the server.
    pub(crate) server_only: Vec<Located<&'static str>>,
    /// `rename_from = "..."`: the cookie's name in an earlier release.
    pub(crate) rename_from: Option<Located<String>>,
    /// An unknown key or a syntax error left keys unread: `valid.rs` skips the checks that fire on a missing
    /// key (`max_len`, `allow_sensitive`, `name`), which would only repeat the mistake.
    pub(crate) incomplete: bool,
}

impl CookieAttr {
    pub(crate) fn protection(&self) -> Protection {
        self.protections.first().map_or(Protection::Signed, |p| p.value)
    }

    pub(crate) fn secure(&self) -> bool {
        self.secure.as_ref().is_none_or(|s| s.value)
    }

    pub(crate) fn http_only(&self) -> bool {
        self.http_only.as_ref().is_none_or(|h| h.value)
    }
}

/// `#[session(...)]`.
pub(crate) struct SessionAttr {
    pub(crate) span: Span,
    pub(crate) sensitive: bool,
    pub(crate) flash: bool,
    pub(crate) name: Option<Located<String>>,
    /// `owner`: the field names who owns the session.
    pub(crate) owner: Option<Span>,
    /// `privilege`: writing the field cycles the session id.
    pub(crate) privilege: Option<Span>,
    /// `rename_from = "..."`: the field's store key in an earlier release.
    pub(crate) rename_from: Option<Located<String>>,
    /// `migrate_from = Type`: the type an earlier release stored.
    pub(crate) migrate_from: Option<Type>,
}

impl<'a> Schema<'a> {
    /// Parses `input`. One that is not a struct with named fields is an error in `cx`, and a schema
    /// without fields, so that the fallback's stub spares its uses follow-on errors.
    pub(crate) fn from_ast(cx: &Ctxt, input: &'a DeriveInput) -> Self {
        let fields = match &input.data {
            Data::Struct(data) => match &data.fields {
                Fields::Named(fields) => Some(&fields.named),
                Fields::Unnamed(_) | Fields::Unit => {
                    cx.error(
                        &input.ident,
                        "`SessionSchema` needs a struct with named fields",
                        "name each field: its name becomes the accessor's name",
                    );
                    None
                }
            },
            Data::Enum(data) => {
                cx.error_at(
                    data.enum_token.span,
                    "`SessionSchema` can only be derived for a struct",
                    "declare the session as a struct with one named field per value",
                );
                None
            }
            Data::Union(data) => {
                cx.error_at(
                    data.union_token.span,
                    "`SessionSchema` can only be derived for a struct",
                    "declare the session as a struct with one named field per value",
                );
                None
            }
        };

        // Spanned on the schema's name, so a clash with another type of that name (E0428) points there.
        let mut handle = format_ident!("{}Session", input.ident, span = input.ident.span());
        let mut krate: Path = syn::parse_quote!(::session_core);
        let mut cookie_budget = DEFAULT_COOKIE_BUDGET;
        let mut cookie_budget_span = None;
        // One list for every `#[schema]` attribute, so a key repeated across two of them is caught too.
        let mut seen = Vec::new();
        let errors_before_schema_keys = cx.error_count();
        for attr in input.attrs.iter().filter(|a| a.path().is_ident("schema")) {
            parse_keys(cx, attr, SCHEMA_KEYS, &mut seen, |key, meta| match key {
                "handle" => {
                    if let Some(lit) = string(cx, meta)? {
                        match syn::parse_str::<Ident>(&lit.value()) {
                            // The handle is a type beside the schema's, so it cannot take its name.
                            Ok(ident) if ident.unraw() == input.ident.unraw() => cx.error(
                                &lit,
                                format!("the handle cannot be named `{ident}`, the name of the schema itself"),
                                format!("choose another name, such as `{handle}` (the default)"),
                            ),
                            Ok(ident) => handle = respan(&ident, lit.span()),
                            Err(_) => cx.error(
                                &lit,
                                "`handle` must be a Rust identifier",
                                "write a type name such as `handle = \"VisitorSession\"`",
                            ),
                        }
                    }
                    Ok(true)
                }
                "crate" => {
                    if let Some(lit) = string(cx, meta)? {
                        match lit.parse::<Path>() {
                            Ok(path) => krate = path,
                            Err(_) => cx.error(
                                &lit,
                                "`crate` must be a path",
                                "name the runtime crate as it is imported, such as `crate = \"::session_core\"`",
                            ),
                        }
                    }
                    Ok(true)
                }
                "cookie_budget" => {
                    match number(cx, meta)? {
                        Some(Ok(budget)) if budget.value >= MAX_COOKIE_BYTES => {
                            cookie_budget = budget.value;
                            cookie_budget_span = Some(budget.span);
                        }
                        Some(Ok(budget)) => cx.error_at(
                            budget.span,
                            format!("`cookie_budget = {}` is less than one cookie may take", budget.value),
                            "give at least 4096 bytes; the default, 8190, is the header limit of common servers",
                        ),
                        Some(Err(_)) | None => {}
                    }
                    Ok(true)
                }
                _ => Ok(false),
            });
        }

        let schema_keys_read = cx.error_count() == errors_before_schema_keys;

        // rustc accepts a derive's helper attributes anywhere on the item, so one in the wrong place would
        // be ignored without a word.
        for attr in &input.attrs {
            for (name, place) in [("cookie", "kept in a cookie"), ("session", "kept on the server")] {
                if attr.path().is_ident(name) {
                    cx.error(
                        attr,
                        format!("`#[{name}]` on the struct is not read"),
                        format!(
                            "`#[{name}]` goes on each field {place}; the struct itself takes `#[schema(...)]` ({SCHEMA_KEYS})"
                        ),
                    );
                }
            }
        }

        let fields = fields
            .into_iter()
            .flatten()
            .map(|field| {
                let ident = field.ident.as_ref().expect("named fields have names");
                let mut cookie = None;
                let mut session = None;
                for attr in &field.attrs {
                    if attr.path().is_ident("cookie") {
                        if cookie.is_some() {
                            cx.error(
                                attr,
                                "duplicate `#[cookie]` attribute",
                                "merge the keys into one `#[cookie(...)]`",
                            );
                        } else {
                            cookie = Some(CookieAttr::parse(cx, attr));
                        }
                    } else if attr.path().is_ident("schema") {
                        cx.error(
                            attr,
                            "`#[schema]` on a field is not read",
                            "`#[schema(...)]` goes on the struct; a field takes `#[cookie(...)]` or `#[session(...)]`",
                        );
                    } else if attr.path().is_ident("session") {
                        if session.is_some() {
                            cx.error(
                                attr,
                                "duplicate `#[session]` attribute",
                                "merge the keys into one `#[session(...)]`",
                            );
                        } else {
                            session = Some(SessionAttr::parse(cx, attr));
                        }
                    }
                }
                let forwarded = |kind| attrs_named(&field.attrs, kind);
                let (docs, deprecated, allows) =
                    (forwarded("doc"), forwarded("deprecated"), allowed_lints(&field.attrs));
                let name = ident.unraw().to_string();
                // A generic schema is refused, and its name alone is not its type.
                let spelled_out = |ty: &Type| {
                    if input.generics.params.is_empty() {
                        self_named(ty, &input.ident)
                    } else {
                        ty.clone()
                    }
                };
                let ty = spelled_out(&field.ty);
                if let Some(migrate_from) = session.as_mut().and_then(|session| session.migrate_from.as_mut()) {
                    *migrate_from = spelled_out(migrate_from);
                }
                Field { ident, name, ty, docs, deprecated, allows, cookie, session }
            })
            .collect();

        Schema {
            ident: &input.ident,
            vis: &input.vis,
            input,
            handle,
            krate,
            cookie_budget,
            cookie_budget_span,
            schema_keys_read,
            fields,
            allows: allowed_lints(&input.attrs),
        }
    }
}

/// The `#[name ...]` attributes among `attrs`, to forward to the items generated from the one they are on:
/// what the user said of an item (its docs, that it is being phased out, the lints allowed on it) holds
/// for those as well.
fn attrs_named<'a>(attrs: &'a [Attribute], name: &str) -> Vec<&'a Attribute> {
    attrs.iter().filter(|attr| attr.path().is_ident(name)).collect()
}

/// The lints `attrs` allow, as `#[allow(...)]`s to forward: an `#[expect(...)]` becomes an `#[allow(...)]`
/// of the same lints, for the items generated from an item are not where the expected lint fires, and an
/// expectation they did not meet would be a warning of its own.
pub(crate) fn allowed_lints(attrs: &[Attribute]) -> Vec<Attribute> {
    let mut allowed = Vec::new();
    for attr in attrs {
        if attr.path().is_ident("allow") {
            allowed.push(attr.clone());
        } else if attr.path().is_ident("expect") {
            let mut allow = attr.clone();
            if let syn::Meta::List(list) = &mut allow.meta {
                list.path = Ident::new("allow", list.path.span()).into();
                allowed.push(allow);
            }
        }
    }
    allowed
}

/// The lints an `#[allow(...)]` names, without its `reason`.
fn allowed_lint_paths(allow: &Attribute) -> Vec<Path> {
    let metas = allow.parse_args_with(Punctuated::<syn::Meta, Token![,]>::parse_terminated).unwrap_or_default();
    metas
        .into_iter()
        .filter_map(|meta| match meta {
            syn::Meta::Path(lint) => Some(lint),
            _ => None,
        })
        .collect()
}

/// Whether `attrs` mark their item `#[deprecated]`.
pub(crate) fn is_deprecated(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|attr| attr.path().is_ident("deprecated"))
}

impl Schema<'_> {
    /// Whether the struct or one of its fields is `#[deprecated]`: the code generated for it must not warn
    /// of it, only the app's own uses of the handle and the accessors.
    pub(crate) fn deprecates_anything(&self) -> bool {
        is_deprecated(&self.input.attrs) || self.fields.iter().any(|field| !field.deprecated.is_empty())
    }

    /// The lints allowed on the `const _` block that holds the generated items: every lint the struct or a
    /// field allows, which the items' spans (the fields' types among them) may raise, and `deprecated` if
    /// anything is. Nothing else: a crate's `forbid` refuses any `allow` of the lint it forbids.
    pub(crate) fn block_allows(&self) -> TokenStream {
        let deprecated = self.deprecates_anything().then(|| Path::from(Ident::new("deprecated", Span::call_site())));
        let allowed = self.allows.iter().chain(self.fields.iter().flat_map(|field| &field.allows));
        // Each lint once, in one attribute, whatever reasons the fields gave: two fields that allow one lint
        // would otherwise put it on the block twice, which clippy's `duplicated_attributes` reports.
        let mut lints: Vec<Path> = Vec::new();
        for lint in deprecated.into_iter().chain(allowed.flat_map(allowed_lint_paths)) {
            if !lints.iter().any(|seen| seen.to_token_stream().to_string() == lint.to_token_stream().to_string()) {
                lints.push(lint);
            }
        }
        if lints.is_empty() {
            TokenStream::new()
        } else {
            quote!(#[allow(#(#lints),*)])
        }
    }
}

impl CookieAttr {
    fn parse(cx: &Ctxt, attr: &Attribute) -> Self {
        let mut cookie = CookieAttr {
            span: attr.path().span(),
            protections: Vec::new(),
            name: None,
            max_len: None,
            max_age_secs: None,
            http_only: None,
            secure: None,
            same_site: None,
            path: None,
            domain: None,
            partitioned: None,
            allow_sensitive: None,
            sensitive: None,
            server_only: Vec::new(),
            rename_from: None,
            incomplete: false,
        };
        if matches!(attr.meta, syn::Meta::Path(_)) {
            return cookie;
        }
        let mut seen = Vec::new();
        let all_read = parse_keys(cx, attr, COOKIE_KEYS, &mut seen, |key, meta| {
            let span = meta.path.span();
            match key {
                "plain" | "signed" | "private" if word(cx, meta)? => {
                    cookie.protections.push(Located { value: Protection::named(key), span });
                }
                "name" => cookie.name = cookie_name(cx, meta)?,
                "max_len" => cookie.max_len = Some(max_len(cx, meta)?.unwrap_or(Located { value: 0, span })),
                "max_age" => cookie.max_age_secs = max_age(cx, meta)?,
                "http_only" => cookie.http_only = flag(cx, meta)?,
                "secure" => cookie.secure = flag(cx, meta)?,
                "partitioned" => cookie.partitioned = flag(cx, meta)?,
                "same_site" => cookie.same_site = same_site(cx, meta)?,
                "path" => cookie.path = cookie_path(cx, meta)?,
                "domain" => cookie.domain = cookie_domain(cx, meta)?,
                "allow_sensitive" => cookie.allow_sensitive = reason(cx, meta)?,
                "rename_from" => cookie.rename_from = rename_from(cx, meta, Place::Cookie)?,
                "migrate_from" => migrate_from_on_cookie(cx, meta)?,
                "sensitive" => {
                    word(cx, meta)?;
                    cookie.sensitive = Some(span);
                }
                "owner" | "privilege" => {
                    word(cx, meta)?;
                    let value = if key == "owner" { "owner" } else { "privilege" };
                    cookie.server_only.push(Located { value, span });
                }
                "plain" | "signed" | "private" => {}
                _ => return Ok(false),
            }
            Ok(true)
        });
        cookie.incomplete = !all_read;
        cookie
    }
}

// The values of `#[cookie(...)]` keys, each `None` (with an error) when it cannot be used.

/// `name = "..."`: an RFC 6265 token.
fn cookie_name(cx: &Ctxt, meta: &ParseNestedMeta) -> syn::Result<Option<Located<String>>> {
    let Some(lit) = string(cx, meta)? else { return Ok(None) };
    if !names::is_cookie_token(&lit.value()) {
        cx.error(
            &lit,
            format!("`{}` is not a valid cookie name", lit.value().escape_debug()),
            "a cookie name is a non-empty RFC 6265 token: visible ASCII without spaces or any of \
             ()<>@,;:\\\"/[]?={}",
        );
        return Ok(None);
    }
    Ok(Some(Located { value: lit.value(), span: lit.span() }))
}

/// `max_len = N`: at least 1, and at most what a cookie holds. Kept when wrong (0 when unreadable), so the
/// field is not also reported as lacking `max_len`.
fn max_len(cx: &Ctxt, meta: &ParseNestedMeta) -> syn::Result<Option<Located<usize>>> {
    let max_len = match number(cx, meta)? {
        Some(Ok(max_len)) => max_len,
        Some(Err(span)) => return Ok(Some(Located { value: 0, span })),
        None => return Ok(None),
    };
    let n = max_len.value;
    if n == 0 {
        cx.error_at(
            max_len.span,
            "`max_len` must be at least 1",
            "give the most bytes (for strings) or elements (for sequences) the value may hold",
        );
    } else if n > MAX_COOKIE_BYTES {
        cx.error_at(
            max_len.span,
            format!(
                "`max_len = {n}` can never fit in a cookie: browsers keep at most {MAX_COOKIE_BYTES} bytes of name \
                 and value"
            ),
            "lower `max_len`, or keep the value on the server with `#[session]`",
        );
    }
    Ok(Some(max_len))
}

/// `max_age = "400d"`: in seconds, more than zero and at most the 400 days browsers keep a cookie.
fn max_age(cx: &Ctxt, meta: &ParseNestedMeta) -> syn::Result<Option<Located<u64>>> {
    let Some(lit) = string(cx, meta)? else { return Ok(None) };
    match parse_max_age(&lit.value()) {
        Some(0) => cx.error(
            &lit,
            "`max_age` must be longer than zero",
            "to delete a cookie, call the generated `remove_*` method",
        ),
        Some(secs) if secs > MAX_AGE_LIMIT_SECS => cx.error(
            &lit,
            format!("`max_age = \"{}\"` is longer than the 400 days browsers keep a cookie", lit.value()),
            "use at most `max_age = \"400d\"`",
        ),
        Some(secs) => return Ok(Some(Located { value: secs, span: lit.span() })),
        None => cx.error(&lit, format!("cannot read `max_age = {:?}`", lit.value()), MAX_AGE_HELP),
    }
    Ok(None)
}

/// `same_site = "lax" | "strict" | "none"`, in any case, as `Set-Cookie` reads it (`"Strict"`).
fn same_site(cx: &Ctxt, meta: &ParseNestedMeta) -> syn::Result<Option<Located<SameSite>>> {
    let Some(lit) = string(cx, meta)? else { return Ok(None) };
    let value = match lit.value().to_ascii_lowercase().as_str() {
        "lax" => SameSite::Lax,
        "strict" => SameSite::Strict,
        "none" => SameSite::None,
        _ => {
            cx.error(
                &lit,
                format!("unknown `same_site = {:?}`", lit.value()),
                "use \"lax\" (the default), \"strict\" or \"none\"",
            );
            return Ok(None);
        }
    };
    Ok(Some(Located { value, span: lit.span() }))
}

/// `path = "/..."`: starting with `/`, without spaces, `;` or control characters.
fn cookie_path(cx: &Ctxt, meta: &ParseNestedMeta) -> syn::Result<Option<Located<String>>> {
    let Some(lit) = attribute_value(cx, meta)? else { return Ok(None) };
    let path = lit.value();
    if !(path.starts_with('/') && path.bytes().all(|b| b.is_ascii_graphic() && b != b';')) {
        cx.error(
            &lit,
            format!("`path = {path:?}` is not a valid cookie path"),
            "a path starts with `/` and has no spaces, `;` or control characters",
        );
        return Ok(None);
    }
    Ok(Some(Located { value: path, span: lit.span() }))
}

/// `domain = "example.com"`: a host name.
fn cookie_domain(cx: &Ctxt, meta: &ParseNestedMeta) -> syn::Result<Option<Located<String>>> {
    let Some(lit) = attribute_value(cx, meta)? else { return Ok(None) };
    let domain = lit.value();
    // The rule `SessionLayer::with_cookie_domain` applies: a host name, perhaps after one leading dot, with no
    // empty label (`example.com.` or `example..com` matches no host, so browsers drop the cookie).
    let host = domain.strip_prefix('.').unwrap_or(&domain);
    let host_name = host.bytes().all(|b| b.is_ascii_alphanumeric() || b"-.".contains(&b))
        && host.len() <= 253
        && host.split('.').all(|label| !label.is_empty());
    if !host_name {
        cx.error(
            &lit,
            format!("`domain = {domain:?}` is not a valid domain"),
            "write a host name such as `domain = \"example.com\"`",
        );
        return Ok(None);
    }
    Ok(Some(Located { value: domain, span: lit.span() }))
}

impl SessionAttr {
    fn parse(cx: &Ctxt, attr: &Attribute) -> Self {
        let mut session = SessionAttr {
            span: attr.path().span(),
            sensitive: false,
            flash: false,
            name: None,
            owner: None,
            privilege: None,
            rename_from: None,
            migrate_from: None,
        };
        if matches!(attr.meta, syn::Meta::Path(_)) {
            return session;
        }
        let mut seen = Vec::new();
        parse_keys(cx, attr, SESSION_KEYS, &mut seen, |key, meta| {
            match key {
                "sensitive" => session.sensitive = word(cx, meta)?,
                "flash" => session.flash = word(cx, meta)?,
                "owner" => session.owner = word(cx, meta)?.then(|| meta.path.span()),
                "privilege" => session.privilege = word(cx, meta)?.then(|| meta.path.span()),
                "name" => {
                    if let Some(lit) = string(cx, meta)? {
                        if lit.value().is_empty() {
                            cx.error(&lit, "a store key cannot be empty", "omit `name` to use the field name");
                        } else if !refused_store_key(cx, &lit) {
                            session.name = Some(Located { value: lit.value(), span: lit.span() });
                        }
                    }
                }
                "rename_from" => session.rename_from = rename_from(cx, meta, Place::Session)?,
                "migrate_from" => session.migrate_from = type_value(cx, meta)?,
                _ => return Ok(false),
            }
            Ok(true)
        });
        session
    }
}

/// `ident` (raw, like `r#Type`, or not) at `span`: the span of the string it was parsed from.
fn respan(ident: &Ident, span: Span) -> Ident {
    let mut ident = ident.clone();
    ident.set_span(span);
    ident
}
