//! `#[derive(CookieValue)]`: unit enums as their snake_case variant names, structs as their fields joined
//! like a tuple.
//!
//! A `CookieValue` exists to be put in a cookie, so a struct field whose name looks sensitive is refused here,
//! where its name is known: the schema that routes the struct to a cookie sees only the type's name.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned, ToTokens};
use syn::{ext::IdentExt, spanned::Spanned};
use syn::{Data, DeriveInput, Fields};

use crate::{
    attr::{allowed_lints, is_deprecated},
    ctxt::Ctxt,
    meta::{key_name, parse_keys, reason, skip_value, string},
    names,
    tokens::option,
    valid::{mentions, secret_type, type_names},
};

/// The keys of `#[cookie_value]` on a struct field.
const FIELD_KEYS: &str = "allow_sensitive";

pub(crate) fn derive(input: &DeriveInput) -> TokenStream {
    let cx = Ctxt::new();
    let krate = krate(&cx, input);
    let output = match &input.data {
        Data::Enum(data) => unit_enum(&cx, input, &krate, data),
        Data::Struct(data) => structure(&cx, input, &krate, &data.fields),
        Data::Union(data) => {
            cx.error_at(
                data.union_token.span,
                "`CookieValue` cannot be derived for a union",
                "use a unit enum or a struct",
            );
            TokenStream::new()
        }
    };
    match cx.check() {
        Ok(()) => output,
        Err(errors) => crate::fallback::cookie_value(input, &krate, errors),
    }
}

