//! Code generation: the handle, its accessors, the schema metadata, and the `const` checks that need types
//! (each cookie's worst-case size, and the cookie budget).

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::{ext::IdentExt, spanned::Spanned, Ident};

use crate::{
    attr::{CookieAttr, Field, Protection, SameSite, Schema, SessionAttr, HANDLE_METHODS},
    history, names,
    tokens::{option, type_name},
};

/// Whether accessors get their real bodies or, after errors, `unreachable!()` stubs.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Bodies {
    Real,
    Stub,
}

pub(crate) fn schema(schema: &Schema) -> TokenStream {
    let Schema { ident, handle, krate, .. } = schema;
    let private = quote!(#krate::__private);
    let name = ident.unraw().to_string();
    let FieldItems { checks, infos, max_bytes } = field_items(schema, Bodies::Real, |_| Some(NameChecks::ALL));

    let budget_check = budget_check(schema, &max_bytes);
    let block_allows = schema.block_allows();
    let handle_struct = handle_struct(schema);
    let handle_impls = handle_impls(schema, Bodies::Real);
    let field_idents: Vec<&Ident> = schema.fields.iter().map(|field| field.ident).collect();
    // Bound to names of our own: a field named like a unit struct or const in scope (`None`) would make
    // the shorthand `Visitor { None }` a pattern matching that value.
    let bindings: Vec<Ident> = (0..field_idents.len()).map(|index| format_ident!("__field{index}")).collect();

    quote! {
        #handle_struct

        // A `#[deprecated]` schema or field (one being phased out between deploys) warns where the app uses
        // it, through the accessors that carry its attribute, not in the code generated for it.
        #[doc(hidden)]
        #block_allows
        const _: () = {
            #(#checks)*

            #handle_impls

            // The schema struct is a declaration: it is never built at run time. This function moves its
            // fields out and back in, and the `const _` names it: a `const _` is a root of the dead-code
            // analysis, so the struct and its fields count as used and `deny(warnings)` crates build,
            // without an `allow(dead_code)` that a crate's `forbid(dead_code)` would refuse.
            fn __schema_is_a_declaration(__value: #ident) -> #ident {
                let #ident { #(#field_idents: #bindings),* } = __value;
                #ident { #(#field_idents: #bindings),* }
            }
            const _: () = {
                let _ = __schema_is_a_declaration;
            };

            #budget_check

            #[automatically_derived]
            impl #private::SessionSchema for #ident {
                type Handle = #handle;
                const NAME: &'static ::core::primitive::str = #name;
                const FIELDS: &'static [#private::FieldInfo] = &[#(#infos),*];
            }
        };
    }
}

/// What the derive emits for the fields: each one's marker type and `const` checks, its `FieldInfo`, and
/// for a cookie the `const` that holds its worst-case size.
pub(crate) struct FieldItems {
    pub(crate) checks: Vec<TokenStream>,
    pub(crate) infos: Vec<TokenStream>,
    pub(crate) max_bytes: Vec<Ident>,
}

/// Which of a cookie's `const` checks on the names its type's derive carries are emitted: after errors,
/// not those the derive reported already from the names as written.
#[derive(Clone, Copy)]
pub(crate) struct NameChecks {
    /// A type named like a secret (`CookieValue::NOT_FOR_COOKIES`).
    pub(crate) sensitive: bool,
    /// A type or field named like authorization data, in a plain cookie (`NOT_FOR_PLAIN_COOKIES`).
    pub(crate) plain: bool,
}

impl NameChecks {
    pub(crate) const ALL: NameChecks = NameChecks { sensitive: true, plain: true };
}

