//! `#[function]`: the model of an exported function, its validation and its code.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Expr, FnArg, Ident, ItemFn, Pat, Path, Type};

use crate::attr::{FunctionOptions, SigItem, default_text};
use crate::diag::{Errors, err_spanned};
use crate::util::{c_str_lit, doc_text, is_ctx_type, option_inner, respan, type_text};

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
    /// The receiver (`&self`, `&mut self`, `slf: Ref<Self>`, `slf: RefMut<Self>`) or, for a
    /// class method, the class.
    Receiver,
}

/// Where a function sits and how Python calls it.
#[derive(Clone)]
pub enum FnContext {
    /// A module-level function.
    Free,
    /// Something inside `#[methods] impl T`.
    Method {
        /// `T`.
        self_ty: Box<syn::Type>,
        /// The Python name of the class, for messages.
        class_name: String,
        /// What kind of method.
        kind: MethodKind,
    },
}

/// The kinds of things in a `#[methods]` impl that go through the argument parser.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum MethodKind {
    /// A method taking a receiver.
    Instance,
    /// `#[staticmethod]`.
    Static,
    /// `#[classmethod]`: the first parameter receives the class.
    Class,
    /// `#[new]`: returns the value of a new object.
    New,
    /// `__init__`: runs on the new object.
    Init,
    /// `__call__`.
    Call,
    /// `__next__`: an instance method whose `None` ends the iteration.
    Next,
}

/// How a method receives `self`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Receiver {
    /// No receiver.
    None,
    /// `&self`.
    Ref,
    /// `&mut self`.
    Mut,
    /// `slf: Ref<'_, 'c, Self>`.
    SlfRef,
    /// `slf: RefMut<'_, 'c, Self>`.
    SlfMut,
    /// A class method's `cls: &Handle<'c>`.
    Cls,
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
    /// `E` of a return type written `Result<T, E>`.
    error_ty: Option<Type>,
    context: FnContext,
    receiver: Receiver,
    /// The name in messages: `f`, `Point.norm`, `Point`.
    message_name: String,
}

impl FunctionSpec {
    /// Builds the model from the item and its options, reporting every problem into `errors`.
    /// Returns `None` when the function cannot be wrapped.
    pub fn new(func: &ItemFn, opts: &FunctionOptions, errors: &mut Errors) -> Option<FunctionSpec> {
        Self::from_sig(&func.attrs, &func.sig, opts, FnContext::Free, errors)
    }