/// The lints allowed on the `const _` block that holds the generated impl: those the type allows, and
/// `deprecated` if the type is, whose impl must not warn of it. Nothing else: a crate's `forbid` refuses
/// any `allow` of the lint it forbids.
fn block_allows(input: &DeriveInput) -> TokenStream {
    let own = allowed_lints(&input.attrs);
    let deprecated = is_deprecated(&input.attrs).then(|| quote!(#[allow(deprecated)]));
    quote!(#deprecated #(#own)*)
}

/// The runtime crate: `::session_core`, or the path of `#[cookie_value(crate = "...")]` on the type (the
/// same override as `#[schema(crate = "...")]`).
fn krate(cx: &Ctxt, input: &DeriveInput) -> TokenStream {
    let mut krate = quote!(::session_core);
    let mut seen = Vec::new();
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("cookie_value")) {
        let result = attr.parse_nested_meta(|meta| {
            if duplicate_key(cx, &meta, &mut seen)? {
                return Ok(());
            }
            if meta.path.is_ident("crate") {
                let Some(lit) = string(cx, &meta)? else { return Ok(()) };
                match lit.parse::<syn::Path>() {
                    Ok(path) => krate = quote!(#path),
                    Err(_) => cx.error(
                        &lit,
                        "`crate` must be a path",
                        "name the runtime crate as it is imported, such as `crate = \"::session_core\"`",
                    ),
                }
            } else {
                let help = if meta.path.is_ident("rename") {
                    "`rename` goes on a variant; the valid key on the type is: crate"
                } else {
                    "the valid key on the type is: crate"
                };
                unknown_key(cx, &meta, help)?;
            }
            Ok(())
        });
        if let Err(error) = result {
            cx.syn_error(error);
        }
    }
    krate
}

/// Reports a key given twice to one type or variant (across its `#[cookie_value]` attributes too), and skips
/// its value; otherwise notes it in `seen`. A second `rename` would otherwise silently win over the first.
fn duplicate_key(cx: &Ctxt, meta: &syn::meta::ParseNestedMeta, seen: &mut Vec<String>) -> syn::Result<bool> {
    let key = key_name(meta);
    if !seen.contains(&key) {
        seen.push(key);
        return Ok(false);
    }
    cx.error(&meta.path, format!("duplicate key `{key}` in `#[cookie_value]`"), "give each key once");
    skip_value(meta)?;
    Ok(true)
}

/// Reports an unknown key of `#[cookie_value]` and skips its value, so parsing goes on.
fn unknown_key(cx: &Ctxt, meta: &syn::meta::ParseNestedMeta, help: &str) -> syn::Result<()> {
    let key = meta.path.to_token_stream().to_string().replace(' ', "");
    cx.error(&meta.path, format!("unknown key `{key}` in `#[cookie_value]`"), help);
    if meta.input.peek(syn::Token![=]) {
        meta.value()?.parse::<syn::Expr>()?;
    }
    Ok(())
}

/// True if `text` can stand in a cookie as it is and inside a composite without escaping: RFC 6265
/// cookie-octets, minus the escape `%` and the separator `:`.
fn is_plain_cookie_word(text: &str) -> bool {
    !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_graphic() && !matches!(b, b'"' | b',' | b';' | b'\\' | b'%' | b':'))
}

/// What [`check_field_name`] found of a field.
struct FieldCheck {
    /// `#[cookie_value(allow_sensitive = "reason")]` says why whatever the field holds is harmless, so
    /// none of its type's reasons is passed on either.
    allowed: bool,
    /// For a field named like authorization or identity data, why the value must not go in a `plain`
    /// cookie, which the schema derive checks.
    not_for_plain: Option<String>,
}

/// Refuses a field of `ident` whose name, or the name of a type in its type (`last_login: Password`), looks
/// sensitive, unless `#[cookie_value(allow_sensitive = "reason")]` says why it is harmless.
fn check_field_name(cx: &Ctxt, ident: &syn::Ident, index: usize, field: &syn::Field) -> FieldCheck {
    let mut allowed = None;
    let mut seen = Vec::new();
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("cookie_value")) {
        parse_keys(cx, attr, FIELD_KEYS, &mut seen, |key, meta| {
            match key {
                "allow_sensitive" => allowed = reason(cx, meta)?,
                _ => return Ok(false),
            }
            Ok(true)
        });
    }
    let name_text = field.ident.as_ref().map_or_else(|| index.to_string(), |name| name.unraw().to_string());
    // No reason makes a `Secret` harmless in a cookie: `allow_sensitive` cannot let it in.
    if let Some(secret) = secret_type(&field.ty) {
        cx.error(
            secret,
            format!("field `{name_text}` of `{ident}` holds a `Secret`, which can never be stored in a cookie"),
            format!("move `{name_text}` out of `{ident}`, into a `#[session(sensitive)]` field of the schema"),
        );
        return FieldCheck { allowed: false, not_for_plain: None };
    }
    if allowed.is_some() {
        return FieldCheck { allowed: true, not_for_plain: None };
    }
    let types = type_names(&field.ty);
    // The field's name first, then the names in its type, each with what to say about the type.
    let found = |part_of: fn(&str) -> Option<String>| {
        let own =
            field.ident.as_ref().and_then(|name| part_of(&name_text).map(|part| (part, name.span(), String::new())));
        own.or_else(|| {
            types.iter().find_map(|ty| {
                names::part_of_type_name(part_of, &ty.unraw().to_string())
                    .map(|part| (part, ty.span(), format!(" (of type `{ty}`)")))
            })
        })
    };
    if let Some((part, span, holds)) = found(names::sensitive_part) {
        cx.error_at(
            span,
            format!("field `{name_text}`{holds} of `{ident}` looks like it holds sensitive data (`{part}`), and a `CookieValue` goes in a cookie"),
            format!("move `{name_text}` out of `{ident}`, into a `#[session(sensitive)]` field of the schema; if it is truly harmless, say why with `#[cookie_value(allow_sensitive = \"...\")]` on `{name_text}`"),
        );
        return FieldCheck { allowed: false, not_for_plain: None };
    }
    let not_for_plain = found(names::authorization_part).map(|(part, _, holds)| {
        format!(
            "a `plain` cookie would let the user change `{name_text}`{holds} of `{ident}`, which looks like \
             authorization or identity data (`{part}`)\n\nhelp: keep the field on the server with `#[session]`: a \
             cookie, even a `signed` one, can be sent again after the server takes the right away; where a \
             tamper-evident copy is enough, remove `plain` (`signed` is the default); if changing `{name_text}` \
             grants nothing, say why with `#[cookie_value(allow_sensitive = \"...\")]` on it"
        )
    });
    FieldCheck { allowed: false, not_for_plain }
}

/// Why a value of the type `ident` must not leave the server, and why a user must not change it, by the
/// type's own name (`AuthToken`, `Role`): the schema derive reads the names of the types in a field's type
/// as written, and these carry the type's own name to it when the field names it otherwise (a type alias,
/// `use ... as`).
fn own_name_reasons(ident: &syn::Ident) -> (Option<String>, Option<String>) {
    let name = ident.unraw().to_string();
    let sensitive = names::part_of_type_name(names::sensitive_part, &name).map(|part| {
        format!(
            "this cookie holds `{name}` (under another name here), which looks like sensitive data \
             (`{part}`)\n\nhelp: keep it on the server with `#[session(sensitive)]`; if it is truly harmless, say \
             why with `#[cookie(allow_sensitive = \"...\")]`"
        )
    });
    let authorization = names::part_of_type_name(names::authorization_part, &name).map(|part| {
        format!(
            "a `plain` cookie would let the user change `{name}` (under another name here), which looks like \
             authorization or identity data (`{part}`)\n\nhelp: keep it on the server with `#[session]`: a cookie, \
             even a `signed` one, can be sent again after the server takes the right away; where a tamper-evident \
             copy is enough, remove `plain` (`signed` is the default); if changing it grants nothing, say why \
             with `#[cookie(allow_sensitive = \"...\")]`"
        )
    });
    (sensitive, authorization)
}

fn unit_enum(cx: &Ctxt, input: &DeriveInput, krate: &TokenStream, data: &syn::DataEnum) -> TokenStream {
    let ident = &input.ident;
    let private = quote!(#krate::__private);
    let mut variants = Vec::new();
    let mut encodings = Vec::new();
    for variant in &data.variants {
        if !matches!(variant.fields, Fields::Unit) {
            cx.error(
                variant,
                format!(
                    "variant `{}` carries data; a derived `CookieValue` enum can only have unit variants",
                    variant.ident
                ),
                "keep data-carrying enums on the server with `#[session]`, or implement `CookieValue` by hand",
            );
            continue;
        }
        let mut encoding = names::snake_case(&variant.ident.unraw().to_string());
        // A `rename` given, valid or reported, or an attribute that did not parse (which may have held one):
        // either way the name the variant would have is not what to report.
        let mut renamed = false;
        let mut seen = Vec::new();
        for attr in variant.attrs.iter().filter(|a| a.path().is_ident("cookie_value")) {
            let result = attr.parse_nested_meta(|meta| {
                if duplicate_key(cx, &meta, &mut seen)? {
                    return Ok(());
                }
                if meta.path.is_ident("rename") {
                    renamed = true;
                    let Some(lit) = string(cx, &meta)? else { return Ok(()) };
                    let value = lit.value();
                    // Separator-free and escape-free, so the variant can sit in a composite unescaped.
                    if is_plain_cookie_word(&value) {
                        encoding = value;
                    } else {
                        cx.error(
                            &lit,
                            format!("`rename = {value:?}` cannot be stored in a cookie as it is"),
                            "use visible ASCII without spaces or any of `\"` `,` `;` `\\` `%` `:`",
                        );
                    }
                    Ok(())
                } else {
                    unknown_key(cx, &meta, "the valid key on a variant is: rename")
                }
            });
            if let Err(error) = result {
                renamed = true;
                cx.syn_error(error);
            }
        }
        if !renamed && !is_plain_cookie_word(&encoding) {
            cx.error(
                &variant.ident,
                format!(
                    "variant `{}` would be stored as `{encoding}`, which a cookie cannot hold as it is",
                    variant.ident
                ),
                "give it an ASCII name in the cookie with `#[cookie_value(rename = \"...\")]`",
            );
        }
        if encodings.contains(&encoding) {
            cx.error(
                &variant.ident,
                format!("two variants encode as `{encoding}`"),
                "give one of them another `#[cookie_value(rename = \"...\")]`",
            );
        }
        variants.push(&variant.ident);
        encodings.push(encoding);
    }
    if data.variants.is_empty() {
        cx.error(ident, "an enum without variants has no value to store", "add at least one variant");
    }
    let longest = encodings.iter().map(String::len).max().unwrap_or(0);
    // Quoted: an encoding never holds `"`, so the schema lock can read the variants back whatever else
    // they hold.
    let quoted: Vec<String> = encodings.iter().map(|encoding| format!("\"{encoding}\"")).collect();
    let shape = format!("enum {{{}}}", quoted.join(" | "));
    let (not_for_cookies, not_for_plain) = own_name_reasons(ident);
    let (not_for_cookies, not_for_plain) = (option(not_for_cookies), option(not_for_plain));
    // A unit enum may still have parameters (`const N: usize`) that its variants do not use.
    let (impl_generics, type_generics, where_clause) = input.generics.split_for_impl();
    let block_allows = block_allows(input);
    quote! {
        #[doc(hidden)]
        #block_allows
        const _: () = {
            #[automatically_derived]
            impl #impl_generics #private::CookieValue for #ident #type_generics #where_clause {
                const BOUND: #private::Bound = #private::Bound::Fixed(#longest);
                const SEPARATOR_FREE: ::core::primitive::bool = true;
                const NOT_FOR_PLAIN_COOKIES: ::core::option::Option<&'static ::core::primitive::str> = #not_for_plain;
                const NOT_FOR_COOKIES: ::core::option::Option<&'static ::core::primitive::str> = #not_for_cookies;

                fn shape() -> #private::String {
                    <#private::String as ::core::convert::From<&::core::primitive::str>>::from(#shape)
                }

                fn encode(&self, out: &mut #private::String) {
                    out.push_str(match self {
                        #(Self::#variants => #encodings,)*
                    });
                }

                fn decode(encoded: &::core::primitive::str) -> ::core::option::Option<Self> {
                    match encoded {
                        #(#encodings => ::core::option::Option::Some(Self::#variants),)*
                        _ => ::core::option::Option::None,
                    }
                }
            }
        };
    }
}

