//! `#[derive(CookieValue)]`: unit enums as their snake_case variant names, structs as their fields joined
//! like a tuple.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Data, DeriveInput, Fields, LitStr};

use crate::{ctxt::Ctxt, names};

pub(crate) fn derive(input: &DeriveInput) -> TokenStream {
    let cx = Ctxt::new();
    let output = match &input.data {
        Data::Enum(data) => unit_enum(&cx, input, data),
        Data::Struct(data) => structure(input, &data.fields),
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
        Err(errors) => crate::ctxt::to_compile_errors(errors),
    }
}

fn krate(input: &DeriveInput) -> TokenStream {
    // The same `crate = "..."` override as the schema derive, under `#[cookie_value(crate = "...")]`.
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("cookie_value")) {
        let mut path = None;
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("crate") {
                let lit: LitStr = meta.value()?.parse()?;
                path = lit.parse::<syn::Path>().ok();
            }
            Ok(())
        });
        if let Some(path) = path {
            return quote!(#path);
        }
    }
    quote!(::session_core)
}

fn unit_enum(cx: &Ctxt, input: &DeriveInput, data: &syn::DataEnum) -> TokenStream {
    let ident = &input.ident;
    let krate = krate(input);
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
        let mut encoding = names::snake_case(&variant.ident.to_string());
        for attr in variant.attrs.iter().filter(|a| a.path().is_ident("cookie_value")) {
            let result = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    let lit: LitStr = meta.value()?.parse()?;
                    let value = lit.value();
                    // Separator-free and escape-free, so the variant can sit in a composite unescaped.
                    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)) {
                        encoding = value;
                    } else {
                        cx.error(
                            &lit,
                            format!("`rename = {value:?}` is not a plain cookie word"),
                            "use letters, digits, `-`, `_` and `.` only",
                        );
                    }
                    Ok(())
                } else {
                    Err(meta.error("unknown key in `#[cookie_value]`\n\nhelp: the valid key on a variant is: rename"))
                }
            });
            if let Err(error) = result {
                cx.syn_error(error);
            }
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
    quote! {
        #[doc(hidden)]
        const _: () = {
            #[automatically_derived]
            impl #private::CookieValue for #ident {
                const BOUND: #private::Bound = #private::Bound::Fixed(#longest);
                const SEPARATOR_FREE: bool = true;

                fn encode(&self, out: &mut #private::String) {
                    out.push_str(match self {
                        #(#ident::#variants => #encodings,)*
                    });
                }

                fn decode(encoded: &str) -> ::core::option::Option<Self> {
                    match encoded {
                        #(#encodings => ::core::option::Option::Some(#ident::#variants),)*
                        _ => ::core::option::Option::None,
                    }
                }
            }
        };
    }
}

fn structure(input: &DeriveInput, fields: &Fields) -> TokenStream {
    let ident = &input.ident;
    let krate = krate(input);
    let private = quote!(#krate::__private);
    let members: Vec<syn::Member> = fields
        .iter()
        .enumerate()
        .map(|(index, field)| match &field.ident {
            Some(name) => syn::Member::Named(name.clone()),
            None => syn::Member::Unnamed(index.into()),
        })
        .collect();
    let types: Vec<&syn::Type> = fields.iter().map(|field| &field.ty).collect();
    let (impl_generics, type_generics, where_clause) = input.generics.split_for_impl();
    let mut where_clause = where_clause.cloned().unwrap_or_else(|| syn::parse_quote!(where));
    for ty in &types {
        where_clause.predicates.push(syn::parse_quote!(#ty: #private::CookieValue));
    }
    let construct = match fields {
        Fields::Named(_) => quote!(#ident { #(#members: #private::decode_part::<#types>(__parts.next()?)?,)* }),
        Fields::Unnamed(_) => quote!(#ident ( #(#private::decode_part::<#types>(__parts.next()?)?,)* )),
        Fields::Unit => quote!(#ident),
    };
    let first = members.first();
    let rest = members.iter().skip(1);
    let encode = match first {
        Some(first) => quote! {
            #private::encode_part(&self.#first, out);
            #(
                out.push(#private::SEPARATOR as char);
                #private::encode_part(&self.#rest, out);
            )*
        },
        None => TokenStream::new(),
    };
    let decode = if members.is_empty() {
        quote!(encoded.is_empty().then_some(#construct))
    } else {
        quote! {
            let mut __parts = encoded.split(#private::SEPARATOR as char);
            let __value = #construct;
            __parts.next().is_none().then_some(__value)
        }
    };
    quote! {
        #[doc(hidden)]
        const _: () = {
            #[automatically_derived]
            impl #impl_generics #private::CookieValue for #ident #type_generics #where_clause {
                const BOUND: #private::Bound = #private::Bound::join(&[
                    #(<#types as #private::CookieValue>::BOUND.embedded(<#types as #private::CookieValue>::SEPARATOR_FREE)),*
                ]);

                fn encode(&self, out: &mut #private::String) {
                    #encode
                }

                fn decode(encoded: &str) -> ::core::option::Option<Self> {
                    #decode
                }
            }
        };
    }
}