    /// Builds the model of a function or method from its attributes and signature.
    pub fn from_sig(
        attrs: &[syn::Attribute],
        sig: &syn::Signature,
        opts: &FunctionOptions,
        context: FnContext,
        errors: &mut Errors,
    ) -> Option<FunctionSpec> {
        let before = errors_len(errors);
        let kind = match &context {
            FnContext::Free => None,
            FnContext::Method { kind, .. } => Some(*kind),
        };
        let what = if kind.is_some() {
            "a `#[methods]` impl cannot export"
        } else {
            "`#[function]` cannot export"
        };
        if let Some(a) = &sig.asyncness {
            errors.push(err_spanned!(
                a,
                "{what} an `async fn`: Python calls it synchronously"
            ));
        }
        if let syn::Safety::Unsafe(u) = &sig.safety {
            errors.push(err_spanned!(u, "{what} an `unsafe fn`: Python cannot uphold its safety contract; make it safe and check the arguments inside"));
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
                    "{} cannot be generic: Python needs one concrete function; write a \
                     non-generic {} that calls it with the types it needs",
                    if kind.is_some() {
                        "an exported method"
                    } else {
                        "a `#[function]`"
                    },
                    if kind.is_some() { "method" } else { "wrapper" }
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
                "{} cannot be generic: write a non-generic one that calls it",
                if kind.is_some() {
                    "an exported method"
                } else {
                    "a `#[function]`"
                }
            ));
        }

        // The Rust parameters.
        let mut rust_args = Vec::new();
        let mut params: Vec<Param> = Vec::new();
        let mut seen_ctx = false;
        let mut receiver = Receiver::None;
        // Parameters that are not Python arguments (the `Ctx`, a `cls`/`slf` receiver).
        let mut not_listed: Vec<String> = Vec::new();
        for (pos, input) in sig.inputs.iter().enumerate() {
            let pt = match input {
                FnArg::Receiver(r) => {
                    match kind {
                        None => errors.push(err_spanned!(
                            r,
                            "`#[function]` exports free functions; `self` belongs in a method of a `#[hpy_core::methods]` impl"
                        )),
                        Some(MethodKind::Instance | MethodKind::Init | MethodKind::Call | MethodKind::Next) => {
                            match &r.kind {
                                syn::ReceiverKind::Reference(_, _, Some(_)) => receiver = Receiver::Mut,
                                syn::ReceiverKind::Reference(_, _, None) => receiver = Receiver::Ref,
                                _ => {
                                    errors.push(err_spanned!(
                                        r,
                                        "a method takes `&self` or `&mut self`: it cannot take `self` by value (the object stays alive in Python) or as another type"
                                    ));
                                    // Reported: do not also say the receiver is missing.
                                    receiver = Receiver::Ref;
                                }
                            }
                            rust_args.push(RustArg::Receiver);
                        }
                        Some(k) => errors.push(err_spanned!(
                            r,
                            "{} takes no `self`: {}",
                            match k {
                                MethodKind::Static => "a `#[staticmethod]`",
                                MethodKind::Class => "a `#[classmethod]`",
                                _ => "`#[new]`",
                            },
                            match k {
                                MethodKind::Class => "its first parameter (`cls: &Handle<'c>`) receives the class",
                                MethodKind::New => "it returns the value of the new object",
                                _ => "remove `#[staticmethod]` to make it an instance method",
                            }
                        )),
                    }
                    continue;
                }
                FnArg::Typed(pt) => pt,
            };
            if pos == 0 && receiver == Receiver::None {
                if let (
                    Some(which),
                    Some(
                        MethodKind::Instance
                        | MethodKind::Init
                        | MethodKind::Call
                        | MethodKind::Next,
                    ),
                ) = (guard_receiver(&pt.ty), kind)
                {
                    receiver = which;
                    rust_args.push(RustArg::Receiver);
                    if let Pat::Ident(pi) = &*pt.pat {
                        not_listed.push(pi.ident.unraw().to_string());
                    }
                    continue;
                }
                let ctx_ref = matches!(&*pt.ty, syn::Type::Reference(r) if is_ctx_type(&r.elem));
                if kind == Some(MethodKind::Class) && !is_ctx_type(&pt.ty) && !ctx_ref {
                    let pname = match &*pt.pat {
                        Pat::Ident(pi) => Some(pi.ident.unraw().to_string()),
                        _ => None,
                    };
                    receiver = Receiver::Cls;
                    if crate::util::is_handle_ref(&pt.ty) {
                        not_listed.extend(pname);
                        rust_args.push(RustArg::Receiver);
                    } else if pname.as_deref() == Some("cls")
                        || matches!(&*pt.ty, syn::Type::Reference(_))
                    {
                        errors.push(err_spanned!(
                            &pt.ty,
                            "the first parameter of a `#[classmethod]` receives the class object, \
                             as a handle: declare it `{}: &Handle<'c>` (`hpy_core::Handle`), not as \
                             a reference to the class's Rust type",
                            pname.as_deref().unwrap_or("cls")
                        ));
                    } else {
                        errors.push(err_spanned!(
                            pt,
                            "a `#[classmethod]` takes the class as its first parameter: add \
                             `cls: &Handle<'c>` before `{}` (or make it a `#[staticmethod]`)",
                            pname.as_deref().unwrap_or("this parameter")
                        ));
                    }
                    continue;
                }
            }
            if let Some(e) = crate::util::check_borrowed_type(&pt.ty, "parameter") {
                errors.push(e);
                continue;
            }
            if is_ctx_type(&pt.ty) {
                if let Pat::Ident(pi) = &*pt.pat {
                    not_listed.push(pi.ident.unraw().to_string());
                }
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

        if let syn::ReturnType::Type(_, ty) = &sig.output
            && let Some(e) = crate::util::check_borrowed_type(ty, "return")
        {
            errors.push(e);
        }
        if let syn::ReturnType::Type(_, ty) = &sig.output
            && let Some(ok) = crate::util::result_ok_type(ty)
            && crate::util::result_ok_type(ok).is_some()
        {
            errors.push(err_spanned!(
                ok,
                "the `Ok` type `{}` is itself a `Result`: return one `Result` (`Result<{}>`), \
                 using `?` on the inner one",
                crate::util::type_text(ok),
                crate::util::result_ok_type(ok)
                    .map(crate::util::type_text)
                    .unwrap_or_default()
            ));
        }

        // The Python signature; it may reorder the parameters, so remap the Rust arguments.
        if let Some(s) = &opts.signature
            && let Some(order) = apply_signature(&mut params, s, &not_listed, errors)
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
        if matches!(
            kind,
            Some(MethodKind::Instance | MethodKind::Init | MethodKind::Call | MethodKind::Next)
        ) && receiver == Receiver::None
        {
            let returns_self = matches!(&sig.output, syn::ReturnType::Type(_, t)
            if matches!(&**t, Type::Path(tp) if tp.path.segments.last().is_some_and(|s| {
                s.ident == "Self"
                    || (s.ident == "Result" && type_text(t).contains("Self"))
            })));
            if kind == Some(MethodKind::Instance) && returns_self && sig.ident == "new" {
                errors.push(err_spanned!(
                    &sig.ident,
                    "a constructor is marked `#[new]`: Python calls it for `ClassName(...)`. \
                     Without the mark, `new` is an ordinary method and needs a receiver \
                     (`&self`); mark it `#[staticmethod]` to call it as `ClassName.new(...)`"
                ));
            } else {
                errors.push(err_spanned!(
                    &sig.ident,
                    "a method needs a receiver: `&self`, `&mut self`, `slf: Ref<'_, 'c, Self>` or `slf: RefMut<'_, 'c, Self>` (or mark it `#[staticmethod]` / `#[classmethod]`)"
                ));
            }
        }
        if kind == Some(MethodKind::Class) && receiver != Receiver::Cls {
            errors.push(err_spanned!(
                &sig.ident,
                "a `#[classmethod]` takes the class as its first parameter: `cls: &Handle<'c>`"
            ));
        }
        let convention = match kind {
            // Class methods are exported as module functions that receive the class as their
            // first argument, and constructors/initialisers have fixed signatures.
            Some(MethodKind::Class | MethodKind::New | MethodKind::Init | MethodKind::Call) => {
                Convention::Keywords
            }
            _ => choose_convention(&params),
        };
        if errors_len(errors) != before {
            return None;
        }
        let message_name = match &context {
            FnContext::Free => sig.ident.unraw().to_string(),
            FnContext::Method {
                class_name,
                kind: MethodKind::New,
                ..
            } => class_name.clone(),
            FnContext::Method {
                class_name,
                kind: MethodKind::Init,
                ..
            } => format!("{class_name}.__init__"),
            FnContext::Method {
                class_name,
                kind: MethodKind::Call,
                ..
            } => format!("{class_name}.__call__"),
            FnContext::Method { class_name, .. } => format!(
                "{class_name}.{}",
                opts.name
                    .as_ref()
                    .map(|n| n.value())
                    .unwrap_or_else(|| sig.ident.unraw().to_string())
            ),
        };
        // The name in the method table: static and class methods are exported as module
        // functions (see `class.rs`), under their qualified name.
        let py_name = match kind {
            Some(MethodKind::Static | MethodKind::Class) => message_name.clone(),
            _ => py_name,
        };
        Some(FunctionSpec {
            rust_ident: sig.ident.clone(),
            py_name,
            name_span,
            doc: doc_text(attrs),
            text_signature: opts.text_signature.as_ref().map(|t| t.value()),
            params,
            rust_args,
            convention,
            return_span: match &sig.output {
                syn::ReturnType::Default => sig.ident.span(),
                syn::ReturnType::Type(_, ty) => ty.span(),
            },
            error_ty: match &sig.output {
                syn::ReturnType::Type(_, ty) => crate::util::result_error_type(ty).cloned(),
                syn::ReturnType::Default => None,
            },
            context,
            receiver,
            message_name,
        })
    }

    /// The Python name of a method, without its class (`norm` for `Point.norm`).
    pub fn short_name(&self) -> &str {
        self.py_name.rsplit('.').next().unwrap_or(&self.py_name)
    }

    /// The name in the method table (`Point.origin` for static and class methods).
    pub fn table_name(&self) -> &str {
        &self.py_name
    }

    /// `name(a, b=1, /, *, c=None)`: what `inspect.signature` parses.
    fn text_signature(&self) -> String {
        // CPython matches the part of the name after the last dot.
        let name = self.short_name();
        if let Some(t) = &self.text_signature {
            return format!("{name}{t}");
        }
        let mut parts: Vec<String> = Vec::new();
        match self.receiver {
            Receiver::Ref | Receiver::Mut | Receiver::SlfRef | Receiver::SlfMut => {
                parts.push("$self".into());
                if self
                    .params
                    .first()
                    .is_none_or(|p| p.kind != Kind::PositionalOnly)
                {
                    parts.push("/".into());
                }
            }
            Receiver::Cls => {
                // Not `$cls`: the module function is bound to its module, and `classmethod`
                // binds the class on top.
                parts.push("cls".into());
                if self
                    .params
                    .first()
                    .is_none_or(|p| p.kind != Kind::PositionalOnly)
                {
                    parts.push("/".into());
                }
            }
            Receiver::None => {}
        }
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
        format!("{name}({})", parts.join(", "))
    }

    /// The parenthesised parameter list of the text signature, `(a, b=1)`.
    pub fn signature_params(&self) -> String {
        let full = self.text_signature();
        full[self.short_name().len()..].to_owned()
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
    pub fn call_body(&self, krate: &Path) -> TokenStream {
        let ident = &self.rust_ident;
        let py_name = &self.message_name;
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
        // The number of leading parameters a call without keywords must pass for every
        // required parameter to be filled; a required keyword-only parameter makes it larger
        // than `positional`, which rules out the shortcut for positional-only calls.
        let complete_from = named
            .iter()
            .rposition(|p| p.default.is_none())
            .map_or(0, |i| i + 1);
        let keywords_shortcut = !has_varargs && !has_varkw && complete_from <= positional;

        let n_named = names.len();
        let desc = quote! {
            static __NAMES: [#krate::impl_::NameCache; #n_named] =
                [const { #krate::impl_::NameCache::new() }; #n_named];
            static __DESC: #krate::impl_::FunctionDescription = #krate::impl_::FunctionDescription {
                name: #py_name,
                params: &[#(#names),*],
                required: &[#(#required),*],
                positional_only: #positional_only,
                positional: #positional,
                varargs: #has_varargs,
                varkw: #has_varkw,
                names: &__NAMES,
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
            Convention::Keywords => {
                if !keywords_shortcut {
                    quote! {
                        #desc
                        let mut __slots = [#krate::ffi::HPy::NULL; #n];
                        // SAFETY: the runtime passes `nargs` live arguments followed by one
                        // value per keyword name.
                        let __extra = unsafe {
                            __DESC.parse(__ctx, __args.args, __args.nargs, __args.kwnames, &mut __slots)?
                        };
                    }
                } else {
                    // The common call, positional arguments only and enough of them, is
                    // sorted here without calling the general parser.
                    quote! {
                        #desc
                        let mut __slots = [#krate::ffi::HPy::NULL; #n];
                        if __args.kwnames.is_null()
                            && __args.nargs >= #complete_from
                            && __args.nargs <= #positional
                        {
                            let mut __i = 0;
                            while __i < #positional {
                                if __i < __args.nargs {
                                    // SAFETY: the runtime passes `nargs` live arguments.
                                    __slots[__i] = unsafe { *__args.args.add(__i) };
                                }
                                __i += 1;
                            }
                        } else {
                            // SAFETY: the runtime passes `nargs` live arguments followed by one
                            // value per keyword name.
                            unsafe {
                                __DESC.parse_into(__ctx, __args.args, __args.nargs, __args.kwnames, &mut __slots)?
                            };
                        }
                    }
                }
            }
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
            let extract = respan(quote!(#krate::FromHandle::__extract_argument), span);
            if let (
                Some(class_ref),
                Kind::PositionalOnly | Kind::PositionalOrKeyword | Kind::KeywordOnly,
            ) = (ClassRef::of(ty, self.self_ty()), p.kind)
            {
                let s = slot;
                slot += 1;
                let guard = format_ident!("__guard{}", i);
                let target = &class_ref.target;
                // The borrow's code is at the class's name: an error there (not a class, not
                // found) is the same as the compiler's own for the type, and shown once.
                let span = class_ref.span;
                let (borrow, deref) = if class_ref.mutable {
                    (
                        respan(
                            quote!(<#target as #krate::class::ClassArg>::extract_mut),
                            span,
                        ),
                        quote!(&mut *#guard),
                    )
                } else {
                    (
                        respan(
                            quote!(<#target as #krate::class::ClassArg>::extract_ref),
                            span,
                        ),
                        quote!(&*#guard),
                    )
                };
                holders.push(quote! {
                    // SAFETY: a slot is NULL or a live argument.
                    let #holder = unsafe { #krate::impl_::arg_slot(__ctx, __slots[#s]) };
                });
                if class_ref.mutable && crate::util::is_frozen_class(target) {
                    // A frozen class of this module is reported here, at the class's name (one
                    // of another module is refused when borrowed, at run time).
                    converts.push(quote_spanned! {span=>
                        let () = <#target as #krate::class::MutableClass>::CHECKED;
                    });
                }
                if class_ref.optional {
                    // `__g` is `&mut Ref<T>` (or `&mut RefMut<T>`): two derefs reach the value.
                    let opt_deref = if class_ref.mutable {
                        quote!(&mut **__g)
                    } else {
                        quote!(&**__g)
                    };
                    converts.push(quote_spanned! {span=>
                        #[allow(unused_mut)]
                        let mut #guard = match &#holder {
                            ::core::option::Option::Some(__h) if !__h.is_none() => {
                                ::core::option::Option::Some(#borrow(__h, #py_name, #pname)?)
                            }
                            _ => ::core::option::Option::None,
                        };
                        let #var = #guard.as_mut().map(|__g| #opt_deref);
                    });
                } else {
                    let missing = match &p.default {
                        Some(d) => quote!(#d),
                        None => quote!(::core::unreachable!("required argument slot is empty")),
                    };
                    converts.push(quote_spanned! {span=>
                        #[allow(unused_mut)]
                        let mut #guard = match &#holder {
                            ::core::option::Option::Some(__h) => #borrow(__h, #py_name, #pname)?,
                            ::core::option::Option::None => #missing,
                        };
                        let #var = #deref;
                    });
                }
                continue;
            }
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
                                    // Spanned at the literal: a parameter type that no
                                    // string can initialise is reported there.
                                    respan(
                                        quote!(<_ as #krate::impl_::StrDefault>::str_default(#l)),
                                        l.span(),
                                    )
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
                RustArg::Receiver => match self.receiver {
                    Receiver::Ref => quote!(&*__slf),
                    Receiver::Mut => quote!(&mut *__slf),
                    Receiver::SlfRef | Receiver::SlfMut => quote!(__slf),
                    Receiver::Cls => quote!(&*__cls),
                    Receiver::None => quote!(),
                },
            })
            .collect();
        let unused = if self.convention == Convention::Keywords
            && !has_varargs
            && !has_varkw
            && !keywords_shortcut
        {
            quote!(let _ = &__extra;)
        } else {
            quote!()
        };
        // The receiver: borrowed from the object before the arguments are, so that a
        // conflicting borrow of the same object by an argument is detected there.
        let self_ty = self.self_ty();
        let prelude = match self.receiver {
            Receiver::Ref | Receiver::SlfRef => quote! {
                // SAFETY: the runtime passes a live `self`.
                let __slf_h = unsafe { #krate::impl_::Borrowed::new(__ctx, __args.slf) };
                // SAFETY: the runtime calls methods of this class on its instances only.
                let __slf = unsafe { #krate::class::borrow_self::<#self_ty>(&__slf_h)? };
            },
            Receiver::Mut | Receiver::SlfMut => quote! {
                // SAFETY: the runtime passes a live `self`.
                let __slf_h = unsafe { #krate::impl_::Borrowed::new(__ctx, __args.slf) };
                // SAFETY: the runtime calls methods of this class on its instances only.
                #[allow(unused_mut)]
                let mut __slf = unsafe { #krate::class::borrow_self_mut::<#self_ty>(&__slf_h)? };
            },
            Receiver::Cls => quote! {
                // A class method is called as `f(cls, *args, **kwargs)` (see `classmethod`).
                if __args.nargs == 0 {
                    return ::core::result::Result::Err(#krate::Error::type_error(
                        ::std::format!("{}() needs the class as its first argument", #py_name),
                    ));
                }
                // SAFETY: the first argument is live for the call.
                let __cls = unsafe { #krate::impl_::Borrowed::new(__ctx, *__args.args) };
                let __args = &#krate::impl_::RawArgs {
                    slf: __args.slf,
                    // SAFETY: at least one argument was passed.
                    args: unsafe { __args.args.add(1) },
                    nargs: __args.nargs - 1,
                    kwnames: __args.kwnames,
                };
            },
            Receiver::None => quote!(),
        };
        let callee = match self_ty {
            Some(t) => quote!(<#t>::#ident),
            None => quote!(#ident),
        };
        let finish = match self.method_kind() {
            // The class named, so that a wrong return type is one error, not a second one
            // about the inferred class.
            Some(MethodKind::New) => match self_ty {
                Some(t) => quote!(<_ as #krate::class::NewResult<#t>>::into_new(__ret)),
                None => quote!(#krate::class::NewResult::into_new(__ret)),
            },
            Some(MethodKind::Init) => quote!(#krate::impl_::UnitResult::into_unit_result(__ret)),
            Some(MethodKind::Next) => quote!(#krate::class::IterNext::into_next(__ret, __ctx)),
            _ => quote!(#krate::impl_::ReturnValue::into_raw_result(__ret, __ctx)),
        };
        let convert_return = match (&self.error_ty, self.method_kind()) {
            // `Result<T, E>`: the value and the error converted apart, each reported at its
            // own type.
            (
                Some(e),
                None
                | Some(
                    MethodKind::Instance
                    | MethodKind::Static
                    | MethodKind::Class
                    | MethodKind::Call,
                ),
            ) => {
                let ok = respan(
                    quote!(#krate::impl_::ReturnValue::into_raw_result(__v, __ctx)),
                    self.return_span,
                );
                let err = respan(
                    quote!(<#e as #krate::impl_::ErrorType>::into_error(__e)),
                    e.span(),
                );
                quote! {
                    match __ret {
                        ::core::result::Result::Ok(__v) => #ok,
                        ::core::result::Result::Err(__e) => ::core::result::Result::Err(#err),
                    }
                }
            }
            _ => respan(finish, self.return_span),
        };
        quote! {
            #prelude
            #parse
            #unused
            #(#holders)*
            #(#converts)*
            let __ret = #callee(#(#call_args),*);
            #convert_return
        }
    }

    /// The class a method belongs to.
    pub fn self_ty(&self) -> Option<&syn::Type> {
        match &self.context {
            FnContext::Free => None,
            FnContext::Method { self_ty, .. } => Some(&**self_ty),
        }
    }

    /// What kind of method this is.
    pub fn method_kind(&self) -> Option<MethodKind> {
        match &self.context {
            FnContext::Free => None,
            FnContext::Method { kind, .. } => Some(*kind),
        }
    }

    /// The calling convention, for the method table.
    pub fn convention_tokens(&self) -> TokenStream {
        match self.convention {
            Convention::NoArgs => quote!(NoArgs),
            Convention::O => quote!(O),
            Convention::Varargs => quote!(Varargs),
            Convention::Keywords => quote!(Keywords),
        }
    }

    /// `c"name"` and `c"doc with text signature"` for the method table.
    pub fn name_and_doc(&self) -> (syn::LitCStr, syn::LitCStr) {
        (
            c_str_lit(&self.py_name, self.name_span),
            c_str_lit(&self.doc_with_signature(), self.name_span),
        )
    }
}

/// A parameter typed `&T`, `&mut T`, `Option<&T>` or `Option<&mut T>` for a class `T`: it
/// borrows the Rust value inside the Python object (with a run-time borrow check).
struct ClassRef {
    target: syn::Type,
    /// Where the user wrote the class (`P` of `&mut P`), to report a type that is not one.
    span: Span,
    mutable: bool,
    optional: bool,
}

impl ClassRef {
    /// Recognises the shape. References to `str`, `[u8]` and `Handle` are ordinary
    /// conversions, not class borrows. `Self` is replaced by the class a method belongs to.
    fn of(ty: &syn::Type, self_ty: Option<&syn::Type>) -> Option<ClassRef> {
        let (inner, optional) = match option_inner(ty) {
            Some(t) => (t, true),
            None => (ty, false),
        };
        let syn::Type::Reference(r) = inner else {
            return None;
        };
        let target = &*r.elem;
        match target {
            syn::Type::Path(tp) => {
                let last = tp.path.segments.last()?.ident.to_string();
                if matches!(last.as_str(), "str" | "Handle" | "CStr" | "OsStr" | "Path") {
                    return None;
                }
            }
            _ => return None,
        }
        let span = crate::util::type_span(target);
        let target = match (target, self_ty) {
            (syn::Type::Path(tp), Some(s)) if tp.path.is_ident("Self") => s.clone(),
            _ => crate::util::erase_lifetimes(target),
        };
        Some(ClassRef {
            target,
            span,
            mutable: r.mutability.is_some(),
            optional,
        })
    }
}

/// `Some(receiver)` when `ty` is `Ref<..>` or `RefMut<..>` (a method's `slf` parameter).
fn guard_receiver(ty: &syn::Type) -> Option<Receiver> {
    let syn::Type::Path(tp) = ty else { return None };
    match tp.path.segments.last()?.ident.to_string().as_str() {
        "Ref" => Some(Receiver::SlfRef),
        "RefMut" => Some(Receiver::SlfMut),
        _ => None,
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
    not_listed: &[String],
    errors: &mut Errors,
) -> Option<Vec<usize>> {
    let mut state = Kind::PositionalOrKeyword;
    let mut seen_slash = false;
    let mut seen_star = false;
    let mut seen_varkw = false;
    let mut seen_default_positional = false;
    let mut order: Vec<usize> = Vec::new();
    let mut slash_index: Option<usize> = None;
    // A bare `*`, and how many named parameters follow it.
    let mut bare_star: Option<(proc_macro2::Span, usize)> = None;
    // Entries that name no parameter, reported after the loop (with a suggestion).
    let mut unknown: Vec<(&syn::Ident, String)> = Vec::new();
    // What a default cannot refer to: it is evaluated alone, not where the parameters are bound.
    let bound: Vec<String> = params
        .iter()
        .map(|p| p.ident.unraw().to_string())
        .chain(not_listed.iter().cloned())
        .chain(["self".to_owned()])
        .collect();
    for item in &sig.items {
        if seen_varkw {
            // Reported, then read as usual so that its parameter is not also "missing".
            errors.push(syn::Error::new(
                item.span(),
                if matches!(item, SigItem::VarKw(_)) {
                    "a signature has at most one `**kwargs` (all the extra keyword arguments go \
                     into it), and it comes last"
                } else {
                    "`**kwargs` must be the last entry of the signature"
                },
            ));
        }
        if let (SigItem::Param { .. }, Some((_, n))) = (item, &mut bare_star) {
            *n += 1;
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
                bare_star = Some((*span, 0));
            }
            SigItem::VarArgs(name) | SigItem::VarKw(name) | SigItem::Param { name, .. } => {
                let key = name.unraw().to_string();
                let Some(idx) = params.iter().position(|p| p.py_name == key) else {
                    unknown.push((name, key));
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
                            // That is the problem with a bare `*` before it too: said once.
                            bare_star = None;
                        }
                        seen_star = true;
                        state = Kind::KeywordOnly;
                        p.kind = Kind::VarArgs;
                        if let Some(t) = single_value_type(&p.ty) {
                            errors.push(err_spanned!(
                                &p.ty,
                                "`*{key}` collects the extra positional arguments into a tuple, \
                                 which does not convert into `{t}`: declare it `Vec<{t}>` (each \
                                 converted) or `&Handle<'c>` (the tuple itself)"
                            ));
                        }
                    }
                    SigItem::VarKw(_) => {
                        seen_varkw = true;
                        p.kind = Kind::VarKw;
                        let is_seq = matches!(option_inner(&p.ty).unwrap_or(&p.ty),
                            Type::Path(tp) if tp.path.segments.last().is_some_and(|s|
                                s.ident == "Vec" || s.ident == "VecDeque"));
                        if let Some(t) =
                            single_value_type(&p.ty).or_else(|| is_seq.then(|| type_text(&p.ty)))
                        {
                            errors.push(err_spanned!(
                                &p.ty,
                                "`**{key}` collects the extra keyword arguments into a dict, \
                                 which does not convert into `{t}`: declare it \
                                 `HashMap<String, T>` or `&Handle<'c>` (the dict itself)"
                            ));
                        }
                    }
                    SigItem::Param { default, .. } => {
                        if let Some(d) = default
                            && let Some(used) = name_in_tokens(d.to_token_stream(), &bound)
                        {
                            errors.push(err_spanned!(
                                &used,
                                "the default of `{key}` cannot use `{used}`: a default is \
                                 computed on its own, without the other arguments. Declare \
                                 `{key}: Option<..>` with the default `None` and compute it in \
                                 the body (`let {key} = {key}.unwrap_or(...);`)"
                            ));
                        }
                        if let Some(Expr::Path(ep)) = default
                            && ep.path.is_ident("None")
                            && option_inner(&p.ty).is_none()
                        {
                            let t = type_text(&p.ty);
                            errors.push(err_spanned!(
                                ep,
                                "`{key}` defaults to `None`, so its type must be an `Option`: \
                                 declare `{key}: Option<{t}>`"
                            ));
                        }
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
    if let Some((span, 0)) = bare_star {
        errors.push(syn::Error::new(
            span,
            "a bare `*` must be followed by at least one keyword-only parameter; remove it, or \
             move the parameters that should be keyword-only after it",
        ));
    }
    let mut missing: Vec<&Param> = params
        .iter()
        .enumerate()
        .filter(|(i, _)| !order.contains(i))
        .map(|(_, p)| p)
        .collect();
    // One unknown entry and one missing parameter: the entry is that parameter by another name.
    let one_for_one = unknown.len() == 1 && missing.len() == 1;
    for (name, key) in unknown {
        // A misspelling (or an abbreviation) of a parameter that is missing: say which, and
        // report it once.
        let similar = |p: &&Param| {
            crate::util::is_close_spelling(&key, &p.py_name)
                || (key.len() >= 2 && p.py_name.starts_with(key.as_str()))
        };
        let guess = missing
            .iter()
            .position(similar)
            .map(|i| (i, true))
            .or_else(|| one_for_one.then_some((0, false)));
        if not_listed.contains(&key) {
            errors.push(err_spanned!(
                name,
                "`{key}` is not a Python argument (the `Ctx` and the receiver are passed by \
                 hpy-core): remove it from the signature"
            ));
            continue;
        }
        match guess {
            Some((i, true)) => {
                let p = missing.remove(i);
                errors.push(err_spanned!(
                    name,
                    "`{key}` is not a parameter of this function: did you mean `{}`?",
                    p.py_name
                ));
            }
            Some((i, false)) => {
                let p = missing.remove(i);
                errors.push(err_spanned!(
                    name,
                    "`{key}` is not a parameter of this function, and its parameter `{}` is \
                     not in the signature: write `{}` here",
                    p.py_name,
                    p.py_name
                ));
            }
            None => {
                let known: Vec<&str> = params.iter().map(|p| p.py_name.as_str()).collect();
                errors.push(err_spanned!(
                    name,
                    "`{key}` is not a parameter of this function (its parameters: {}); \
                     remove it from the signature, or add the parameter to the function",
                    if known.is_empty() {
                        "none".to_owned()
                    } else {
                        known.join(", ")
                    }
                ));
            }
        }
    }
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

/// The name of a type that holds one scalar value (`i64`, `f64`, `bool`, `String`, `&str`,
/// also inside `Option`): what a `*args` tuple or a `**kwargs` dict cannot become.
fn single_value_type(ty: &Type) -> Option<String> {
    let inner = option_inner(ty).unwrap_or(ty);
    let scalar = match inner {
        Type::Path(tp) => tp.path.get_ident().is_some_and(|id| {
            let id = id.to_string();
            crate::util::NUMERIC_TYPES.contains(&id.as_str()) || id == "char" || id == "String"
        }),
        Type::Reference(r) => matches!(&*r.elem, Type::Path(tp) if tp.path.is_ident("str")),
        _ => false,
    };
    scalar.then(|| type_text(inner))
}

/// The first identifier of `tokens` that is one of `names` and not a field or method name
/// (after a `.`), a path segment (next to `::`), a struct field (`name: value`) or a function
/// called (`name(...)`).
fn name_in_tokens(tokens: TokenStream, names: &[String]) -> Option<Ident> {
    let mut prev_dot = false;
    let mut prev_colon = false;
    let mut iter = tokens.into_iter().peekable();
    while let Some(tt) = iter.next() {
        match tt {
            proc_macro2::TokenTree::Ident(i) => {
                // `name::`, `name: value` (a struct field) and `name(...)` (a function in
                // scope, which the parameter would not shadow there) are not the parameter.
                let not_value = match iter.peek() {
                    Some(proc_macro2::TokenTree::Punct(p)) => p.as_char() == ':',
                    Some(proc_macro2::TokenTree::Group(g)) => {
                        g.delimiter() == proc_macro2::Delimiter::Parenthesis
                    }
                    _ => false,
                };
                if !prev_dot && !prev_colon && !not_value && names.contains(&i.unraw().to_string())
                {
                    return Some(i);
                }
                prev_dot = false;
                prev_colon = false;
            }
            proc_macro2::TokenTree::Group(g) => {
                if let Some(i) = name_in_tokens(g.stream(), names) {
                    return Some(i);
                }
                prev_dot = false;
                prev_colon = false;
            }
            proc_macro2::TokenTree::Punct(p) => {
                prev_dot = p.as_char() == '.';
                prev_colon = p.as_char() == ':';
            }
            proc_macro2::TokenTree::Literal(_) => {
                prev_dot = false;
                prev_colon = false;
            }
        }
    }
    None
}
