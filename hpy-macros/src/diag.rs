//! Collecting every problem a macro finds, to report them all at once.

use proc_macro2::TokenStream;

/// An accumulator of errors.
#[derive(Default)]
pub struct Errors {
    list: Vec<syn::Error>,
}

impl Errors {
    /// Records one problem.
    pub fn push(&mut self, e: syn::Error) {
        self.list.push(e);
    }

    /// How many problems were recorded.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// All recorded problems as `compile_error!` invocations.
    pub fn to_compile_errors(&self) -> TokenStream {
        self.list.iter().map(syn::Error::to_compile_error).collect()
    }
}

/// `syn::Error::new_spanned` in a shorter form.
macro_rules! err_spanned {
    ($tokens:expr, $($fmt:tt)*) => {
        syn::Error::new_spanned($tokens, format!($($fmt)*))
    };
}
pub(crate) use err_spanned;