/// The items of the fields for which `checks` gives the name checks to emit (`None` leaves a field out).
/// With `Bodies::Stub` (after errors), a session field's marker leaves out what `rename_from` and
/// `migrate_from` add, whose mistakes are reported already.
pub(crate) fn field_items(
    schema: &Schema,
    bodies: Bodies,
    checks: impl Fn(&Field) -> Option<NameChecks>,
) -> FieldItems {
    let krate = &schema.krate;
    let private = quote!(#krate::__private);
    let mut items = FieldItems { checks: Vec::new(), infos: Vec::new(), max_bytes: Vec::new() };
    for (index, field, name_checks) in
        schema.fields.iter().enumerate().filter_map(|(index, field)| Some((index, field, checks(field)?)))
    {
        let field_name = &field.name;
        let ty = &field.ty;
        let ty_name = type_name(&field.ty);
        let stored_form = history::field_info(schema, field, &marker_ident(index));
        if let Some(cookie) = &field.cookie {
            let marker = marker_ident(index);
            let spec = quote!(<#marker as #private::CookieField>::SPEC);
            let max = format_ident!("__MAX_BYTES_{}", index);
            items.checks.push(cookie_checks(schema, field, cookie, &marker, &max, name_checks));
            let allow_sensitive = option(cookie.allow_sensitive.as_ref().map(|a| a.value.as_str()));
            items.infos.push(quote! {
                #private::FieldInfo {
                    #stored_form
                    field: #field_name,
                    ty: #ty_name,
                    place: #private::Place::Cookie { spec: #spec, max_bytes: #max, allow_sensitive: #allow_sensitive },
                }
            });
            items.max_bytes.push(max);
        } else if let Some(session) = &field.session {
            let key = field.store_key(session);
            let marker = marker_ident(index);
            let value = quote_spanned!(ty.span()=> type Value = #ty;);
            let roles = session_roles(session);
            let earlier = (bodies == Bodies::Real).then(|| history::session_field_items(schema, session));
            items.checks.push(quote! {
                struct #marker;

                impl #private::SessionField for #marker {
                    #value
                    const KEY: &'static ::core::primitive::str = #key;
                    #roles
                    #earlier
                }
            });
            let (sensitive, flash, owner, privilege) =
                (session.sensitive, session.flash, session.owner.is_some(), session.privilege.is_some());
            items.infos.push(quote! {
                #private::FieldInfo {
                    #stored_form
                    field: #field_name,
                    ty: #ty_name,
                    place: #private::Place::Session {
                        key: #key,
                        sensitive: #sensitive,
                        flash: #flash,
                        owner: #owner,
                        privilege: #privilege,
                    },
                }
            });
        }
    }
    items
}

