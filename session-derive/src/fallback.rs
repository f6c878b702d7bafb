//! After errors: the errors themselves, plus a stub of everything the derive would have generated, so the
//! user's handlers and schemas still type-check and only the real mistakes are reported.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{ext::IdentExt, DeriveInput};

use crate::{
    attr::Schema,
    ctxt::to_compile_errors,
    expand::{handle_impls, handle_struct, Bodies},
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
    let (impl_generics, type_generics, where_clause) = input.generics.split_for_impl();
    quote! {
        #errors
        #handle_struct

        // As in the real expansion: a `#[deprecated]` field warns where the app uses it, not here.
        #[doc(hidden)]
        #[allow(deprecated)]
        const _: () = {
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
