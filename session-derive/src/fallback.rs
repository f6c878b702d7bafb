//! After errors: the errors themselves, plus a stub of everything the derive would have generated, so the
//! user's handlers and schemas still type-check and only the real mistakes are reported, with the checks
//! that need the fields' types, so that those mistakes are reported in the same build.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{ext::IdentExt, DeriveInput};

use crate::{
    attr::{Field, Schema, MAX_COOKIE_BYTES},
    ctxt::to_compile_errors,
    expand::{budget_check, field_items, handle_impls, handle_struct, Bodies, FieldItems, NameChecks},
    valid::{name_findings, secret_type, unbounded_type},
};

pub(crate) fn schema(input: &DeriveInput, schema: &Schema, errors: Vec<syn::Error>) -> TokenStream {
    let errors = to_compile_errors(errors);
    // A lifetime of the struct would be undeclared in the stub's accessors, a follow-on error of its own.
    if input.generics.lifetimes().next().is_some() {
        return errors;
    }
    let Schema { ident, handle, krate, .. } = schema;
    let private = quote!(#krate::__private);
    let name = ident.unraw().to_string();
    let handle_struct = handle_struct(schema);
    let handle_impls = handle_impls(schema, Bodies::Stub);
    let block_allows = schema.block_allows();
    // A generic schema is an error of its own, and its fields' types may name its parameters. The budget
    // counts the cookies checked here, a part of them all, so it is exceeded only if the whole is; it waits
    // for the next build when a `#[schema]` key had an error: a misspelt `cookie_budget` would be checked
    // as the default.
    let checked = if input.generics.params.is_empty() {
        let FieldItems { checks, max_bytes, .. } = field_items(schema, Bodies::Stub, type_checks);
        let budget = schema.schema_keys_read.then(|| budget_check(schema, &max_bytes));
        quote!(#(#checks)* #budget)
    } else {
        TokenStream::new()
    };
    let (impl_generics, type_generics, where_clause) = input.generics.split_for_impl();
    quote! {
        #errors
        #handle_struct

        // As in the real expansion: a `#[deprecated]` field warns where the app uses it, not here.
        #[doc(hidden)]
        #block_allows
        const _: () = {
            #checked
            #handle_impls
        };

        #[automatically_derived]
        impl #impl_generics #private::SessionSchema for #ident #type_generics #where_clause {
            type Handle = #handle;
            const NAME: &'static ::core::primitive::str = #name;
            const FIELDS: &'static [#private::FieldInfo] = &[];
        }
    }
}

/// Which checks on `field`'s type can run beside its errors without repeating them, if any: only for a
/// field routed to one place, and for a cookie, one whose keys all parsed (a misspelt one could be
/// `max_len`), whose type is no `Secret` and whose size is not in question already (all reported); the
/// checks on the names its type's derive carries only where the names as written showed nothing of the
/// kind, and the plain one only where the protection is clear.
fn type_checks(field: &Field) -> Option<NameChecks> {
    match (&field.cookie, &field.session) {
        (Some(cookie), None) => {
            let size_reported = match &cookie.max_len {
                Some(max_len) => max_len.value == 0 || max_len.value > MAX_COOKIE_BYTES,
                None => unbounded_type(&field.ty).is_some(),
            };
            if cookie.incomplete || secret_type(&field.ty).is_some() || size_reported {
                return None;
            }
            let name_span = cookie.name.as_ref().map_or(field.ident.span(), |name| name.span);
            let found = name_findings(field, &field.cookie_name(cookie), name_span);
            Some(NameChecks {
                sensitive: found.sensitive.is_empty() && cookie.sensitive.is_none(),
                plain: found.authorization.is_empty() && cookie.protections.len() <= 1,
            })
        }
        (None, Some(_)) => Some(NameChecks::ALL),
        _ => None,
    }
}

/// After errors in `#[derive(CookieValue)]`: a `CookieValue` impl that is never run, so a schema that routes
/// the type to a cookie reports no missing impl under the real mistake.
pub(crate) fn cookie_value(input: &DeriveInput, krate: &TokenStream, errors: Vec<syn::Error>) -> TokenStream {
    let errors = to_compile_errors(errors);
    let ident = &input.ident;
    let private = quote!(#krate::__private);
    let (impl_generics, type_generics, where_clause) = input.generics.split_for_impl();
    quote! {
        #errors

        #[automatically_derived]
        impl #impl_generics #private::CookieValue for #ident #type_generics #where_clause {
            const BOUND: #private::Bound = #private::Bound::Fixed(0);

            fn encode(&self, _: &mut #private::String) {
                ::core::unreachable!()
            }

            fn decode(_: &::core::primitive::str) -> ::core::option::Option<Self> {
                ::core::option::Option::None
            }
        }
    }
}