/// The proof that the cookies whose worst-case sizes are the `const`s `max_bytes` fit the schema's
/// `cookie_budget` together.
pub(crate) fn budget_check(schema: &Schema, max_bytes: &[Ident]) -> TokenStream {
    let krate = &schema.krate;
    let private = quote!(#krate::__private);
    let budget = schema.cookie_budget;
    let budget_span = schema.cookie_budget_span.unwrap_or_else(|| schema.ident.span());
    let budget_message = budget_message(schema);
    let budget_panic = quote_spanned!(budget_span=> ::core::panic!(#budget_message));
    quote! {
        const _: () = {
            let __total: ::core::primitive::usize = #private::ID_COOKIE_RESERVE
                #( + #max_bytes + #private::HEADER_OVERHEAD_PER_COOKIE )*;
            if __total > #budget {
                #budget_panic
            }
        };
    }
}

/// The handle struct, documented, with the schema's visibility.
pub(crate) fn handle_struct(schema: &Schema) -> TokenStream {
    let Schema { ident, vis, handle, krate, allows, .. } = schema;
    let doc = format!(
        "The session of one request, typed by [`{ident}`]: one accessor per field, generated by \
         `#[derive(SessionSchema)]`.\n\nExtract it in an axum handler, or take it from any request that went \
         through `SessionLayer` with `RequestSessionExt::session`. Cookie accessors do no I/O; the first \
         session accessor loads the record once."
    );
    // Spanned on the schema's name, as the handle's name is, so that a clash with another type of that name
    // (E0428) points at the schema rather than at the derive.
    quote_spanned! {ident.span()=>
        #[doc = #doc]
        #(#allows)*
        #vis struct #handle {
            __raw: #krate::__private::RawSession,
        }
    }
}

/// The handle's accessors and trait impls, to be placed in the same `const _` block as the cookie specs
/// they use. Shared by the real expansion and the fallback.
pub(crate) fn handle_impls(schema: &Schema, bodies: Bodies) -> TokenStream {
    let Schema { ident, handle, krate, .. } = schema;
    let private = quote!(#krate::__private);
    // After errors, a field whose accessors would collide (with another field's or the handle's own) gets
    // none: the collision is already reported, and a duplicate definition would only add noise.
    let mut taken: Vec<String> = HANDLE_METHODS.iter().map(|method| method.to_string()).collect();
    let fields: Vec<(usize, &Field)> = schema
        .fields
        .iter()
        .enumerate()
        .filter(|(_, field)| {
            let names = field.accessor_names();
            let collides = names.iter().any(|name| taken.contains(name));
            taken.extend(names);
            bodies == Bodies::Real || !collides
        })
        .collect();
    let accessors = fields.iter().map(|(index, field)| accessors(schema, *index, field, bodies));
    // The methods the app may leave uncalled, named in a `const _` below so that they count as used. (Every
    // field kept has its accessors: the real expansion runs only when each field has its attribute, and the
    // stub gives an unrouted one session accessors.)
    let mut methods: Vec<TokenStream> = fields
        .iter()
        .flat_map(|(_, field)| field.accessor_idents())
        .chain(["id", "cycle_id", "destroy", "remember_for"].map(|method| format_ident!("{method}")))
        .map(|method| quote!(#handle::#method))
        .collect();
    if owner_field(schema).is_some() {
        // The owner functions are generic over the store: named with one, the embedded store.
        let store = quote!(#private::MemoryStore);
        methods.extend([
            quote!(#handle::owner_sessions),
            quote!(#handle::revoke_other_sessions),
            quote!(#handle::revoke_session),
            quote!(#handle::sessions_of::<#store>),
            quote!(#handle::revoke_owner::<#store>),
        ]);
    }
    let name = handle.unraw().to_string();
    let (id, cycle_id, destroy, remember_for) = match bodies {
        Bodies::Real => (
            quote!(self.__raw.id()),
            quote!(self.__raw.cycle_id().await),
            quote!(self.__raw.destroy().await),
            quote!(self.__raw.remember_for(duration).await),
        ),
        Bodies::Stub => (
            quote!(::core::unreachable!()),
            quote!(::core::unreachable!()),
            quote!(::core::unreachable!()),
            quote!({
                let _ = duration;
                ::core::unreachable!()
            }),
        ),
    };
    let owner_methods = owner_methods(schema, bodies);
    // After errors, a schema may be generic, which its handle is not: the stub names none of its items.
    let schema_marks = match bodies {
        Bodies::Real => quote! {
            #private::SchemaMarks::new(
                <#ident as #private::SessionSchema>::NAME,
                <#ident as #private::SessionSchema>::FIELDS,
            )
        },
        Bodies::Stub => {
            let schema_name = ident.unraw().to_string();
            quote!(#private::SchemaMarks::new(#schema_name, &[]))
        }
    };
    quote! {
            #[automatically_derived]
            impl #handle {
                #(#accessors)*

                /// The session id: the one `cycle_id` (or a privilege field) gave the session in this
                /// request, else the live one a `#[session]` accessor loaded, else the authentic one the
                /// browser sent, which may name a session that has since ended (only loading can tell).
                /// `None` for a visitor without a session, and for a session this request starts, whose id
                /// is drawn when the response leaves.
                pub fn id(&self) -> ::core::option::Option<#private::SessionId> {
                    #id
                }

                /// Gives the session a new id, keeping its data; the old id stops working when the response
                /// leaves. Call it on login and on every change of privilege, against session fixation.
                pub async fn cycle_id(&self) -> ::core::result::Result<(), #private::Error> {
                    #cycle_id
                }

                /// Ends the session: the server-side record is deleted and the id cookie cleared when the
                /// response leaves. Cookie fields are left as they are.
                pub async fn destroy(&self) -> ::core::result::Result<(), #private::Error> {
                    #destroy
                }

                /// "Remember me": makes this session's id cookie persistent for `duration`, within the
                /// layer's absolute timeout and the 400 days browsers keep a cookie (it is sent again with
                /// each write), and lets the session go unused that long on the server (never less than
                /// the layer's idle timeout). Kept through `cycle_id`; sessions that do not ask
                /// keep a cookie that ends with the browser session, and `Duration::ZERO` (anything under a
                /// second) forgets it again. Like `cycle_id`, it starts no session: a visitor without one
                /// gets it only if the request also sets a `#[session]` field.
                pub async fn remember_for(
                    &self,
                    duration: ::core::time::Duration,
                ) -> ::core::result::Result<(), #private::Error> {
                    #remember_for
                }

                #owner_methods
            }

            #[automatically_derived]
            impl #private::SessionHandle for #handle {
                fn from_raw(raw: #private::RawSession) -> Self {
                    #handle { __raw: raw }
                }

                fn raw(&self) -> &#private::RawSession {
                    &self.__raw
                }

                fn schema_marks() -> &'static #private::SchemaMarks {
                    static MARKS: #private::SchemaMarks = #schema_marks;
                    &MARKS
                }
            }

            #[automatically_derived]
            impl ::core::clone::Clone for #handle {
                fn clone(&self) -> Self {
                    #handle { __raw: ::core::clone::Clone::clone(&self.__raw) }
                }
            }

            #[automatically_derived]
            impl ::core::fmt::Debug for #handle {
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    // Never the values: only whether the request has a session, as a hash prefix.
                    f.debug_struct(#name).field("id", &self.__raw).finish_non_exhaustive()
                }
            }

            #private::impl_axum_extractor!(#handle);

            // A `const _` is a root of the dead-code analysis: the methods it names count as used, whichever
            // the app calls, without an `allow(dead_code)` that a crate's `forbid(dead_code)` would refuse.
            const _: () = {
                #(let _ = #methods;)*
            };
    }
}

