//! `#[function]`: the model of an exported function, its validation and its code.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Expr, FnArg, Ident, ItemFn, Pat, Path, Type};

use crate::attr::{FunctionOptions, SigItem, default_text};
use crate::diag::{Errors, err_spanned};
use crate::util::{c_str_lit, doc_text, is_ctx_type, option_inner, respan};

/// How a parameter may be passed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    PositionalOnly,
    PositionalOrKeyword,
    KeywordOnly,
    VarArgs,
    VarKw,
}

/// One Python-visible parameter.
pub struct Param {
    pub py_name: String,
    pub ident: Ident,
    pub ty: Type,
    pub kind: Kind,
    pub default: Option<Expr>,
}

/// What the Rust function receives, in its own order.
enum RustArg {
    Ctx,
    Param(usize),
}

/// The calling convention chosen for a function.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Convention {
    NoArgs,
    O,
    Varargs,
    Keywords,
}

/// A validated function, ready for code generation.
pub struct FunctionSpec {
    pub rust_ident: Ident,
    pub py_name: String,
    pub name_span: Span,
    doc: String,
    text_signature: Option<String>,
    params: Vec<Param>,
    rust_args: Vec<RustArg>,
    convention: Convention,
    return_span: Span,
}

impl FunctionSpec {
    /// Builds the model from the item and its options, reporting every problem into `errors`.
    /// Returns `None` when the function cannot be wrapped.
    pub fn new(func: &ItemFn, opts: &FunctionOptions, errors: &mut Errors) -> Option<FunctionSpec> {
        let before = errors_len(errors);
        let sig = &func.sig;
        if let Some(a) = &sig.asyncness {
            errors.push(err_spanned!(
                a,
                "`#[function]` cannot export an `async fn`: Python calls it synchronously"
            ));
        }
        if let syn::Safety::Unsafe(u) = &sig.safety {
            errors.push(err_spanned!(u, "`#[function]` cannot export an `unsafe fn`: Python cannot uphold its safety contract; make it safe and check the arguments inside"));
        }
        if let Some(v) = &sig.variadic {
            errors.push(err_spanned!(
                v,
                "`#[function]` cannot export a C-variadic function"
            ));
        }
        if let Some(abi) = &sig.abi {
            errors.push(err_spanned!(
                abi,
                "remove the `extern` ABI: `#[function]` writes the C entry point itself"
            ));
        }
        for g in sig.generics.params.iter() {
            match g {
                syn::GenericParam::Lifetime(_) => {}
                other => errors.push(err_spanned!(
                    other,
                    "`#[function]` cannot export a generic function: Python needs one concrete function; write a non-generic wrapper"
                )),
            }
        }
        if let Some(w) = &sig.generics.where_clause
            && w.predicates
                .iter()
                .any(|p| !matches!(p, syn::WherePredicate::Lifetime(_)))
        {
            errors.push(err_spanned!(
                w,
                "`#[function]` cannot export a generic function"
            ));
        }

        // The Rust parameters.
        let mut rust_args = Vec::new();
        let mut params: Vec<Param> = Vec::new();
        let mut seen_ctx = false;
        for input in &sig.inputs {
            let pt = match input {
                FnArg::Receiver(r) => {
                    errors.push(err_spanned!(
                        r,
                        "`#[function]` exports free functions; `self` belongs in a method of a `#[hpy_core::methods]` impl"
                    ));
                    continue;
                }
                FnArg::Typed(pt) => pt,
            };
            if is_ctx_type(&pt.ty) {
                if seen_ctx {
                    errors.push(err_spanned!(&pt.ty, "only one `Ctx` parameter is allowed"));
                }
                seen_ctx = true;
                rust_args.push(RustArg::Ctx);
                continue;
            }
            let ident = match &*pt.pat {
                Pat::Ident(pi) if pi.subpat.is_none() => pi.ident.clone(),
                other => {
                    errors.push(err_spanned!(
                        other,
                        "give this parameter a plain name: Python passes arguments by name, so patterns cannot be exported"
                    ));
                    continue;
                }
            };
            let py_name = ident.unraw().to_string();
            if let Some(prev) = params.iter().find(|p| p.py_name == py_name) {
                errors.push(err_spanned!(
                    &ident,
                    "parameter `{}` is declared twice",
                    prev.py_name
                ));
                continue;
            }
            rust_args.push(RustArg::Param(params.len()));
            params.push(Param {
                py_name,
                ident,
                ty: (*pt.ty).clone(),
                kind: Kind::PositionalOrKeyword,
                default: None,
            });
        }

        // The Python signature; it may reorder the parameters, so remap the Rust arguments.
        if let Some(s) = &opts.signature
            && let Some(order) = apply_signature(&mut params, s, errors)
        {
            for a in &mut rust_args {
                if let RustArg::Param(i) = a {
                    *i = order
                        .iter()
                        .position(|o| o == i)
                        .expect("every parameter is ordered");
                }
            }
        }

        let py_name = opts
            .name
            .as_ref()
            .map(|n| n.value())
            .unwrap_or_else(|| sig.ident.unraw().to_string());
        let name_span = opts
            .name
            .as_ref()
            .map(|n| n.span())
            .unwrap_or(sig.ident.span());
        let convention = choose_convention(&params);
        if errors_len(errors) != before {
            return None;
        }
        Some(FunctionSpec {
            rust_ident: sig.ident.clone(),
            py_name,
            name_span,
            doc: doc_text(&func.attrs),
            text_signature: opts.text_signature.as_ref().map(|t| t.value()),
            params,
            rust_args,
            convention,
            return_span: match &sig.output {
                syn::ReturnType::Default => sig.ident.span(),
                syn::ReturnType::Type(_, ty) => ty.span(),
            },
        })
    }

