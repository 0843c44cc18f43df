//! `#[module]` on an inline `mod name { ... }`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::spanned::Spanned;
use syn::{Attribute, Item, ItemMod, Path};

use crate::attr::{FunctionOptions, NameOptions};
use crate::class::{ClassModel, ClassesOutput, ExceptionModel};
use crate::diag::{Errors, err_spanned};
use crate::function::FunctionSpec;
use crate::util::{c_str_lit, crate_path, doc_text, is_ctx_type};

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

fn take_marker(attrs: &mut Vec<Attribute>) -> Option<(Marker, Option<Path>, proc_macro2::Span)> {
    let pos = attrs.iter().position(|a| marker(a).is_some())?;
    let a = attrs.remove(pos);
    let span = a.span();
    let (m, p) = marker(&a).expect("checked above");
    Some((m, p, span))
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

    // First pass: find the crate path from any `prefix::function` attribute.
    let mut krate: Option<Path> = opts.krate.clone();
    if krate.is_none() {
        'outer: for it in items.iter() {
            let attrs = match it {
                Item::Fn(f) => &f.attrs,
                Item::Const(c) => &c.attrs,
                Item::Struct(st) => &st.attrs,
                Item::Impl(im) => &im.attrs,
                _ => continue,
            };
            for a in attrs {
                if let Some((_, Some(p))) = marker(a) {
                    krate = Some(p);
                    break 'outer;
                }
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
    let mut constants: Vec<(String, syn::Ident, Vec<Attribute>)> = Vec::new();
    let mut inits: Vec<(syn::Ident, Vec<bool>, Vec<Attribute>)> = Vec::new();
    let mut generated = Vec::new();

    // Classes first: their impls may come before or after the struct.
    let mut classes: Vec<ClassModel> = Vec::new();
    let mut exceptions: Vec<ExceptionModel> = Vec::new();
    let mut user_globals: Vec<syn::Ident> = Vec::new();
    for it in items.iter_mut() {
        match it {
            Item::Struct(st) => match take_marker(&mut st.attrs) {
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
                Some((_, _, span)) => {
                    errors.push(syn::Error::new(span, "only `#[class]` applies to a struct"))
                }
                None => {}
            },
            Item::Static(st) if is_global_type(&st.ty) => user_globals.push(st.ident.clone()),
            _ => {}
        }
    }
    for it in items.iter_mut() {
        if let Item::Impl(im) = it {
            match take_marker(&mut im.attrs) {
                Some((Marker::Methods(args), _, span)) => {
                    if !args.is_empty() {
                        errors.push(syn::Error::new(
                            args.span(),
                            "`#[methods]` takes no options",
                        ));
                    }
                    if im.trait_.is_some() {
                        errors.push(syn::Error::new(span, "`#[methods]` goes on an inherent impl (`impl MyClass { ... }`), not a trait impl"));
                        continue;
                    }
                    let target = match &*im.self_ty {
                        syn::Type::Path(tp) => tp.path.get_ident().cloned(),
                        _ => None,
                    };
                    match target.and_then(|t| classes.iter_mut().find(|c| c.ident == t)) {
                        Some(c) => c.add_impl(im, &mut errors),
                        None => errors.push(err_spanned!(
                            &im.self_ty,
                            "`#[methods]` must be on an impl of a `#[class]` struct defined in this module"
                        )),
                    }
                }
                Some((_, _, span)) => errors.push(syn::Error::new(
                    span,
                    "only `#[methods]` applies to an impl",
                )),
                None => {}
            }
        }
    }
    let mut class_out = ClassesOutput::default();
    for e in &exceptions {
        e.generate(&krate, &mod_name, &exceptions, &mut class_out);
    }
    for c in &classes {
        c.generate(&krate, &mod_name, &mut class_out, &mut errors);
    }

    for it in items.iter_mut() {
        match it {
            Item::Fn(f) => match take_marker(&mut f.attrs) {
                Some((Marker::Function(args), _, _)) => {
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
                    let ok_sig = f.sig.inputs.len() <= 2
                        && f.sig
                            .inputs
                            .iter()
                            .all(|a| matches!(a, syn::FnArg::Typed(_)))
                        && f.sig.generics.type_params().next().is_none();
                    if !ok_sig {
                        errors.push(syn::Error::new(
                            f.sig.span(),
                            "a `#[module_init]` function takes `(ctx: Ctx<'c>, module: &Handle<'c>)` (either may be left out) and returns `()` or `Result<()>`",
                        ));
                    } else {
                        let is_ctx: Vec<bool> = f
                            .sig
                            .inputs
                            .iter()
                            .map(|a| match a {
                                syn::FnArg::Typed(pt) => is_ctx_type(&pt.ty),
                                syn::FnArg::Receiver(_) => false,
                            })
                            .collect();
                        inits.push((f.sig.ident.clone(), is_ctx, cfg_attrs(&f.attrs)));
                    }
                }
                Some((Marker::Class(_) | Marker::Methods(_) | Marker::Exception(_), _, span)) => {
                    errors.push(syn::Error::new(
                        span,
                        "`#[class]` and `#[exception]` go on a struct and `#[methods]` on an impl, not on a function",
                    ));
                }
                Some((Marker::Constant(_), _, span)) => {
                    errors.push(syn::Error::new(span, "`#[constant]` goes on a `const` item; use `#[function]` to export a function"));
                }
                None => {}
            },
            Item::Const(c) => match take_marker(&mut c.attrs) {
                Some((Marker::Constant(args), _, _)) => {
                    let copts = NameOptions::parse(args, false, &mut errors);
                    use syn::ext::IdentExt;
                    let name = copts
                        .name
                        .map(|n| n.value())
                        .unwrap_or_else(|| c.ident.unraw().to_string());
                    constants.push((name, c.ident.clone(), cfg_attrs(&c.attrs)));
                }
                Some((_, _, span)) => {
                    errors.push(syn::Error::new(
                        span,
                        "only `#[constant]` applies to a `const` item",
                    ));
                }
                None => {}
            },
            _ => {}
        }
    }

    // Duplicate Python names. Items under `#[cfg]` may be alternatives of each other, which
    // only the compiler can tell apart, so they are not compared.
    let mut all_names: Vec<(String, proc_macro2::Span)> = functions
        .iter()
        .filter(|f| f.3.is_empty())
        .map(|(n, _, s, _)| (n.clone(), *s))
        .collect();
    all_names.extend(
        constants
            .iter()
            .filter(|c| c.2.is_empty())
            .map(|(n, i, _)| (n.clone(), i.span())),
    );
    for (i, (n, s)) in all_names.iter().enumerate() {
        if all_names[..i].iter().any(|(m, _)| m == n) {
            errors.push(syn::Error::new(
                *s,
                format!("module `{mod_name}` already has an attribute named `{n}`"),
            ));
        }
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
        return quote!(#item);
    }

    let exec_ty = format_ident!("__HpyModuleExec");
    let const_adds = constants.iter().map(|(name, ident, cfgs)| {
        quote! { #(#cfgs)* __module.setattr(#name, #ident)?; }
    });
    let init_calls = inits.iter().map(|(ident, is_ctx, cfgs)| {
        let args = is_ctx
            .iter()
            .map(|c| if *c { quote!(__ctx) } else { quote!(__module) });
        quote! { #(#cfgs)* #krate::impl_::InitResult::into_result(#ident(#(#args),*))?; }
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