fn structure(cx: &Ctxt, input: &DeriveInput, krate: &TokenStream, fields: &Fields) -> TokenStream {
    let ident = &input.ident;
    let private = quote!(#krate::__private);
    // Why a user must not change the value: its own name, a field of its own, else one of a field's type;
    // and why it must not leave the server: its own name, else one of a field's type.
    let (own_sensitive, own_authorization) = own_name_reasons(ident);
    let checks: Vec<FieldCheck> =
        fields.iter().enumerate().map(|(index, field)| check_field_name(cx, ident, index, field)).collect();
    let fields_own = checks.iter().find_map(|check| check.not_for_plain.clone());
    let mut reasons = vec![option(own_authorization.or(fields_own))];
    let mut sensitive_reasons = vec![option(own_sensitive)];
    let members: Vec<syn::Member> = fields
        .iter()
        .enumerate()
        .map(|(index, field)| match &field.ident {
            Some(name) => syn::Member::Named(name.clone()),
            None => syn::Member::Unnamed(index.into()),
        })
        .collect();
    // Every parameter a field's type can mention: types, consts (`[u8; N]`) and lifetimes.
    let generics: Vec<&syn::Ident> = input
        .generics
        .params
        .iter()
        .map(|param| match param {
            syn::GenericParam::Type(param) => &param.ident,
            syn::GenericParam::Const(param) => &param.ident,
            syn::GenericParam::Lifetime(param) => &param.lifetime.ident,
        })
        .collect();
    let (impl_generics, type_generics, where_clause) = input.generics.split_for_impl();
    let mut where_clause = where_clause.cloned().unwrap_or_else(|| syn::parse_quote!(where));
    // A field of a concrete type goes through a marker (`CookiePart`), so a type that is not a
    // `CookieValue` is reported once, on the field. A field that mentions a parameter cannot (the marker
    // cannot name the parameter), nor one that mentions `Self` (in the marker, `Self` is the marker); it
    // gets a `where` bound instead, in the impl, where `Self` is the type, which callers must satisfy.
    let self_type = syn::Ident::new("Self", proc_macro2::Span::call_site());
    let mut markers = Vec::new();
    let mut bounds = Vec::new();
    let mut encoders = Vec::new();
    let mut decoders = Vec::new();
    let mut shapes = Vec::new();
    for (index, field) in fields.iter().enumerate() {
        let ty = &field.ty;
        let passes_on = !checks[index].allowed;
        if generics.iter().chain([&&self_type]).any(|param| mentions(ty, param)) {
            where_clause.predicates.push(syn::parse_quote!(#ty: #private::CookieValue));
            if passes_on {
                reasons.push(quote!(<#ty as #private::CookieValue>::NOT_FOR_PLAIN_COOKIES));
                sensitive_reasons.push(quote!(<#ty as #private::CookieValue>::NOT_FOR_COOKIES));
            }
            bounds.push(
                quote!(<#ty as #private::CookieValue>::BOUND.embedded(<#ty as #private::CookieValue>::SEPARATOR_FREE)),
            );
            encoders.push(quote!(#private::encode_part::<#ty>));
            decoders.push(quote!(#private::decode_part::<#ty>));
            shapes.push(quote!(<#ty as #private::CookieValue>::shape()));
        } else {
            let marker = format_ident!("__Part{}", index);
            let value = quote_spanned!(ty.span()=> type Value = #ty;);
            markers.push(quote! {
                struct #marker;

                impl #private::CookiePart for #marker {
                    #value
                }
            });
            bounds.push(quote!(<#marker as #private::CookiePart>::BOUND));
            if passes_on {
                reasons.push(quote!(<#marker as #private::CookiePart>::NOT_FOR_PLAIN_COOKIES));
                sensitive_reasons.push(quote!(<#marker as #private::CookiePart>::NOT_FOR_COOKIES));
            }
            encoders.push(quote!(#private::encode_field::<#marker>));
            decoders.push(quote!(#private::decode_field::<#marker>));
            shapes.push(quote!(<#marker as #private::CookiePart>::shape()));
        }
    }
    // `name: ` before a named field's shape, nothing before a tuple struct's.
    let labels: Vec<String> = fields
        .iter()
        .map(|field| field.ident.as_ref().map(|name| format!("{}: ", name.unraw())).unwrap_or_default())
        .collect();
    // Trait methods by their paths, here and below: the type may be declared where the prelude is not.
    let next_part = quote!(::core::iter::Iterator::next(&mut __parts));
    let construct = match fields {
        Fields::Named(_) => quote!(#ident { #(#members: #decoders(#next_part?)?,)* }),
        Fields::Unnamed(_) => quote!(#ident ( #(#decoders(#next_part?)?,)* )),
        Fields::Unit => quote!(#ident),
    };
    let encode = members.iter().zip(&encoders).enumerate().map(|(index, (member, encoder))| {
        let separator = (index > 0).then(|| quote!(out.push(#private::SEPARATOR as ::core::primitive::char);));
        quote! {
            #separator
            #encoder(&self.#member, out);
        }
    });
    let decode = if members.is_empty() {
        quote!(encoded.is_empty().then_some(#construct))
    } else {
        quote! {
            let mut __parts = encoded.split(#private::SEPARATOR as ::core::primitive::char);
            let __value = #construct;
            #next_part.is_none().then_some(__value)
        }
    };
    let block_allows = block_allows(input);
    quote! {
        #[doc(hidden)]
        #block_allows
        const _: () = {
            #(#markers)*

            #[automatically_derived]
            impl #impl_generics #private::CookieValue for #ident #type_generics #where_clause {
                const BOUND: #private::Bound = #private::Bound::join(&[#(#bounds),*]);
                const NOT_FOR_PLAIN_COOKIES: ::core::option::Option<&'static ::core::primitive::str> =
                    #private::first_reason(&[#(#reasons),*]);
                const NOT_FOR_COOKIES: ::core::option::Option<&'static ::core::primitive::str> =
                    #private::first_reason(&[#(#sensitive_reasons),*]);

                // Its fields joined like a tuple's, each after its name: the encoding is positional, so
                // fields of one type that swap places swap values, and the schema lock must see it.
                fn shape() -> #private::String {
                    let parts: &[#private::String] = &[#(#private::format!("{}{}", #labels, #shapes)),*];
                    #private::format!("({})", parts.join(", "))
                }

                fn encode(&self, out: &mut #private::String) {
                    #(#encode)*
                }

                fn decode(encoded: &::core::primitive::str) -> ::core::option::Option<Self> {
                    #decode
                }
            }
        };
    }
}
