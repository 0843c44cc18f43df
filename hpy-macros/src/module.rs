//! `#[module]` on an inline `mod name { ... }`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Attribute, Item, ItemMod, Path};

use crate::attr::{FunctionOptions, NameOptions};
use crate::class::{ClassModel, ClassesOutput, ExceptionModel};
use crate::diag::{Errors, err_spanned};
use crate::function::FunctionSpec;
use crate::util::{c_str_lit, crate_path, doc_text, find_handle_type, is_ctx_type};

/// Which of our attributes an item inside the module carries.
enum Marker {
    Function(TokenStream),
    Constant(TokenStream),
    Init(TokenStream),
    Class(TokenStream),
    Methods(TokenStream),
    Exception(TokenStream),
}

/// Whether `attr` is one of ours: `function`, `constant` or `module_init`, spelled bare or as
/// the last segment of a path (`hpy_core::function`, `hpy::function`).
fn marker(attr: &Attribute) -> Option<(Marker, Option<Path>)> {
    let path = attr.path();
    let last = path.segments.last()?.ident.to_string();
    let args = match &attr.meta {
        syn::Meta::Path(_) => TokenStream::new(),
        syn::Meta::List(l) => l.tokens.clone(),
        syn::Meta::NameValue(_) => return None,
    };
    let m = match last.as_str() {
        "function" => Marker::Function(args),
        "constant" => Marker::Constant(args),
        "module_init" => Marker::Init(args),
        "class" => Marker::Class(args),
        "methods" => Marker::Methods(args),
        "exception" => Marker::Exception(args),
        _ => return None,
    };
    // `hpy::function` tells us the crate is reachable as `hpy`.
    let n = path.segments.len();
    let prefix = (n > 1).then(|| Path {
        leading_colon: path.leading_colon,
        segments: path.segments.iter().take(n - 1).cloned().collect(),
    });
    Some((m, prefix))
}

