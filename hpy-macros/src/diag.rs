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

/// A message as the user reads it: messages name hpy-core's items as `hpy_core::Item`, and
/// this writes them with the name the user's crate depends on hpy-core under (`hpy::Item`
/// after `hpy = { package = "hpy-core" }`).
pub fn in_user_terms(msg: String) -> String {
    let name = crate::util::dependency_name_or_default();
    if name == "hpy_core" {
        msg
    } else {
        msg.replace("hpy_core::", &format!("{name}::"))
    }
}

/// `syn::Error::new_spanned` in a shorter form, with the message in the user's terms
/// ([`in_user_terms`]).
macro_rules! err_spanned {
    ($tokens:expr, $($fmt:tt)*) => {
        syn::Error::new_spanned($tokens, $crate::diag::in_user_terms(format!($($fmt)*)))
    };
}
pub(crate) use err_spanned;
