//! [`Ctxt`]: collects every error of one derive, so the user sees them all in one build.

use std::cell::RefCell;

use proc_macro2::TokenStream;
use quote::ToTokens;

/// The errors found so far. Parsers and checks push into it and go on; it is checked once at the end.
pub(crate) struct Ctxt {
    errors: RefCell<Vec<syn::Error>>,
}

impl Ctxt {
    pub(crate) fn new() -> Self {
        Ctxt { errors: RefCell::new(Vec::new()) }
    }

    /// An error spanned on `tokens`: the message, a blank line, and `help: ...` naming the fix.
    pub(crate) fn error(&self, tokens: impl ToTokens, message: impl std::fmt::Display, help: impl std::fmt::Display) {
        self.errors.borrow_mut().push(syn::Error::new_spanned(tokens.into_token_stream(), with_help(message, help)));
    }

    /// An error spanned on `span`.
    pub(crate) fn error_at(
        &self,
        span: proc_macro2::Span,
        message: impl std::fmt::Display,
        help: impl std::fmt::Display,
    ) {
        self.errors.borrow_mut().push(syn::Error::new(span, with_help(message, help)));
    }

    /// An error syn already built (a malformed attribute).
    pub(crate) fn syn_error(&self, error: syn::Error) {
        self.errors.borrow_mut().push(error);
    }

    /// How many errors there are so far: a parser compares the counts before and after a part of the input
    /// to learn whether that part had any.
    pub(crate) fn error_count(&self) -> usize {
        self.errors.borrow().len()
    }

    /// All the errors, or `Ok` if there were none.
    pub(crate) fn check(self) -> Result<(), Vec<syn::Error>> {
        let errors = self.errors.into_inner();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

fn with_help(message: impl std::fmt::Display, help: impl std::fmt::Display) -> String {
    format!("{message}\n\nhelp: {help}")
}

/// The errors as `compile_error!` invocations.
pub(crate) fn to_compile_errors(errors: Vec<syn::Error>) -> TokenStream {
    errors.into_iter().map(|error| error.to_compile_error()).collect()
}