    /// `name(a, b=1, /, *, c=None)`: what `inspect.signature` parses.
    fn text_signature(&self) -> String {
        if let Some(t) = &self.text_signature {
            return format!("{}{}", self.py_name, t);
        }
        let mut parts: Vec<String> = Vec::new();
        let mut star_done = false;
        for (i, p) in self.params.iter().enumerate() {
            match p.kind {
                Kind::VarArgs => {
                    parts.push(format!("*{}", p.py_name));
                    star_done = true;
                    continue;
                }
                Kind::VarKw => {
                    parts.push(format!("**{}", p.py_name));
                    continue;
                }
                Kind::KeywordOnly if !star_done => {
                    parts.push("*".into());
                    star_done = true;
                }
                _ => {}
            }
            let mut s = p.py_name.clone();
            if let Some(d) = &p.default {
                s.push('=');
                s.push_str(&default_text(d));
            }
            parts.push(s);
            let next_not_posonly = self
                .params
                .get(i + 1)
                .is_none_or(|n| n.kind != Kind::PositionalOnly);
            if p.kind == Kind::PositionalOnly && next_not_posonly {
                parts.push("/".into());
            }
        }
        format!("{}({})", self.py_name, parts.join(", "))
    }

    /// The `__doc__` CPython reads the text signature from.
    fn doc_with_signature(&self) -> String {
        format!("{}\n--\n\n{}", self.text_signature(), self.doc)
    }

