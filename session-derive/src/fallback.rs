//! After errors: the errors themselves, plus a stub of everything the derive would have generated, so the
//! user's handlers and schemas still type-check and only the real mistakes are reported, with the checks
//! that need the fields' types, so that those mistakes are reported in the same build.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{ext::IdentExt, DeriveInput};

use crate::{
    attr::{Field, Schema, MAX_COOKIE_BYTES},
    ctxt::to_compile_errors,
    expand::{budget_check, field_items, handle_impls, handle_struct, Bodies},
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
    // A generic schema is an error of its own, and its fields' types may name its parameters.
    let checked = if input.generics.params.is_empty() {
        let items = field_items(schema, Bodies::Stub, types_can_be_checked);
        let budget_check = budget_check(schema, &items.max_bytes);
        let checks = items.checks;
        quote!(#(#checks)* #budget_check)
    } else {
        TokenStream::new()
    };
    let (impl_generics, type_generics, where_clause) = input.generics.split_for_impl();
    quote! {
        #errors
        #handle_struct

        // As in the real expansion: a `#[deprecated]` field warns where the app uses it, not here.
        #[doc(hidden)]
        #[allow(deprecated)]
        const _: () = {
            #checked
            #handle_impls
        };

        #[automatically_derived]
        impl #impl_generics #private::SessionSchema for #ident #type_generics #where_clause {
            type Handle = #handle;
            const NAME: &'static str = #name;
            const FIELDS: &'static [#private::FieldInfo] = &[];
        }
    }
}

/// Whether the checks on `field`'s type can run beside its errors without repeating them: a field routed
/// to one place, and for a cookie, one whose keys all parsed (a misspelt one could be `max_len`), whose
/// type is no `Secret`, not named like sensitive data, and whose size is not in question already (all
/// reported).
fn types_can_be_checked(field: &Field) -> bool {
    match (&field.cookie, &field.session) {
        (Some(cookie), None) => {
            let size_reported = match &cookie.max_len {
                Some(max_len) => max_len.value == 0 || max_len.value > MAX_COOKIE_BYTES,
                None => unbounded_type(field.ty).is_some(),
            };
            let name_span = cookie.name.as_ref().map_or(field.ident.span(), |name| name.span);
            let findings = name_findings(field, &field.cookie_name(cookie), name_span);
            let type_named = findings.sensitive.iter().chain(&findings.authorization).any(|found| found.ty.is_some());
            !cookie.incomplete && secret_type(field.ty).is_none() && !size_reported && !type_named
        }
        (None, Some(_)) => true,
        _ => false,
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

            fn decode(_: &str) -> ::core::option::Option<Self> {
                ::core::option::Option::None
            }
        }
    }
}
