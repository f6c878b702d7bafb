//! Emitting what earlier releases of a schema stored: `rename_from` and `migrate_from` in the field's marker
//! impl, and the field's history and shape in its `FieldInfo`, for `schema_lock`.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::{spanned::Spanned, Ident};

use crate::{
    attr::{Field, Schema, SessionAttr},
    tokens::{option, type_name},
};

/// The items of a session field's `SessionField` impl beyond its type and key.
pub(crate) fn session_field_items(schema: &Schema, session: &SessionAttr) -> TokenStream {
    let private = private(schema);
    let renamed = session.rename_from.as_ref().map(|old| {
        let old = &old.value;
        quote!(const RENAMED_FROM: ::core::option::Option<&'static ::core::primitive::str> = ::core::option::Option::Some(#old);)
    });
    let migrate = session.migrate_from.as_ref().map(|old| {
        // Spanned on the earlier type, where a missing `From` is reported.
        let convert = quote_spanned!(old.span()=> #private::migrate::<#old, Self::Value>);
        quote! {
            fn migrate(__stored: &[::core::primitive::u8]) -> ::core::option::Option<Self::Value> {
                #convert(__stored)
            }
        }
    });
    quote!(#renamed #migrate)
}

/// The `FieldInfo` fields that describe the stored form: `rename_from`, `migrate_from` and `shape`.
pub(crate) fn field_info(schema: &Schema, field: &Field, marker: &Ident) -> TokenStream {
    let private = private(schema);
    let (rename_from, shape) = match (&field.cookie, &field.session) {
        (Some(cookie), _) => (&cookie.rename_from, quote!(#private::cookie_shape::<#marker>)),
        (None, Some(session)) => (&session.rename_from, quote!(#private::session_shape::<#marker>)),
        (None, None) => return TokenStream::new(),
    };
    let rename_from = option(rename_from.as_ref().map(|old| old.value.as_str()));
    let migrate_from = option(field.session.as_ref().and_then(|s| s.migrate_from.as_ref()).map(|old| {
        let ty = type_name(old);
        quote!(#private::Migration { ty: #ty, shape: #private::serde_shape::<#old> })
    }));
    quote! {
        rename_from: #rename_from,
        migrate_from: #migrate_from,
        shape: #shape,
    }
}

fn private(schema: &Schema) -> TokenStream {
    let krate = &schema.krate;
    quote!(#krate::__private)
}
