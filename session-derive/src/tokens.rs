//! Token helpers every stage uses: a type as the user wrote it, for messages and the schema lock, and an
//! `Option` spelled out for generated code.

use proc_macro2::TokenStream;
use quote::{quote, ToTokens};

/// A type as written, without the spaces `quote` puts around punctuation.
pub(crate) fn type_name(ty: &syn::Type) -> String {
    let mut text = ty.to_token_stream().to_string();
    for (from, to) in
        [(" < ", "<"), (" <", "<"), ("< ", "<"), (" >", ">"), (" :: ", "::"), (":: ", "::"), (" ,", ","), ("& ", "&")]
    {
        text = text.replace(from, to);
    }
    text
}

/// `value` as an `Option` in generated code, by its absolute path.
pub(crate) fn option<T: ToTokens>(value: Option<T>) -> TokenStream {
    match value {
        Some(value) => quote!(::core::option::Option::Some(#value)),
        None => quote!(::core::option::Option::None),
    }
}