    /// The hidden type that carries the definition, and its `PyFunction` impl.
    /// `cfgs` are the function's `#[cfg]` attributes, repeated on what is generated.
    pub fn generate(
        &self,
        krate: &Path,
        vis: &syn::Visibility,
        cfgs: &[syn::Attribute],
    ) -> TokenStream {
        let ident = &self.rust_ident;
        let py_name = &self.py_name;
        let name_c = c_str_lit(py_name, self.name_span);
        let doc_c = c_str_lit(&self.doc_with_signature(), self.name_span);
        let conv = match self.convention {
            Convention::NoArgs => quote!(NoArgs),
            Convention::O => quote!(O),
            Convention::Varargs => quote!(Varargs),
            Convention::Keywords => quote!(Keywords),
        };
        let body = self.call_body(krate);
        quote! {
            #(#cfgs)*
            #[doc(hidden)]
            #[allow(non_camel_case_types, dead_code)]
            #vis struct #ident {
                _private: (),
            }

            #(#cfgs)*
            impl #krate::impl_::PyFunction for #ident {
                const DEF: #krate::impl_::MethodDef =
                    #krate::impl_::method_def::<#ident>(#name_c, #doc_c, #krate::impl_::Convention::#conv);
                const NAME: &'static str = #py_name;
                #[inline(always)]
                fn call<'c>(
                    __ctx: #krate::Ctx<'c>,
                    __args: &#krate::impl_::RawArgs,
                ) -> #krate::Result<#krate::ffi::HPy> {
                    #body
                }
            }
        }
    }

    /// Parses arguments, converts them, calls the Rust function, converts its result.
    fn call_body(&self, krate: &Path) -> TokenStream {
        let ident = &self.rust_ident;
        let py_name = &self.py_name;
        let n = self
            .params
            .iter()
            .filter(|p| !matches!(p.kind, Kind::VarArgs | Kind::VarKw))
            .count();
        let named: Vec<&Param> = self
            .params
            .iter()
            .filter(|p| !matches!(p.kind, Kind::VarArgs | Kind::VarKw))
            .collect();
        let names: Vec<&str> = named.iter().map(|p| p.py_name.as_str()).collect();
        let required: Vec<bool> = named.iter().map(|p| p.default.is_none()).collect();
        let positional_only = named
            .iter()
            .filter(|p| p.kind == Kind::PositionalOnly)
            .count();
        let positional = named
            .iter()
            .filter(|p| matches!(p.kind, Kind::PositionalOnly | Kind::PositionalOrKeyword))
            .count();
        let has_varargs = self.params.iter().any(|p| p.kind == Kind::VarArgs);
        let has_varkw = self.params.iter().any(|p| p.kind == Kind::VarKw);

        let desc = quote! {
            static __DESC: #krate::impl_::FunctionDescription = #krate::impl_::FunctionDescription {
                name: #py_name,
                params: &[#(#names),*],
                required: &[#(#required),*],
                positional_only: #positional_only,
                positional: #positional,
                varargs: #has_varargs,
                varkw: #has_varkw,
            };
        };

        // Sorting the raw arguments into slots.
        let parse = match self.convention {
            Convention::NoArgs => quote!(),
            Convention::O => quote! {
                // SAFETY: the O convention passes exactly one live argument.
                let __slots: [#krate::ffi::HPy; 1] = [unsafe { *__args.args }];
            },
            Convention::Varargs => {
                let min = required.iter().filter(|r| **r).count();
                let wrong = if min == n {
                    quote!(__args.nargs != #n)
                } else if min == 0 {
                    quote!(__args.nargs > #n)
                } else {
                    quote!(!(#min..=#n).contains(&__args.nargs))
                };
                quote! {
                    #desc
                    if #wrong {
                        return ::core::result::Result::Err(__DESC.wrong_count(__args.nargs));
                    }
                    let mut __slots = [#krate::ffi::HPy::NULL; #n];
                    // SAFETY: the runtime passes `nargs` live arguments, and `nargs <= n`.
                    unsafe {
                        ::core::ptr::copy_nonoverlapping(__args.args, __slots.as_mut_ptr(), __args.nargs);
                    }
                }
            }
            Convention::Keywords => quote! {
                #desc
                let mut __slots = [#krate::ffi::HPy::NULL; #n];
                // SAFETY: the runtime passes `nargs` live arguments followed by one value per
                // keyword name.
                let __extra = unsafe {
                    __DESC.parse(__ctx, __args.args, __args.nargs, __args.kwnames, &mut __slots)?
                };
            },
        };

        // One borrowed handle per slot, then one conversion per parameter.
        let mut holders = Vec::new();
        let mut converts = Vec::new();
        let mut slot = 0usize;
        for (i, p) in self.params.iter().enumerate() {
            let var = format_ident!("__arg{}", i);
            let holder = format_ident!("__h{}", i);
            let pname = &p.py_name;
            let ty = &p.ty;
            let span = ty.span();
            let extract = respan(quote!(#krate::impl_::extract_argument), span);
            match p.kind {
                Kind::VarArgs => {
                    converts.push(quote_spanned! {span=>
                        let #var = {
                            let __t = __extra.varargs.as_ref().expect("*args tuple");
                            #extract(__t, #py_name, #pname)?
                        };
                    });
                }
                Kind::VarKw => {
                    if option_inner(ty).is_some() {
                        converts.push(quote_spanned! {span=>
                            let #var = match &__extra.varkw {
                                ::core::option::Option::Some(__d) => {
                                    #extract(__d, #py_name, #pname)?
                                }
                                ::core::option::Option::None => ::core::option::Option::None,
                            };
                        });
                    } else {
                        converts.push(quote_spanned! {span=>
                            let __kw_empty;
                            let __kw = match &__extra.varkw {
                                ::core::option::Option::Some(__d) => __d,
                                ::core::option::Option::None => {
                                    __kw_empty = __ctx.dict()?;
                                    &__kw_empty
                                }
                            };
                            let #var = #extract(__kw, #py_name, #pname)?;
                        });
                    }
                }
                _ => {
                    let s = slot;
                    slot += 1;
                    match &p.default {
                        None => {
                            holders.push(quote! {
                                // SAFETY: required slots are filled with live arguments.
                                let #holder = unsafe { #krate::impl_::Borrowed::new(__ctx, __slots[#s]) };
                            });
                            converts.push(quote_spanned! {span=>
                                let #var = #extract(&#holder, #py_name, #pname)?;
                            });
                        }
                        Some(default) => {
                            // A string literal also serves `String` and `Cow<str>` parameters.
                            let default = match default {
                                Expr::Lit(l) if matches!(l.lit, syn::Lit::Str(_)) => {
                                    let f = respan(quote!(#krate::impl_::str_default), l.span());
                                    quote!(#f(#l))
                                }
                                other => quote!(#other),
                            };
                            holders.push(quote! {
                                // SAFETY: a slot is NULL or a live argument.
                                let #holder = unsafe { #krate::impl_::arg_slot(__ctx, __slots[#s]) };
                            });
                            converts.push(quote_spanned! {span=>
                                let #var = match &#holder {
                                    ::core::option::Option::Some(__h) => {
                                        #extract(__h, #py_name, #pname)?
                                    }
                                    ::core::option::Option::None => #default,
                                };
                            });
                        }
                    }
                }
            }
        }

        let call_args: Vec<TokenStream> = self
            .rust_args
            .iter()
            .map(|a| match a {
                RustArg::Ctx => quote!(__ctx),
                RustArg::Param(i) => {
                    let v = format_ident!("__arg{}", i);
                    quote!(#v)
                }
            })
            .collect();
        let unused = if self.convention == Convention::Keywords && !has_varargs && !has_varkw {
            quote!(let _ = &__extra;)
        } else {
            quote!()
        };
        let convert_return = respan(
            quote!(#krate::impl_::ReturnValue::into_raw_result(__ret, __ctx)),
            self.return_span,
        );
        quote! {
            #parse
            #unused
            #(#holders)*
            #(#converts)*
            let __ret = #ident(#(#call_args),*);
            #convert_return
        }
    }
}

fn errors_len(errors: &Errors) -> usize {
    errors.len()
}

/// Applies `signature = (...)` to the parameters: kinds, defaults, order checks. On success the
/// parameters are put in the signature's order, and the old index of each is returned.
fn apply_signature(
    params: &mut Vec<Param>,
    sig: &crate::attr::Signature,
    errors: &mut Errors,
) -> Option<Vec<usize>> {
    let mut state = Kind::PositionalOrKeyword;
    let mut seen_slash = false;
    let mut seen_star = false;
    let mut seen_varkw = false;
    let mut seen_default_positional = false;
    let mut order: Vec<usize> = Vec::new();
    let mut slash_index: Option<usize> = None;
    for item in &sig.items {
        if seen_varkw {
            errors.push(syn::Error::new(
                item.span(),
                "`**kwargs` must be the last entry of the signature",
            ));
            continue;
        }
        match item {
            SigItem::Slash(span) => {
                if seen_slash {
                    errors.push(syn::Error::new(*span, "`/` appears more than once"));
                } else if seen_star {
                    errors.push(syn::Error::new(
                        *span,
                        "`/` must come before `*` and `*args`",
                    ));
                } else if order.is_empty() {
                    errors.push(syn::Error::new(
                        *span,
                        "`/` must follow at least one parameter",
                    ));
                }
                seen_slash = true;
                slash_index = Some(order.len());
            }
            SigItem::Star(span) => {
                if seen_star {
                    errors.push(syn::Error::new(
                        *span,
                        "`*` or `*args` appears more than once",
                    ));
                }
                seen_star = true;
                state = Kind::KeywordOnly;
            }
            SigItem::VarArgs(name) | SigItem::VarKw(name) | SigItem::Param { name, .. } => {
                let key = name.unraw().to_string();
                let Some(idx) = params.iter().position(|p| p.py_name == key) else {
                    let known: Vec<&str> = params.iter().map(|p| p.py_name.as_str()).collect();
                    errors.push(err_spanned!(
                        name,
                        "`{key}` is not a parameter of this function (its parameters: {})",
                        if known.is_empty() {
                            "none".to_owned()
                        } else {
                            known.join(", ")
                        }
                    ));
                    continue;
                };
                if order.contains(&idx) {
                    errors.push(err_spanned!(
                        name,
                        "`{key}` appears more than once in the signature"
                    ));
                    continue;
                }
                order.push(idx);
                let p = &mut params[idx];
                match item {
                    SigItem::VarArgs(_) => {
                        if seen_star {
                            errors.push(err_spanned!(
                                name,
                                "`*{key}` cannot come after `*` or another `*args`"
                            ));
                        }
                        seen_star = true;
                        state = Kind::KeywordOnly;
                        p.kind = Kind::VarArgs;
                    }
                    SigItem::VarKw(_) => {
                        seen_varkw = true;
                        p.kind = Kind::VarKw;
                    }
                    SigItem::Param { default, .. } => {
                        p.kind = state;
                        p.default = default.clone();
                        if state == Kind::PositionalOrKeyword {
                            if default.is_some() {
                                seen_default_positional = true;
                            } else if seen_default_positional {
                                errors.push(err_spanned!(
                                    name,
                                    "required parameter `{key}` follows a parameter with a default; give it a default or move it before"
                                ));
                            }
                        }
                    }
                    _ => unreachable!(),
                }
            }
        }
    }
    if let Some(k) = slash_index {
        for &idx in &order[..k] {
            if params[idx].kind == Kind::PositionalOrKeyword {
                params[idx].kind = Kind::PositionalOnly;
            }
        }
    }
    let missing: Vec<&Param> = params
        .iter()
        .enumerate()
        .filter(|(i, _)| !order.contains(i))
        .map(|(_, p)| p)
        .collect();
    for p in missing {
        errors.push(err_spanned!(
            &p.ident,
            "parameter `{}` is missing from `signature = (...)`; every parameter except the `Ctx` must be listed",
            p.py_name
        ));
    }
    // Reorder to the signature's order so that slots follow Python's order.
    if order.len() != params.len() {
        return None;
    }
    let mut taken: Vec<Option<Param>> = std::mem::take(params).into_iter().map(Some).collect();
    for idx in &order {
        params.push(taken[*idx].take().expect("each index once"));
    }
    Some(order)
}

/// The cheapest calling convention that can express the parameters.
fn choose_convention(params: &[Param]) -> Convention {
    if params.is_empty() {
        return Convention::NoArgs;
    }
    let all_positional_only = params.iter().all(|p| p.kind == Kind::PositionalOnly);
    if all_positional_only {
        if params.len() == 1 && params[0].default.is_none() {
            Convention::O
        } else {
            Convention::Varargs
        }
    } else {
        Convention::Keywords
    }
}