fn accessors(schema: &Schema, index: usize, field: &Field, bodies: Bodies) -> TokenStream {
    let krate = &schema.krate;
    let private = quote!(#krate::__private);
    let ident = field.ident;
    let ty = &field.ty;
    let docs = &field.docs;
    // What the app said of the field holds for its accessors: that it is being phased out, here; the
    // lints it allows, on the block that holds them (`Schema::block_allows`).
    let deprecated = &field.deprecated;
    let [reader, setter, remover] = field.accessor_idents();
    let [reader_lints, setter_lints, remover_lints] = [&reader, &setter, &remover].map(|accessor| {
        // A field `_legacy` has the accessors `set__legacy` and `remove__legacy`: allowed on those alone,
        // for a crate that forbids `non_snake_case` refuses an `allow` of it anywhere.
        let snake = names::is_snake_case(&accessor.unraw().to_string());
        let allow = (!snake).then(|| quote!(#[allow(non_snake_case)]));
        quote!(#(#deprecated)* #allow)
    });
    // Rustdoc links `Self::type` to nothing, and shows `Self::r#type` as it is: a raw name is named, not linked.
    let field_name = &field.name;
    let field_ref =
        if ident.to_string().starts_with("r#") { format!("`{field_name}`") } else { format!("[`Self::{ident}`]") };
    let stub = quote!(::core::unreachable!());
    let real = bodies == Bodies::Real;

    if let Some(cookie) = &field.cookie {
        let marker = marker_ident(index);
        let name = field.cookie_name(cookie);
        let place = format!("Stored in the {} cookie `{name}`: read on demand, no I/O.", cookie.protection().as_str());
        let set_doc = format!(
            "Sets {field_ref}: queues a `Set-Cookie` for `{name}`. Fails with `Error::CookieTooLarge`, \
             setting nothing, when the value is over its `max_len` or the cookie over the 4096 bytes a browser \
             keeps."
        );
        let remove_doc = format!("Removes {field_ref}: the browser is told to delete the cookie `{name}`.");
        let (get, set, remove) = if real {
            (
                quote!(self.__raw.cookie_get::<#marker>()),
                quote!(self.__raw.cookie_set::<#marker>(&value)),
                quote!(self.__raw.cookie_remove::<#marker>()),
            )
        } else {
            (stub.clone(), quote!({ let _ = value; #stub }), stub.clone())
        };
        quote! {
            #(#docs)*
            #[doc = ""]
            #[doc = #place]
            #reader_lints
            pub fn #reader(&self) -> ::core::option::Option<#ty> {
                #get
            }

            #[doc = #set_doc]
            #setter_lints
            pub fn #setter(&self, value: #ty) -> ::core::result::Result<(), #private::Error> {
                #set
            }

            #[doc = #remove_doc]
            #remover_lints
            pub fn #remover(&self) {
                #remove
            }
        }
    } else if field.session.is_some() || bodies == Bodies::Stub {
        // After errors, an unrouted field still gets session accessors, so its uses raise no new errors.
        let (key, flash) =
            field.session.as_ref().map_or_else(|| (field.name.clone(), false), |s| (field.store_key(s), s.flash));
        let marker = marker_ident(index);
        let place = if flash {
            format!(
                "Stored in the session under `{key}`, and removed by this read: a flash value is seen once. \
                 Two requests of one session that read it at once may both see it, and a value that another \
                 request set after this one loaded the session is removed by this read too."
            )
        } else {
            format!("Stored in the session under `{key}`: the first session access of a request loads the record.")
        };
        let set_doc = format!("Sets `{field_name}` in the session; stored once, when the response leaves.");
        let remove_doc = format!("Removes `{field_name}` from the session.");
        let (get, set, remove) = if real {
            let read = if flash { quote!(take) } else { quote!(get) };
            (
                quote!(self.__raw.#read::<#marker>().await),
                quote!(self.__raw.set::<#marker>(&value).await),
                quote!(self.__raw.remove::<#marker>().await),
            )
        } else {
            (stub.clone(), quote!({ let _ = value; #stub }), stub.clone())
        };
        quote! {
            #(#docs)*
            #[doc = ""]
            #[doc = #place]
            #reader_lints
            pub async fn #reader(&self) -> ::core::result::Result<::core::option::Option<#ty>, #private::Error> {
                #get
            }

            #[doc = #set_doc]
            #setter_lints
            pub async fn #setter(&self, value: #ty) -> ::core::result::Result<(), #private::Error> {
                #set
            }

            #[doc = #remove_doc]
            #remover_lints
            pub async fn #remover(&self) -> ::core::result::Result<(), #private::Error> {
                #remove
            }
        }
    } else {
        TokenStream::new()
    }
}

/// The `SessionField` consts of an `owner` or `privilege` field (the others keep the defaults).
fn session_roles(session: &SessionAttr) -> TokenStream {
    let owner = session.owner.is_some().then(|| {
        quote!(
            const OWNER: ::core::primitive::bool = true;
        )
    });
    let privilege = session.privilege.is_some().then(|| {
        quote!(
            const PRIVILEGE: ::core::primitive::bool = true;
        )
    });
    quote!(#owner #privilege)
}

/// The schema's `owner` field, and its index among the fields.
fn owner_field<'s, 'a>(schema: &'s Schema<'a>) -> Option<(usize, &'s Field<'a>)> {
    schema
        .fields
        .iter()
        .enumerate()
        .find(|(_, field)| field.cookie.is_none() && field.session.as_ref().is_some_and(|s| s.owner.is_some()))
}

/// The methods a schema with an `owner` field gets: its owner's sessions, listed and revoked, with and
/// without a request.
fn owner_methods(schema: &Schema, bodies: Bodies) -> TokenStream {
    let Some((index, field)) = owner_field(schema) else {
        return TokenStream::new();
    };
    let krate = &schema.krate;
    let private = quote!(#krate::__private);
    let ty = &field.ty;
    let marker = marker_ident(index);
    let owner = field.ident;
    let stub = quote!(::core::unreachable!());
    let real = bodies == Bodies::Real;
    let body =
        |real_body: TokenStream, used: TokenStream| if real { real_body } else { quote!({ let _ = #used; #stub }) };
    let owner_sessions = body(quote!(self.__raw.owner_sessions().await), quote!(()));
    let revoke_other_sessions = body(quote!(self.__raw.revoke_other_sessions().await), quote!(()));
    let revoke_session = body(quote!(self.__raw.revoke_session(key).await), quote!(key));
    let sessions_of = body(quote!(#private::sessions_of::<__S, #marker>(store, owner).await), quote!((store, owner)));
    let revoke_owner = body(quote!(#private::revoke_owner::<__S, #marker>(store, owner).await), quote!((store, owner)));
    let list = quote!(::core::result::Result<#private::Vec<#private::SessionInfo>, #private::Error>);
    let count = quote!(::core::result::Result<::core::primitive::usize, #private::Error>);
    let sessions_of_doc =
        format!("The live sessions of the owner whose `{owner}` is `owner`, without a request: for an admin page.");
    let revoke_owner_doc = format!(
        "Ends every session of the owner whose `{owner}` is `owner`, without a request (a password reset), \
         and says how many ended. Atomic: a request of one of them that is under way cannot bring it back."
    );
    quote! {
        /// The live sessions of this session's owner (its `owner` field), this one marked `current`; none
        /// for a session without an owner.
        pub async fn owner_sessions(&self) -> #list {
            #owner_sessions
        }

        /// "Sign out everywhere else": ends every other session of this session's owner, now, and says how
        /// many ended. Ends none, with `Error::EndedDuringRequest` (409), if another request gave this
        /// session a new id since this one loaded it: that id would otherwise be ended as another's.
        pub async fn revoke_other_sessions(&self) -> #count {
            #revoke_other_sessions
        }

        /// "Sign out that device": ends the session with this key, taken from `owner_sessions()`, if it is
        /// one of this session's owner's. Returns whether it was.
        pub async fn revoke_session(
            &self,
            key: &#private::StoreKey,
        ) -> ::core::result::Result<::core::primitive::bool, #private::Error> {
            #revoke_session
        }

        #[doc = #sessions_of_doc]
        pub async fn sessions_of<__S: #private::SessionStore>(store: &__S, owner: &#ty) -> #list {
            #sessions_of
        }

        #[doc = #revoke_owner_doc]
        pub async fn revoke_owner<__S: #private::SessionStore>(store: &__S, owner: &#ty) -> #count {
            #revoke_owner
        }
    }
}

/// The cookie's spec constant and the compile-time proof that it fits a browser.
fn cookie_checks(
    schema: &Schema,
    field: &Field,
    cookie: &CookieAttr,
    marker: &Ident,
    max: &Ident,
    name_checks: NameChecks,
) -> TokenStream {
    let krate = &schema.krate;
    let private = quote!(#krate::__private);
    let ty = &field.ty;
    let name = field.cookie_name(cookie);
    let protection = match cookie.protection() {
        Protection::Plain => quote!(Plain),
        Protection::Signed => quote!(Signed),
        Protection::Private => quote!(Private),
    };
    let same_site = match cookie.same_site.as_ref().map_or(SameSite::Lax, |s| s.value) {
        SameSite::Lax => quote!(Lax),
        SameSite::Strict => quote!(Strict),
        SameSite::None => quote!(None),
    };
    let max_len = option(cookie.max_len.as_ref().map(|m| m.value));
    let max_age = option(cookie.max_age_secs.as_ref().map(|m| m.value));
    let http_only = cookie.http_only();
    let secure = cookie.secure();
    let path = cookie.path.as_ref().map_or("/", |p| p.value.as_str());
    let domain = option(cookie.domain.as_ref().map(|d| d.value.as_str()));
    let partitioned = cookie.partitioned.as_ref().is_some_and(|p| p.value);
    let rename_from = option(cookie.rename_from.as_ref().map(|old| old.value.as_str()));

    let ident = field.ident;
    let too_large_span = cookie.max_len.as_ref().map_or(ty.span(), |m| m.span);
    // A private cookie seals its value's plain form, so escaping does not count there.
    let protected = match cookie.protection() {
        Protection::Plain => "escaped",
        Protection::Signed => "escaped and signed",
        Protection::Private => "encrypted",
    };
    let fix = if cookie.max_len.is_some() { "lower `max_len`" } else { "use a smaller type" };
    let too_large = format!(
        "cookie `{name}` (field `{ident}`) can be larger than the 4096 bytes a browser keeps, once \
         {protected}\n\nhelp: {fix}, or keep the field on the server with `#[session]`",
    );
    let cannot_bound = format!(
        "cookie `{name}` (field `{ident}`) has a type that no `max_len` can bound: a growing value such as a \
         `String` sits inside a tuple, array, struct or `Vec`\n\nhelp: give the inner values fixed sizes \
         (numbers, `[u8; N]`, `#[derive(CookieValue)]` enums), or keep the field on the server with `#[session]`"
    );
    // Without `max_len`, an unbounded type may be one that `max_len` would bound (`Option<String>`), or
    // not (`(u8, String)`): the bound tells which, at compile time.
    let add_max_len = format!(
        "cookie `{name}` (field `{ident}`) has a type with no length bound, so it could outgrow the 4096 bytes \
         a browser keeps\n\nhelp: add `max_len = N` to `#[cookie(...)]`, or keep the field on the server with \
         `#[session]`"
    );
    // A value whose type is named like a secret, under whatever name the field gives it (a type alias),
    // must not leave the server; the names as written were checked in `valid.rs`.
    let sensitive_check = (name_checks.sensitive && cookie.allow_sensitive.is_none()).then(|| {
        let panic = quote_spanned!(ty.span()=> ::core::panic!("{}", __reason));
        quote! {
            const _: () = if let ::core::option::Option::Some(__reason) =
                <#marker as #private::CookieField>::NOT_FOR_COOKIES
            {
                #panic
            };
        }
    });
    // A value named like authorization data, or with a field so named (`#[derive(CookieValue)]` says
    // which), must not be changeable by the user; the names as written were checked in `valid.rs`.
    let plain_check = (name_checks.plain
        && cookie.protection() == Protection::Plain
        && cookie.allow_sensitive.is_none())
    .then(|| {
        let panic = quote_spanned!(ty.span()=> ::core::panic!("{}", __reason));
        quote! {
            const _: () = if let ::core::option::Option::Some(__reason) =
                <#marker as #private::CookieField>::NOT_FOR_PLAIN_COOKIES
            {
                #panic
            };
        }
    });
    // `max_len` on a type of fixed length would be ignored, so the user's bound would mean nothing.
    let fixed_check = cookie.max_len.as_ref().map(|max_len| {
        let message = format!(
            "cookie `{name}` (field `{ident}`) has `max_len`, but its type has a fixed length, which `max_len` \
             does not change\n\nhelp: remove `max_len`"
        );
        let panic = quote_spanned!(max_len.span=> ::core::panic!(#message));
        quote! {
            const _: () = if let #private::Bound::Fixed(_) = <#marker as #private::CookieField>::BOUND {
                #panic
            };
        }
    });
    let value = quote_spanned!(ty.span()=> type Value = #ty;);
    let panic_too_large = quote_spanned!(too_large_span=> ::core::panic!(#too_large));
    let panic_cannot_bound = quote_spanned!(ty.span()=> ::core::panic!(#cannot_bound));
    let add_max_len_arm = cookie.max_len.is_none().then(|| {
        let panic_add_max_len = quote_spanned!(ty.span()=> ::core::panic!(#add_max_len));
        quote! {
            ::core::option::Option::None
                if #private::max_len_can_bound(<#marker as #private::CookieField>::BOUND) => #panic_add_max_len,
        }
    });
    quote! {
        struct #marker;

        impl #private::CookieField for #marker {
            #value
            const SPEC: #private::CookieSpec = #private::CookieSpec {
            name: #name,
            protection: #private::Protection::#protection,
            max_len: #max_len,
            max_age_secs: #max_age,
            http_only: #http_only,
            secure: #secure,
            same_site: #private::SameSite::#same_site,
            path: #path,
            domain: #domain,
            partitioned: #partitioned,
            rename_from: #rename_from,
            };
        }

        // The worst case, for `FIELDS` and the budget. The proof that it fits is the separate `const _`
        // below, which nothing refers to, so a failure there is reported once, without notes from its users;
        // a cookie that fails it counts 0 here, so the budget does not report it a second time.
        const #max: ::core::primitive::usize = match #private::cookie_max_bytes(
            &<#marker as #private::CookieField>::SPEC,
            <#marker as #private::CookieField>::BOUND,
        ) {
            ::core::option::Option::Some(__bytes) if __bytes <= #private::MAX_COOKIE_BYTES => __bytes,
            _ => 0,
        };

        const _: () = match #private::cookie_max_bytes(
            &<#marker as #private::CookieField>::SPEC,
            <#marker as #private::CookieField>::BOUND,
        ) {
            ::core::option::Option::Some(__bytes) if __bytes <= #private::MAX_COOKIE_BYTES => {}
            ::core::option::Option::Some(_) => #panic_too_large,
            #add_max_len_arm
            ::core::option::Option::None => #panic_cannot_bound,
        };

        #sensitive_check
        #plain_check
        #fixed_check
    }
}

fn budget_message(schema: &Schema) -> String {
    format!(
        "the cookies of `{}` together can exceed `cookie_budget` = {} bytes of Cookie header\n\nhelp: lower the \
         `max_len` of the largest cookies, keep some fields on the server with `#[session]`, or raise \
         `#[schema(cookie_budget = N)]` if every server and proxy in front of the app accepts larger headers",
        schema.ident, schema.cookie_budget
    )
}

/// The marker type of field `index`: its trait impl carries the field's type, cookie and store key.
fn marker_ident(index: usize) -> Ident {
    format_ident!("__Field{}", index)
}
