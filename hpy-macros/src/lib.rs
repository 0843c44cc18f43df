//! The procedural macros of `hpy-core`. Depend on `hpy-core` and use them from there
//! (`#[hpy_core::function]`, `#[hpy_core::module]`, ...): the code they expand to names items of
//! `hpy-core`.
//!
//! The macros emit one token stream for both HPy backends; everything mode-specific is behind
//! `cfg` in `hpy-core`.

extern crate proc_macro;

mod attr;
mod class;
mod diag;
mod function;
mod module;
mod util;

use proc_macro::TokenStream;
use quote::quote;
use syn::ItemFn;

/// Exports a Rust function to Python. See the `hpy_core::function` documentation. Only
/// meaningful inside `#[hpy_core::module]`, which reads it: a function outside one would be
/// exported nowhere, so this expansion (which only runs outside a module) reports that.
#[proc_macro_attribute]
pub fn function(_args: TokenStream, input: TokenStream) -> TokenStream {
    if syn::parse::<ItemFn>(input.clone()).is_err() {
        let input = proc_macro2::TokenStream::from(input);
        return quote! {
            ::core::compile_error!("`#[function]` goes on a `fn` item");
            #input
        }
        .into();
    }
    outside_module("function", input)
}

/// Turns an inline `mod name { ... }` into a Python extension module. See the
/// `hpy_core::module` documentation.
#[proc_macro_attribute]
pub fn module(args: TokenStream, input: TokenStream) -> TokenStream {
    let args = proc_macro2::TokenStream::from(args);
    match syn::parse::<syn::ItemMod>(input.clone()) {
        Ok(m) => module::expand(args, m).into(),
        // An inline module whose body does not parse: the compiler reports the syntax error
        // when it reads the module, given back without hpy-core's attributes (each would add
        // an error of its own, saying it is outside a module).
        Err(_) if util::is_inline_mod(&input.clone().into()) => {
            util::strip_hpy_attributes(input.into()).into()
        }
        Err(_) => {
            let input = proc_macro2::TokenStream::from(input);
            quote! {
                ::core::compile_error!("`#[module]` goes on an inline `mod name { ... }`");
                #input
            }
            .into()
        }
    }
}

/// Turns a struct inside a `#[module]` into a Python class. Only meaningful inside
/// `#[hpy_core::module]`, which reads it.
#[proc_macro_attribute]
pub fn class(_args: TokenStream, input: TokenStream) -> TokenStream {
    outside_module("class", input)
}

/// Exports the methods of a `#[class]` (an inherent impl inside the same `#[module]`). Only
/// meaningful inside `#[hpy_core::module]`, which reads it.
#[proc_macro_attribute]
pub fn methods(_args: TokenStream, input: TokenStream) -> TokenStream {
    outside_module("methods", input)
}

/// Declares a Python exception type inside a `#[module]` (a unit struct). Only meaningful
/// inside `#[hpy_core::module]`, which reads it.
#[proc_macro_attribute]
pub fn exception(_args: TokenStream, input: TokenStream) -> TokenStream {
    outside_module("exception", input)
}

/// Marks a `const` inside a `#[module]` to be added to the module at import. Only meaningful
/// inside `#[hpy_core::module]`, which removes it.
#[proc_macro_attribute]
pub fn constant(_args: TokenStream, input: TokenStream) -> TokenStream {
    outside_module("constant", input)
}

/// Marks the function a `#[module]` runs when it is imported, to add attributes or do other
/// set-up. Only meaningful inside `#[hpy_core::module]`, which removes it.
#[proc_macro_attribute]
pub fn module_init(_args: TokenStream, input: TokenStream) -> TokenStream {
    outside_module("module_init", input)
}

fn outside_module(name: &str, input: TokenStream) -> TokenStream {
    let msg = format!(
        "`#[{name}]` only has a meaning inside a `#[hpy_core::module] mod name {{ ... }}`, which \
         exports it (a nested `mod` inside it does not count, nor an item a macro invocation \
         makes: `#[module]` reads the module as written): move it there"
    );
    refuse(&msg, input)
}

/// The item with `msg` as a compile error, and without the helper attributes the macro would
/// have taken off (`#[new]` on methods, `#[hpy(get)]` on fields), which the compiler would
/// report as unknown.
fn refuse(msg: &str, input: TokenStream) -> TokenStream {
    let msg = diag::in_user_terms(msg.to_owned());
    let input = match syn::parse::<syn::Item>(input.clone()) {
        Ok(syn::Item::Impl(mut im)) => {
            class::strip_method_markers(&mut im);
            quote!(#im)
        }
        Ok(syn::Item::Struct(mut st)) => {
            for f in st.fields.iter_mut() {
                f.attrs
                    .retain(|a| !a.path().is_ident("hpy") && !a.path().is_ident("pyo3"));
            }
            quote!(#st)
        }
        _ => proc_macro2::TokenStream::from(input),
    };
    quote! {
        ::core::compile_error!(#msg);
        #input
    }
    .into()
}

/// PyO3's names for hpy-core's attributes, refused with the name to write instead.
fn pyo3_name(pyo3: &str, ours: &str, input: TokenStream) -> TokenStream {
    let msg = format!("`#[{pyo3}]` is PyO3's attribute: hpy-core's is `#[hpy_core::{ours}]`");
    refuse(&msg, input)
}

/// Not an hpy-core attribute: says to write `#[hpy_core::function]` (PyO3's name).
#[doc(hidden)]
#[proc_macro_attribute]
pub fn pyfunction(_args: TokenStream, input: TokenStream) -> TokenStream {
    pyo3_name("pyfunction", "function", input)
}

/// Not an hpy-core attribute: says to write `#[hpy_core::class]` (PyO3's name).
#[doc(hidden)]
#[proc_macro_attribute]
pub fn pyclass(_args: TokenStream, input: TokenStream) -> TokenStream {
    pyo3_name("pyclass", "class", input)
}

/// Not an hpy-core attribute: says to write `#[hpy_core::methods]` (PyO3's name).
#[doc(hidden)]
#[proc_macro_attribute]
pub fn pymethods(_args: TokenStream, input: TokenStream) -> TokenStream {
    pyo3_name("pymethods", "methods", input)
}

/// Not an hpy-core attribute: says to write `#[hpy_core::module]` (PyO3's name).
#[doc(hidden)]
#[proc_macro_attribute]
pub fn pymodule(_args: TokenStream, input: TokenStream) -> TokenStream {
    pyo3_name("pymodule", "module", input)
}
