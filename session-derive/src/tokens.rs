//! Token helpers every stage uses: a type as the user wrote it, for messages and the schema lock, a field's
//! type with `Self` spelled out, and an `Option` spelled out for generated code.

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};
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

/// `ty`, a field's type in the struct `name`, with every `Self` in it written as `name` (on `Self`'s span):
/// the code generated for a field places its type inside other items, where `Self` is another type.
/// Only for a struct without parameters, for which `name` alone is the whole type. A block (`{ ... }`, in
/// an array's length) that declares an item is left as it is: the item may have a `Self` of its own.
pub(crate) fn self_named(ty: &syn::Type, name: &syn::Ident) -> syn::Type {
    /// Whether a block declares an item, by a keyword that starts one at its top level (an inline
    /// `const { ... }`, an expression, is taken for one too, and its block left as written).
    fn declares_items(block: &TokenStream) -> bool {
        block.clone().into_iter().any(|tree| {
            let TokenTree::Ident(ident) = tree else { return false };
            matches!(
                ident.to_string().as_str(),
                "const"
                    | "enum"
                    | "extern"
                    | "fn"
                    | "impl"
                    | "macro_rules"
                    | "mod"
                    | "static"
                    | "struct"
                    | "trait"
                    | "type"
                    | "union"
                    | "use"
            )
        })
    }

    fn replace(stream: TokenStream, name: &syn::Ident) -> TokenStream {
        stream
            .into_iter()
            .map(|tree| match tree {
                TokenTree::Ident(ident) if ident == "Self" => {
                    // A clone, not a new ident of its text: a raw name (`r#Checkout`) is no ident's text.
                    let mut name = name.clone();
                    name.set_span(ident.span());
                    TokenTree::Ident(name)
                }
                TokenTree::Group(group) if group.delimiter() == Delimiter::Brace && declares_items(&group.stream()) => {
                    TokenTree::Group(group)
                }
                TokenTree::Group(group) => {
                    let mut replaced = Group::new(group.delimiter(), replace(group.stream(), name));
                    replaced.set_span(group.span());
                    TokenTree::Group(replaced)
                }
                other => other,
            })
            .collect()
    }
    syn::parse2(replace(ty.to_token_stream(), name)).unwrap_or_else(|_| ty.clone())
}