/// Removes the first of our attributes from `attrs`: what it is, the crate path it was spelled
/// with, and its tokens (to point errors at the whole attribute).
fn take_marker(attrs: &mut Vec<Attribute>) -> Option<(Marker, Option<Path>, TokenStream)> {
    let pos = attrs.iter().position(|a| marker(a).is_some())?;
    let a = attrs.remove(pos);
    let (m, p) = marker(&a).expect("checked above");
    Some((m, p, quote!(#a)))
}

/// Like [`take_marker`], for an item the module exports: a second attribute of ours on it
/// (`#[module_init]` with `#[function]`) is reported, and removed so that it does not expand
/// on its own.
fn take_item_marker(
    attrs: &mut Vec<Attribute>,
    errors: &mut Errors,
) -> Option<(Marker, Option<Path>, TokenStream)> {
    let first = take_marker(attrs)?;
    let first_name = attr_name(&first.2);
    while let Some(pos) = attrs.iter().position(|a| marker(a).is_some()) {
        let a = attrs.remove(pos);
        let name = attr_name(&quote!(#a));
        errors.push(err_spanned!(
            &a,
            "`#[{first_name}]` and `#[{name}]` cannot be combined: an item is one of a function, \
             a constant, the module's init function, a class, its methods or an exception"
        ));
    }
    Some(first)
}

/// The last segment of the path of an attribute given as tokens (`function` for
/// `#[hpy::function(name = "f")]`).
fn attr_name(tokens: &TokenStream) -> String {
    syn::parse::Parser::parse2(Attribute::parse_outer, tokens.clone())
        .ok()
        .and_then(|a| {
            a.first()?
                .path()
                .segments
                .last()
                .map(|s| s.ident.to_string())
        })
        .unwrap_or_default()
}

/// Checks a `#[module_init]` function's signature, reporting each wrong part at its tokens.
/// Returns, per parameter, whether it is the `Ctx` (otherwise the module).
fn check_init_signature(sig: &syn::Signature, errors: &mut Errors) -> Option<Vec<bool>> {
    const SHAPE: &str = "a `#[module_init]` function is `fn init<'c>(ctx: Ctx<'c>, module: &Handle<'c>) -> Result<()>` \
                         (either parameter may be left out; it may return `()`)";
    let before = errors.len();
    if let Some(g) = sig.generics.type_params().next() {
        errors.push(err_spanned!(g, "{SHAPE}: it cannot be generic"));
    }
    let mut is_ctx = Vec::new();
    let (mut ctx_seen, mut module_seen) = (false, false);
    for input in &sig.inputs {
        match input {
            syn::FnArg::Receiver(r) => errors.push(err_spanned!(r, "{SHAPE}: it takes no `self`")),
            syn::FnArg::Typed(pt) => {
                let is_module = matches!(&*pt.ty, syn::Type::Reference(r)
                    if r.mutability.is_none()
                        && matches!(&*r.elem, syn::Type::Path(tp)
                            if tp.path.segments.last().is_some_and(|s| s.ident == "Handle")));
                if is_ctx_type(&pt.ty) && !ctx_seen {
                    ctx_seen = true;
                    is_ctx.push(true);
                } else if is_module && !module_seen {
                    module_seen = true;
                    is_ctx.push(false);
                } else {
                    let ty = &pt.ty;
                    errors.push(err_spanned!(
                        ty,
                        "{SHAPE}; this parameter (`{}`) is neither",
                        crate::util::type_text(ty)
                    ));
                }
            }
        }
    }
    if let syn::ReturnType::Type(_, ty) = &sig.output {
        let is_unit = matches!(&**ty, syn::Type::Tuple(t) if t.elems.is_empty());
        let is_result = matches!(&**ty, syn::Type::Path(tp)
            if tp.path.segments.last().is_some_and(|s| s.ident == "Result"));
        if !is_unit && !is_result {
            errors.push(err_spanned!(
                ty,
                "{SHAPE}; it cannot return `{}`: attributes are added with `module.setattr(...)`",
                crate::util::type_text(ty)
            ));
        }
    }
    (errors.len() == before).then_some(is_ctx)
}

/// Where each of our attributes belongs, for the error on an item of the wrong kind.
fn misplaced(m: &Marker, item_kind: &str) -> String {
    let (attr, goes_on) = match m {
        Marker::Function(_) => ("function", "a `fn` item"),
        Marker::Constant(_) => ("constant", "a `const` item"),
        Marker::Init(_) => ("module_init", "a `fn` item"),
        Marker::Class(_) => ("class", "a struct with named fields (or none)"),
        Marker::Methods(_) => ("methods", "an inherent `impl` of a `#[class]` struct"),
        Marker::Exception(_) => ("exception", "a unit struct (`struct MyError;`)"),
    };
    let hint = match (m, item_kind) {
        (Marker::Class(_), "an enum") => {
            "; an enum cannot be a class yet: wrap it in a struct (`struct Color { value: Inner }`) \
             and export methods that read it"
        }
        (Marker::Constant(_), "a function") => "; use `#[function]` to export a function",
        (Marker::Constant(_), "a static") => {
            "; a `static` may change, a Python constant is read once at import: make it a `const`"
        }
        (Marker::Function(_) | Marker::Init(_), "a const") => {
            "; use `#[constant]` to export a value"
        }
        (Marker::Class(_) | Marker::Exception(_), "a function") => {
            "; use `#[function]` to export a function"
        }
        (Marker::Methods(_), "a struct") => {
            "; put `#[class]` on the struct and `#[methods]` on its `impl`"
        }
        _ => "",
    };
    format!("`#[{attr}]` goes on {goes_on}, not on {item_kind}{hint}")
}

pub fn expand(args: TokenStream, mut item: ItemMod) -> TokenStream {
    let mut errors = Errors::default();
    let opts = NameOptions::parse(args, true, &mut errors);
    let Some((_, items)) = item.content.as_mut() else {
        return err_spanned!(
            &item,
            "`#[module]` needs the module's body here: write `mod {} {{ ... }}` instead of `mod {};`",
            item.ident,
            item.ident
        )
        .to_compile_error();
    };

    // The frozen classes, known before any function is generated (which checks that a `&mut`
    // parameter does not borrow one).
    let frozen: Vec<String> = items
        .iter()
        .filter_map(|it| match it {
            Item::Struct(st) => st
                .attrs
                .iter()
                .any(|a| {
                    matches!(marker(a), Some((Marker::Class(args), _))
                        if args.clone().into_iter().any(|t| matches!(&t, proc_macro2::TokenTree::Ident(i) if i == "frozen")))
                })
                .then(|| st.ident.to_string()),
            _ => None,
        })
        .collect();
    crate::util::set_frozen_classes(frozen);

    // First pass: find the crate path from any `prefix::function` attribute.
    // A bare crate name other than the one `Cargo.toml` gives hpy-core is a mistake (after a
    // rename): reported at each such attribute, and not used (unless `crate = ...` says where
    // hpy-core is).
    let mut krate: Option<Path> = opts.krate.clone();
    let dependency = crate::util::dependency_name();
    for it in items.iter() {
        let attrs = match it {
            Item::Fn(f) => &f.attrs,
            Item::Const(c) => &c.attrs,
            Item::Struct(st) => &st.attrs,
            Item::Impl(im) => &im.attrs,
            _ => continue,
        };
        for a in attrs {
            let Some((_, Some(p))) = marker(a) else {
                continue;
            };
            if let (Some(dep), Some(id), None) = (&dependency, p.get_ident(), &opts.krate)
                && id != dep
                && id != "crate"
                && id != "self"
                && id != "super"
            {
                let name = a.path().segments.last().map(|s| s.ident.to_string());
                errors.push(err_spanned!(
                    &p,
                    "this crate depends on hpy-core as `{dep}` (see its Cargo.toml), not `{id}`: \
                     write `#[{dep}::{}]`",
                    name.unwrap_or_default()
                ));
                continue;
            }
            if krate.is_none() {
                krate = Some(p);
            }
        }
    }
    let krate = krate.map(|p| {
        if p.leading_colon.is_none()
            && p.segments.len() == 1
            && p.segments[0].ident != "crate"
            && p.segments[0].ident != "self"
            && p.segments[0].ident != "super"
        {
            // A bare crate name: make it absolute so it resolves inside the module too.
            let id = &p.segments[0].ident;
            syn::parse_quote!(::#id)
        } else {
            p
        }
    });
    let krate = crate_path(krate.as_ref());

    let mod_name = opts.name.as_ref().map(|n| n.value()).unwrap_or_else(|| {
        use syn::ext::IdentExt;
        item.ident.unraw().to_string()
    });
    let doc = doc_text(&item.attrs);

    // Each with the item's `#[cfg(...)]` attributes, which apply to what we generate for it.
    let mut functions: Vec<(String, syn::Ident, proc_macro2::Span, Vec<Attribute>)> = Vec::new();
    let mut constants: Vec<(String, syn::Ident, proc_macro2::Span, Vec<Attribute>)> = Vec::new();
    let mut inits: Vec<(syn::Ident, Vec<bool>, Vec<Attribute>, proc_macro2::Span)> = Vec::new();
    let mut generated = Vec::new();

    // Classes first: their impls may come before or after the struct.
    let mut classes: Vec<ClassModel> = Vec::new();
    let mut exceptions: Vec<ExceptionModel> = Vec::new();
    let mut user_globals: Vec<syn::Ident> = Vec::new();
    for it in items.iter_mut() {
        match it {
            Item::Struct(st) => match take_item_marker(&mut st.attrs, &mut errors) {
                Some((Marker::Class(args), _, _)) => {
                    if let Some(c) = ClassModel::from_struct(args, st, &mut errors) {
                        classes.push(c);
                    }
                }
                Some((Marker::Exception(args), _, _)) => {
                    if let Some(e) = ExceptionModel::from_struct(args, st, &mut errors) {
                        exceptions.push(e);
                    }
                }
                Some((m, _, tokens)) => {
                    errors.push(syn::Error::new_spanned(tokens, misplaced(&m, "a struct")))
                }
                None => {
                    // Field options on a struct that is not a class (a forgotten `#[class]`;
                    // PyO3's `#[pyclass]` is refused by its own macro, which removes them).
                    let mut reported = st.attrs.iter().any(|a| {
                        a.path()
                            .segments
                            .last()
                            .is_some_and(|s| s.ident == "pyclass")
                    });
                    for f in st.fields.iter_mut() {
                        f.attrs.retain(|a| {
                            if !a.path().is_ident("hpy") {
                                return true;
                            }
                            if !reported {
                                errors.push(err_spanned!(
                                    a,
                                    "`#[hpy(...)]` on a field only has a meaning in a \
                                     `#[class]`: mark the struct `{}` with `#[hpy_core::class]`",
                                    st.ident
                                ));
                                reported = true;
                            }
                            false
                        });
                    }
                }
            },
            Item::Static(st) if is_global_type(&st.ty) => {
                // The module lists this global in its definition; `Global::new()` refuses, at
                // compile time, to make one anywhere else (an unlisted global is not valid).
                let span = st.expr.span();
                *st.expr = syn::parse_quote_spanned!(span=> #krate::Global::__listed());
                user_globals.push(st.ident.clone());
            }
            Item::Static(st) if find_handle_type(&st.ty).is_some() => {
                let seg = find_handle_type(&st.ty).expect("checked");
                errors.push(err_spanned!(
                    seg,
                    "a `static` cannot hold a `{}`: it is valid only during the call that \
                     received it. Keep a Python object between calls in a `hpy_core::Global` \
                     (`static {}: Global = Global::new();` here, set with \
                     `{}.store(ctx, &obj)` and read with `{}.load(ctx)`), or in a `#[class]`'s \
                     `hpy_core::Field`",
                    seg.ident,
                    st.ident,
                    st.ident,
                    st.ident
                ));
                // A stand-in of the declared type, so that its uses add no errors of their own
                // (`Sync`, which a handle is not, would be the next one).
                let ty = &st.ty;
                let span = st.ty.span();
                *st.ty = syn::parse_quote_spanned!(span=> #krate::class::__RefusedStatic<#ty>);
                *st.expr = syn::parse_quote_spanned!(span=> #krate::class::__RefusedStatic::new());
            }
            _ => {}
        }
    }
    for it in items.iter_mut() {
        if let Item::Impl(im) = it {
            match take_item_marker(&mut im.attrs, &mut errors) {
                Some((Marker::Methods(args), _, tokens)) => {
                    if !args.is_empty() {
                        errors.push(syn::Error::new(
                            args.span(),
                            "`#[methods]` takes no options",
                        ));
                    }
                    if im.trait_.is_some() {
                        errors.push(syn::Error::new_spanned(
                            tokens,
                            "`#[methods]` goes on an inherent impl (`impl MyClass { ... }`), not \
                             a trait impl: Python sees methods, not traits; write the methods in \
                             `impl MyClass` (they may call the trait's)",
                        ));
                        crate::class::strip_method_markers(im);
                        continue;
                    }
                    let target = match &*im.self_ty {
                        syn::Type::Path(tp) => tp.path.get_ident().cloned(),
                        _ => None,
                    };
                    // A class already reported (a generic one, say): its `#[methods]` are not
                    // reported again.
                    let refused = match &*im.self_ty {
                        syn::Type::Path(tp) => tp.path.segments.last().is_some_and(|s| {
                            classes.iter().any(|c| c.ident == s.ident && c.is_generic())
                        }),
                        _ => false,
                    };
                    match target.and_then(|t| classes.iter_mut().find(|c| c.ident == t)) {
                        Some(c) => c.add_impl(im, &mut errors),
                        None if refused => crate::class::strip_method_markers(im),
                        None => {
                            errors.push(err_spanned!(
                                &im.self_ty,
                                "`#[methods]` must be on an impl of a `#[class]` struct defined in this module"
                            ));
                            crate::class::strip_method_markers(im);
                        }
                    }
                }
                Some((m, _, tokens)) => {
                    errors.push(syn::Error::new_spanned(tokens, misplaced(&m, "an impl")))
                }
                None => {}
            }
        }
    }
    let mut class_out = ClassesOutput::default();
    for e in ExceptionModel::ordered(&exceptions, &mut errors) {
        e.generate(&krate, &mod_name, &exceptions, &mut class_out);
    }
    for c in &classes {
        c.generate(&krate, &mod_name, &mut class_out, &mut errors);
    }

    for it in items.iter_mut() {
        match it {
            Item::Fn(f) => match take_item_marker(&mut f.attrs, &mut errors) {
                Some((Marker::Function(args), _, _)) => {
                    // `#[hpy(...)]` / `#[pyo3(...)]` hold the options of a method; a function
                    // takes them in its own attribute.
                    f.attrs.retain(|a| {
                        if let Some(e) = method_marker_on_fn(a) {
                            errors.push(e);
                            return false;
                        }
                        if a.path().is_ident("pyo3") {
                            errors.push(crate::util::pyo3_attribute(a));
                            return false;
                        }
                        if let Some(n) = a.path().get_ident().map(|i| i.to_string())
                            && crate::util::OPTIONS_AS_ATTRIBUTES.contains(&n.as_str())
                        {
                            errors.push(crate::util::option_as_attribute(a, &n));
                            return false;
                        }
                        let stray = a.path().is_ident("hpy");
                        if stray {
                            errors.push(syn::Error::new_spanned(
                                a,
                                "a `#[function]` takes its options in its own attribute: write \
                                 `#[function(name = \"...\", signature = (...))]`, not a \
                                 separate `#[hpy(...)]` (that form is for methods of a \
                                 `#[methods]` impl)",
                            ));
                        }
                        !stray
                    });
                    let fopts = FunctionOptions::parse(args, &mut errors);
                    let fkrate = fopts.krate.clone().unwrap_or_else(|| krate.clone());
                    if let Some(spec) = FunctionSpec::new(f, &fopts, &mut errors) {
                        let cfgs = cfg_attrs(&f.attrs);
                        generated.push(spec.generate(&fkrate, &f.vis, &cfgs));
                        functions.push((
                            spec.py_name.clone(),
                            spec.rust_ident.clone(),
                            spec.name_span,
                            cfgs,
                        ));
                    }
                }
                Some((Marker::Init(args), _, _)) => {
                    if !args.is_empty() {
                        errors.push(syn::Error::new(
                            args.span(),
                            "`#[module_init]` takes no options",
                        ));
                    }
                    if let Some(is_ctx) = check_init_signature(&f.sig, &mut errors) {
                        let ret_span = match &f.sig.output {
                            syn::ReturnType::Type(_, t) => t.span(),
                            syn::ReturnType::Default => f.sig.ident.span(),
                        };
                        inits.push((f.sig.ident.clone(), is_ctx, cfg_attrs(&f.attrs), ret_span));
                    }
                }
                Some((m, _, tokens)) => {
                    errors.push(syn::Error::new_spanned(tokens, misplaced(&m, "a function")));
                }
                None => f.attrs.retain(|a| match method_marker_on_fn(a) {
                    Some(e) => {
                        errors.push(e);
                        false
                    }
                    None => true,
                }),
            },
            Item::Const(c) => match take_item_marker(&mut c.attrs, &mut errors) {
                Some((Marker::Constant(args), _, _)) => {
                    let copts = NameOptions::parse(args, false, &mut errors);
                    use syn::ext::IdentExt;
                    let name = copts
                        .name
                        .map(|n| n.value())
                        .unwrap_or_else(|| c.ident.unraw().to_string());
                    constants.push((name, c.ident.clone(), c.ty.span(), cfg_attrs(&c.attrs)));
                }
                Some((m, _, tokens)) => {
                    errors.push(syn::Error::new_spanned(tokens, misplaced(&m, "a const")));
                }
                None => {}
            },
            other => {
                // Our attributes on any other kind of item.
                let (attrs, kind) = match other {
                    Item::Enum(e) => (&mut e.attrs, "an enum"),
                    Item::Static(st) => (&mut st.attrs, "a static"),
                    Item::Type(t) => (&mut t.attrs, "a type alias"),
                    Item::Trait(t) => (&mut t.attrs, "a trait"),
                    Item::Union(u) => (&mut u.attrs, "a union"),
                    Item::Mod(m) => (&mut m.attrs, "a module"),
                    Item::Use(u) => (&mut u.attrs, "a `use`"),
                    Item::Macro(m) => (&mut m.attrs, "a macro invocation"),
                    _ => continue,
                };
                while let Some((m, _, tokens)) = take_marker(attrs) {
                    errors.push(syn::Error::new_spanned(tokens, misplaced(&m, kind)));
                }
            }
        }
    }

    // Duplicate Python names. Items under `#[cfg]` may be alternatives of each other, which
    // only the compiler can tell apart, so they are not compared.
    // The last element is the Rust name of items in the value namespace: two of those with
    // one name are already rustc's E0428, which says enough.
    type Named = (String, proc_macro2::Span, String, Option<String>);
    let mut all_names: Vec<Named> = classes
        .iter()
        .map(|c| {
            let what = format!("the class `{}`", c.ident);
            (c.py_name.clone(), c.ident.span(), what, None)
        })
        .chain(exceptions.iter().map(|e| {
            let what = format!("the exception `{}`", e.ident);
            (
                e.py_name.clone(),
                e.ident.span(),
                what,
                Some(e.ident.unraw().to_string()),
            )
        }))
        .collect();
    all_names.extend(
        functions
            .iter()
            .filter(|f| f.3.is_empty())
            .map(|(n, i, s, _)| {
                let rust = i.unraw().to_string();
                (n.clone(), *s, format!("the function `{rust}`"), Some(rust))
            }),
    );
    all_names.extend(
        constants
            .iter()
            .filter(|c| c.3.is_empty())
            .map(|(n, i, _, _)| {
                let rust = i.unraw().to_string();
                (
                    n.clone(),
                    i.span(),
                    format!("the constant `{rust}`"),
                    Some(rust),
                )
            }),
    );
    for (i, (n, s, what, rust)) in all_names.iter().enumerate() {
        let Some((_, _, first, first_rust)) = all_names[..i].iter().find(|x| &x.0 == n) else {
            continue;
        };
        if rust.is_some() && rust == first_rust {
            continue;
        }
        errors.push(syn::Error::new(
            *s,
            format!(
                "module `{mod_name}` defines the attribute `{n}` twice: {first} and {what}; \
                 rename one (`name = \"...\"`) or remove one"
            ),
        ));
    }
    if inits.len() > 1 {
        errors.push(err_spanned!(
            &inits[1].0,
            "only one `#[module_init]` function is allowed per module"
        ));
    }

    if !errors.is_empty() {
        let errs = errors.to_compile_errors();
        items.push(Item::Verbatim(errs));
        for c in &classes {
            items.push(Item::Verbatim(c.error_stubs(&krate)));
        }
        return quote!(#item);
    }

    let exec_ty = format_ident!("__HpyModuleExec");
    let const_adds = constants.iter().map(|(name, ident, ty_span, cfgs)| {
        // Spanned at the const's type: one that does not convert is reported there.
        let set = quote::quote_spanned! {*ty_span=>
            __module.setattr(#name, &#krate::impl_::ConstantValue::into_constant(#ident, __ctx)?)
        };
        quote! { #(#cfgs)* #set?; }
    });
    let init_calls = inits.iter().map(|(ident, is_ctx, cfgs, ret_span)| {
        let args = is_ctx
            .iter()
            .map(|c| if *c { quote!(__ctx) } else { quote!(__module) });
        // Spanned at the return type: one that is not `()` or `Result<()>` is reported there.
        let call = crate::util::respan(
            quote!(#krate::impl_::InitResult::into_result(#ident(#(#args),*))),
            *ret_span,
        );
        quote! { #(#cfgs)* #call?; }
    });
    // One `Option<MethodDef>` per function: `None` where its `#[cfg]` removes it.
    let mut fn_defs = Vec::new();
    let mut fn_consts = Vec::new();
    for (i, (_, ident, _, cfgs)) in functions.iter().enumerate() {
        let name = format_ident!("__HPY_FUNCTION_{}", i);
        let ty = quote!(::core::option::Option<#krate::impl_::MethodDef>);
        let def = quote!(<#ident as #krate::impl_::PyFunction>::DEF);
        if cfgs.is_empty() {
            fn_consts.push(quote! { const #name: #ty = ::core::option::Option::Some(#def); });
        } else {
            let preds = cfgs.iter().map(|a| match &a.meta {
                syn::Meta::List(l) => l.tokens.clone(),
                _ => quote!(),
            });
            fn_consts.push(quote! {
                #(#cfgs)*
                const #name: #ty = ::core::option::Option::Some(#def);
                #[cfg(not(all(#(#preds),*)))]
                const #name: #ty = ::core::option::Option::None;
            });
        }
        fn_defs.push(name);
    }
    for (i, helper) in class_out.module_functions.iter().enumerate() {
        let name = format_ident!("__HPY_CLASS_FUNCTION_{}", i);
        fn_consts.push(quote! {
            const #name: ::core::option::Option<#krate::impl_::MethodDef> =
                ::core::option::Option::Some(<#helper as #krate::impl_::PyFunction>::DEF);
        });
        fn_defs.push(name);
    }
    let class_exec = &class_out.exec;
    let mut globals = class_out.globals.clone();
    globals.extend(user_globals.iter().map(|g| quote!(#g.as_ptr())));
    let doc_c = c_str_lit(&doc, item.ident.span());

    let support: Item = syn::parse_quote! {
        const _: () = {
            #[doc(hidden)]
            pub struct #exec_ty;

            impl #krate::impl_::ModuleExec for #exec_ty {
                const NAME: &'static str = #mod_name;
                fn exec<'c>(
                    __ctx: #krate::Ctx<'c>,
                    __module: &#krate::Handle<'c>,
                ) -> #krate::Result<()> {
                    let _ = __ctx;
                    #(#class_exec)*
                    #(#const_adds)*
                    #(#init_calls)*
                    ::core::result::Result::Ok(())
                }
            }

            #(#fn_consts)*

            #krate::__hpy_module_statics! {
                name: #mod_name,
                doc: #doc_c,
                exec: #exec_ty,
                functions: [#(#fn_defs),*],
                globals: [#(#globals),*],
            }
        };
    };
    for g in generated.into_iter().chain(class_out.items) {
        items.push(Item::Verbatim(g));
    }
    items.push(support);
    // A library is one extension module: a second `#[module]` in the crate would export a
    // second init function that no import can reach. Exported macros share the crate root's
    // namespace, so the second definition is refused (E0428), at the second module's name.
    let span = item.ident.span();
    items.push(Item::Verbatim(quote_spanned! {span=>
        #[doc(hidden)]
        #[macro_export]
        macro_rules! __hpy_only_one_module_per_crate {
            () => {};
        }
    }));
    quote!(#item)
}

/// The `#[cfg(...)]` attributes among `attrs`.
fn cfg_attrs(attrs: &[Attribute]) -> Vec<Attribute> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("cfg"))
        .cloned()
        .collect()
}

/// Whether a `static`'s type is `Global` (`hpy_core::Global`): it must be listed in the module
/// definition.
fn is_global_type(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(tp) if tp.path.segments.last().is_some_and(|s| s.ident == "Global"))
}

/// The error for a `#[methods]` helper attribute (`#[new]`, `#[getter]`, ...) on a function of
/// the module rather than on a method.
fn method_marker_on_fn(a: &Attribute) -> Option<syn::Error> {
    let name = a.path().get_ident()?.to_string();
    let what = match name.as_str() {
        "new" => "marks the constructor of a class",
        "getter" | "setter" => "makes a property of a class",
        "staticmethod" | "classmethod" => "makes a method of the class itself",
        "call_function" => "makes a call behaviour of a class",
        _ => return None,
    };
    Some(syn::Error::new_spanned(
        a,
        format!(
            "`#[{name}]` {what}: it goes on a method in the `#[methods]` impl of a \
             `#[class]`, not on a function of the module"
        ),
    ))
}
