//! `#[class]` structs and their `#[methods]` impls, inside a `#[module]`: the model of a class
//! and the code that defines its type.
//!
//! The module macro sees the struct and every impl of it at once, so it can build one static
//! type specification per class: the struct gives the fields (members, properties, the
//! fields the garbage collector must visit), the impls give methods, properties and special
//! methods.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::spanned::Spanned;
use syn::{
    Attribute, FnArg, Ident, ImplItem, ImplItemFn, ItemImpl, ItemStruct, LitStr, Path, Token, Type,
};

use crate::attr::{FunctionOptions, parse_str_value, unknown_option};
use crate::diag::{Errors, err_spanned};
use crate::function::{FnContext, FunctionSpec, MethodKind};
use crate::util::{c_str_lit, doc_text, find_handle_type, is_ctx_type, respan, type_span};

mod kw {
    syn::custom_keyword!(name);
    syn::custom_keyword!(module);
    syn::custom_keyword!(subclass);
    syn::custom_keyword!(frozen);
    syn::custom_keyword!(get);
    syn::custom_keyword!(set);
    syn::custom_keyword!(base);
}

/// A field exposed to Python.
struct ExposedField {
    ident: Ident,
    ty: Type,
    py_name: String,
    doc: String,
    get: bool,
    set: bool,
    span: Span,
}

/// A field holding a Python object, for `tp_traverse`: `f: Field`. (Fields must live inside
/// the object, where `Ref::store` can check that they belong to it, so `Vec<Field>` is not
/// supported: keep a Python list in one `Field` instead.)
struct GcField(Ident);

/// A class being assembled from its struct and its impls.
pub struct ClassModel {
    pub ident: Ident,
    /// The name Python sees.
    pub py_name: String,
    module_name: Option<String>,
    doc: String,
    subclass: bool,
    frozen: bool,
    exposed: Vec<ExposedField>,
    gc_fields: Vec<GcField>,
    /// Every field's type: each must be `Send` (checked at the field).
    field_types: Vec<Type>,
    impls: Vec<ImplInfo>,
    /// The struct has generic or lifetime parameters (refused; no stubs are made for it).
    generic: bool,
}

/// What one `#[methods]` impl contributes.
#[derive(Default)]
struct ImplInfo {
    methods: Vec<(FunctionSpec, ImplItemFn)>,
    getters: Vec<(String, ImplItemFn)>,
    setters: Vec<(String, ImplItemFn)>,
    specials: Vec<(String, ImplItemFn)>,
    statics: Vec<(FunctionSpec, bool)>,
    new: Option<FunctionSpec>,
    init: Option<FunctionSpec>,
    call: Option<FunctionSpec>,
    /// `#[call_function]` methods: the spec, the method's name, the attribute's span.
    call_functions: Vec<(FunctionSpec, Ident, Span)>,
    class_attrs: Vec<(String, Ident, Span)>,
}

/// Everything the module needs from its classes.
#[derive(Default)]
pub struct ClassesOutput {
    /// Items to add to the module body.
    pub items: Vec<TokenStream>,
    /// Statements for the module's exec function (run first).
    pub exec: Vec<TokenStream>,
    /// Types implementing `PyFunction` to export as (hidden) module functions.
    pub module_functions: Vec<Ident>,
    /// Expressions of type `*mut HPyGlobal` the module definition must list.
    pub globals: Vec<TokenStream>,
}

fn set_flag(
    input: ParseStream,
    slot: &mut bool,
    what: &str,
    span: Span,
    errors: &mut Errors,
) -> syn::Result<()> {
    // `frozen = true`: a flag takes no value (read the value to go on to the next option).
    if input.peek(Token![=]) {
        let eq: Token![=] = input.parse()?;
        let value: syn::Expr = input.parse()?;
        errors.push(syn::Error::new_spanned(
            quote!(#eq #value),
            format!("`{what}` is a flag and takes no value: write `{what}` alone, or leave it out for the default"),
        ));
    }
    if *slot {
        errors.push(syn::Error::new(
            span,
            format!("`{what}` is given more than once"),
        ));
    }
    *slot = true;
    Ok(())
}

impl ClassModel {
    /// Whether the struct was refused for having generic or lifetime parameters.
    pub fn is_generic(&self) -> bool {
        self.generic
    }

    /// Reads `#[class(...)]` options and the struct; strips the `#[hpy(...)]` field attributes.
    pub fn from_struct(
        args: TokenStream,
        item: &mut ItemStruct,
        errors: &mut Errors,
    ) -> Option<ClassModel> {
        let mut name: Option<LitStr> = None;
        let mut module_name: Option<LitStr> = None;
        let mut subclass = false;
        let mut frozen = false;
        let parser = |input: ParseStream| -> syn::Result<()> {
            while !input.is_empty() {
                let look = input.lookahead1();
                if look.peek(kw::name) {
                    let k: kw::name = input.parse()?;
                    crate::attr::expect_value(input, k.span, "name", "\"py_name\"")?;
                    let v = parse_str_value(input, "name", "PyName")?;
                    crate::attr::check_identifier(&v, errors);
                    if name.replace(v).is_some() {
                        errors.push(syn::Error::new(
                            k.span,
                            "`name` is given more than once; keep one",
                        ));
                    }
                } else if look.peek(kw::module) {
                    let k: kw::module = input.parse()?;
                    crate::attr::expect_value(input, k.span, "module", "\"package.module\"")?;
                    let v = parse_str_value(input, "module", "package.module")?;
                    if module_name.replace(v).is_some() {
                        errors.push(syn::Error::new(
                            k.span,
                            "`module` is given more than once; keep one",
                        ));
                    }
                } else if look.peek(kw::subclass) {
                    let k: kw::subclass = input.parse()?;
                    set_flag(input, &mut subclass, "subclass", k.span, errors)?;
                } else if look.peek(kw::frozen) {
                    let k: kw::frozen = input.parse()?;
                    set_flag(input, &mut frozen, "frozen", k.span, errors)?;
                } else {
                    return Err(unknown_option(
                        input,
                        look,
                        &["name", "module", "subclass", "frozen"],
                    ));
                }
                if !input.is_empty() {
                    crate::attr::option_separator(input)?;
                }
            }
            Ok(())
        };
        if let Err(e) = parser.parse2(args) {
            errors.push(e);
        }
        for g in &item.generics.params {
            match g {
                syn::GenericParam::Lifetime(_) => errors.push(err_spanned!(
                    g,
                    "a `#[class]` cannot have lifetime parameters: its value lives as long as the \
                     Python object, which no Rust lifetime describes. Own the data instead \
                     (`String`, `Vec<T>`, `Arc<T>`); store Python objects in `hpy_core::Field`"
                )),
                _ => errors.push(err_spanned!(
                    g,
                    "a `#[class]` cannot be generic: Python needs one concrete type. Write one \
                     class per instantiation (a `#[class]` struct wrapping `Inner<f64>`, say)"
                )),
            }
        }
        let mut exposed = Vec::new();
        let mut gc_fields = Vec::new();
        let mut field_types = Vec::new();
        match &mut item.fields {
            syn::Fields::Named(named) => {
                for f in named.named.iter_mut() {
                    let ident = f.ident.clone().expect("named field");
                    field_types.push(f.ty.clone());
                    if let Some(seg) = find_handle_type(&f.ty)
                        && seg.ident == "Ctx"
                    {
                        errors.push(err_spanned!(
                            seg,
                            "a `#[class]` cannot store a `Ctx`: a context is valid only during \
                             the call that received it. Remove the field: every method can take \
                             `ctx: Ctx<'c>` as a parameter (or use `slf.ctx()`)"
                        ));
                    } else if let Some(seg) = find_handle_type(&f.ty) {
                        errors.push(err_spanned!(
                            seg,
                            "a `#[class]` cannot store a `{}`: it is valid only during the call \
                             that received it. Store Python objects in a `hpy_core::Field` \
                             (`{}: Field`, written with `slf.store(&slf.{}, Some(obj))` in a \
                             method taking `slf: Ref<'_, 'c, Self>`, read with `slf.load(..)`): \
                             it keeps them alive and visible to the garbage collector",
                            seg.ident,
                            ident,
                            ident
                        ));
                    }
                    if matches!(&f.ty, syn::Type::Path(tp)
                        if tp.path.segments.last().is_some_and(|s| s.ident == "Global"))
                    {
                        errors.push(err_spanned!(
                            &f.ty,
                            "a `#[class]` cannot hold a `Global`: a `Global` is a `static` of \
                             the module. Keep a Python object in an instance with a \
                             `hpy_core::Field` (`{}: Field`), which the garbage collector sees",
                            ident
                        ));
                    }
                    if let Some(g) = gc_field(&ident, &f.ty) {
                        gc_fields.push(g);
                    } else if let Some(seg) = nested_field(&f.ty) {
                        errors.push(err_spanned!(
                            seg,
                            "a `Field` must be a field of the class itself: the object tracks \
                             each `Field` at its place in the struct, and the garbage collector \
                             visits only those. One inside a `Vec`, an `Option`, a tuple or an \
                             array is neither stored nor visited. Declare one `Field` per object \
                             (it starts empty: no `Option` needed), or keep a Python `list` or \
                             `dict` in one `Field` for a varying number of objects"
                        ));
                    }
                    let mut get = false;
                    let mut set = false;
                    let mut fname: Option<LitStr> = None;
                    let mut keep = Vec::new();
                    for a in f.attrs.drain(..) {
                        if a.path().is_ident("pyo3") {
                            errors.push(crate::util::pyo3_attribute(&a));
                            continue;
                        }
                        if !a.path().is_ident("hpy") {
                            keep.push(a);
                            continue;
                        }
                        let r = a.parse_args_with(|input: ParseStream| -> syn::Result<()> {
                            while !input.is_empty() {
                                let look = input.lookahead1();
                                if look.peek(kw::get) {
                                    let k: kw::get = input.parse()?;
                                    set_flag(input, &mut get, "get", k.span, errors)?;
                                } else if look.peek(kw::set) {
                                    let k: kw::set = input.parse()?;
                                    set_flag(input, &mut set, "set", k.span, errors)?;
                                } else if look.peek(kw::name) {
                                    let k: kw::name = input.parse()?;
                                    crate::attr::expect_value(
                                        input,
                                        k.span,
                                        "name",
                                        "\"py_name\"",
                                    )?;
                                    let v = parse_str_value(input, "name", "py_name")?;
                                    crate::attr::check_identifier(&v, errors);
                                    if fname.replace(v).is_some() {
                                        errors.push(syn::Error::new(
                                            k.span,
                                            "`name` is given more than once; keep one",
                                        ));
                                    }
                                } else {
                                    return Err(unknown_option(
                                        input,
                                        look,
                                        &["get", "set", "name"],
                                    ));
                                }
                                if !input.is_empty() {
                                    crate::attr::option_separator(input)?;
                                }
                            }
                            Ok(())
                        });
                        if let Err(e) = r {
                            errors.push(e);
                        }
                    }
                    f.attrs = keep;
                    if set && frozen {
                        errors.push(err_spanned!(
                            &ident,
                            "a `frozen` class cannot have settable fields: remove `set` or `frozen`"
                        ));
                    }
                    if get || set {
                        exposed.push(ExposedField {
                            py_name: fname
                                .map(|n| n.value())
                                .unwrap_or_else(|| ident.unraw().to_string()),
                            doc: doc_text(&f.attrs),
                            span: ident.span(),
                            ident,
                            ty: f.ty.clone(),
                            get,
                            set,
                        });
                    }
                }
            }
            syn::Fields::Unit => {}
            syn::Fields::Unnamed(u) => errors.push(err_spanned!(
                u,
                "a `#[class]` struct needs named fields (or none): Python attributes need names"
            )),
        }
        Some(ClassModel {
            py_name: name
                .map(|n| n.value())
                .unwrap_or_else(|| item.ident.unraw().to_string()),
            ident: item.ident.clone(),
            module_name: module_name.map(|m| m.value()),
            doc: doc_text(&item.attrs),
            subclass,
            frozen,
            exposed,
            gc_fields,
            field_types,
            impls: Vec::new(),
            generic: !item.generics.params.is_empty(),
        })
    }

    /// Reads a `#[methods]` impl of this class; strips the helper attributes.
    /// What the module emits for this class when it reports errors instead of generating:
    /// the traits other code of the crate relies on (borrowing `Ref<Self>`, `ctx.to_py(value)`,
    /// `Self::CALL_FN` constants), with bodies that never run, so that the user's own code
    /// type-checks and the macro's errors are the only ones.
    pub fn error_stubs(&self, krate: &Path) -> TokenStream {
        if self.generic {
            return TokenStream::new();
        }
        let t = &self.ident;
        let name = &self.py_name;
        let frozen = self.frozen;
        let consts = self
            .impls
            .iter()
            .flat_map(|i| i.call_functions.iter())
            .map(|(_, n, _)| {
                let konst = format_ident!(
                    "{}",
                    n.unraw().to_string().to_uppercase(),
                    span = n.span()
                );
                quote! {
                    #[allow(dead_code)]
                    pub const #konst: &'static #krate::class::CallFunction<#t> = &#krate::class::CallFunction::<#t>::__error_stub();
                }
            });
        let class_arg = class_arg_impl(krate, &syn::parse_quote!(#t), frozen);
        quote! {
            // (Never used: the crate does not compile.)
            unsafe impl #krate::class::PyClass for #t {
                const NAME: &'static str = #name;
                const FROZEN: bool = #frozen;
                fn type_store() -> &'static #krate::Global {
                    ::core::unreachable!()
                }
                fn spec() -> *mut #krate::class::TypeSpec {
                    ::core::unreachable!()
                }
            }
            impl<'c> #krate::IntoHandle<'c> for #t {
                fn into_handle(self, _: #krate::Ctx<'c>) -> #krate::Result<#krate::Handle<'c>> {
                    ::core::unreachable!()
                }
            }
            #class_arg
            impl #t {
                #(#consts)*
            }
        }
    }

    pub fn add_impl(&mut self, item: &mut ItemImpl, errors: &mut Errors) {
        let self_ty: Type = (*item.self_ty).clone();
        let mut info = ImplInfo::default();
        for it in item.items.iter_mut() {
            match it {
                ImplItem::Fn(f) => self.add_fn(&self_ty, f, &mut info, errors),
                ImplItem::Const(c) => {
                    if let Some(pos) = c.attrs.iter().position(|a| a.path().is_ident("classattr")) {
                        c.attrs.remove(pos);
                        info.class_attrs.push((
                            c.ident.unraw().to_string(),
                            c.ident.clone(),
                            c.ty.span(),
                        ));
                    }
                }
                _ => {}
            }
        }
        self.impls.push(info);
    }

    fn add_fn(
        &mut self,
        self_ty: &Type,
        f: &mut ImplItemFn,
        info: &mut ImplInfo,
        errors: &mut Errors,
    ) {
        // Our helper attributes: taken off the item, remembered here.
        let mut marks: Vec<(String, Attribute)> = Vec::new();
        let mut fopts = FunctionOptions::default();
        let mut hpy_tokens = TokenStream::new();
        let mut keep = Vec::new();
        // A misspelled method kind: the method is not read further (it would be reported again
        // as the wrong kind).
        let mut misspelled = false;
        for a in f.attrs.drain(..) {
            let last = a.path().segments.last().map(|s| s.ident.to_string());
            if matches!(
                last.as_deref(),
                Some("function" | "constant" | "module_init" | "class" | "methods" | "exception")
            ) && a.path().segments.len() > 1
            {
                errors.push(err_spanned!(
                    &a,
                    "`#[{}]` does not go on a method: every method of a `#[methods]` impl is \
                     exported already (options go in `#[hpy(name = \"...\", signature = (...))]`)",
                    last.unwrap_or_default()
                ));
                continue;
            }
            let name = a
                .path()
                .get_ident()
                .map(|i| i.to_string())
                .unwrap_or_default();
            match name.as_str() {
                n if METHOD_MARKERS.contains(&n) => marks.push((name, a)),
                "pyo3" => errors.push(crate::util::pyo3_attribute(&a)),
                n if crate::util::OPTIONS_AS_ATTRIBUTES.contains(&n) => {
                    errors.push(crate::util::option_as_attribute(&a, n))
                }
                n if misspelled_marker(n).is_some() => {
                    let m = misspelled_marker(n).unwrap_or_default();
                    errors.push(err_spanned!(
                        a.path(),
                        "unknown method attribute `#[{n}]`: did you mean `#[{m}]`?"
                    ));
                    misspelled = true;
                }
                "hpy" => {
                    // Several `#[hpy(...)]` are read as one list, so that an option given in
                    // two of them is reported as repeated rather than one being ignored.
                    if let syn::Meta::List(l) = &a.meta {
                        if !hpy_tokens.is_empty() {
                            hpy_tokens.extend(quote!(,));
                        }
                        hpy_tokens.extend(l.tokens.clone());
                    }
                }
                _ => keep.push(a),
            }
        }
        if !hpy_tokens.is_empty() {
            fopts = FunctionOptions::parse(hpy_tokens, errors);
        }
        f.attrs = keep;
        if misspelled {
            return;
        }
        if marks.len() > 1 {
            let names: Vec<String> = marks.iter().map(|m| format!("#[{}]", m.0)).collect();
            errors.push(err_spanned!(
                &marks[1].1,
                "conflicting method kinds on `{}`: {} cannot be combined",
                f.sig.ident,
                names.join(" and ")
            ));
            return;
        }
        let rust_name = f.sig.ident.unraw().to_string();
        // A reference to the class's value: Python needs an object, not a borrow of one.
        if let syn::ReturnType::Type(_, t) = &f.sig.output
            && let Type::Reference(r) = &**t
            && matches!(&*r.elem, Type::Path(tp)
                if tp.path.segments.last().is_some_and(|s| s.ident == "Self" || s.ident == self.ident))
        {
            errors.push(err_spanned!(
                t,
                "a method returns a Python object, not a reference to a Rust value: to return \
                 this object itself, take `slf: Ref<'_, 'c, Self>` and return \
                 `slf.handle().clone()` (a `Handle<'c>`); to return another object of this \
                 class, return its value (`Self`), which makes a new Python object"
            ));
            return;
        }
        let class_name = self.py_name.clone();
        let ctx = |kind| FnContext::Method {
            self_ty: Box::new(self_ty.clone()),
            class_name: class_name.clone(),
            kind,
        };
        let attrs = f.attrs.clone();
        match marks.first().map(|m| (m.0.as_str(), &m.1)) {
            Some(("new", a)) => {
                if info.new.is_some() || self.impls.iter().any(|i| i.new.is_some()) {
                    errors.push(err_spanned!(
                        a,
                        "a class has one `#[new]`: Python has one constructor per class; give \
                         the other one `#[staticmethod]` (an alternative constructor returning \
                         `Self`)"
                    ));
                }
                let returns_self = match &f.sig.output {
                    syn::ReturnType::Default => false,
                    syn::ReturnType::Type(_, ty) => {
                        let class = self.ident.to_string();
                        quote!(#ty).into_iter().any(|t| {
                            fn walk(t: &proc_macro2::TokenTree, class: &str) -> bool {
                                match t {
                                    proc_macro2::TokenTree::Ident(i) => i == "Self" || i == class,
                                    proc_macro2::TokenTree::Group(g) => {
                                        g.stream().into_iter().any(|t| walk(&t, class))
                                    }
                                    _ => false,
                                }
                            }
                            walk(&t, &class)
                        })
                    }
                };
                if !returns_self {
                    let shown = match &f.sig.output {
                        syn::ReturnType::Default => "nothing".to_owned(),
                        syn::ReturnType::Type(_, ty) => format!("`{}`", crate::util::type_text(ty)),
                    };
                    errors.push(match &f.sig.output {
                        syn::ReturnType::Type(_, ty) => err_spanned!(
                            ty,
                            "`#[new]` returns the new object's value: `Self` or \
                             `Result<Self, E>`, not {shown}"
                        ),
                        syn::ReturnType::Default => err_spanned!(
                            &f.sig,
                            "`#[new]` returns the new object's value: `Self` or \
                             `Result<Self, E>`, not {shown}"
                        ),
                    });
                }
                info.new =
                    FunctionSpec::from_sig(&attrs, &f.sig, &fopts, ctx(MethodKind::New), errors);
            }
            Some(("call_function", a)) => {
                if !matches!(a.meta, syn::Meta::Path(_)) {
                    errors.push(err_spanned!(
                        a,
                        "`#[call_function]` takes no options: write it alone (the constant it \
                         makes is named after the method, in upper case)"
                    ));
                }
                if rust_name.starts_with("__") {
                    errors.push(err_spanned!(
                        &f.sig.ident,
                        "a `#[call_function]` is an ordinary method name, not a special method"
                    ));
                } else if let Some(spec) =
                    FunctionSpec::from_sig(&attrs, &f.sig, &fopts, ctx(MethodKind::Call), errors)
                {
                    use syn::spanned::Spanned;
                    info.call_functions
                        .push((spec, f.sig.ident.clone(), a.span()));
                }
            }
            Some(("staticmethod", _)) => {
                if let Some(spec) =
                    FunctionSpec::from_sig(&attrs, &f.sig, &fopts, ctx(MethodKind::Static), errors)
                {
                    info.statics.push((spec, false));
                }
            }
            Some(("classmethod", _)) => {
                if let Some(spec) =
                    FunctionSpec::from_sig(&attrs, &f.sig, &fopts, ctx(MethodKind::Class), errors)
                {
                    info.statics.push((spec, true));
                }
            }
            Some(("getter", a)) | Some(("setter", a)) => {
                let is_getter = marks[0].0 == "getter";
                let explicit = match &a.meta {
                    syn::Meta::List(l) => match syn::parse2::<Ident>(l.tokens.clone()) {
                        Ok(id) => Some(id.unraw().to_string()),
                        Err(e) => {
                            let which = marks[0].0.clone();
                            match syn::parse2::<LitStr>(l.tokens.clone()) {
                                Ok(lit) => {
                                    errors.push(err_spanned!(
                                        &lit,
                                        "the property's name goes without quotes: \
                                         `#[{which}({})]`",
                                        lit.value()
                                    ));
                                    Some(lit.value())
                                }
                                Err(_) => {
                                    errors.push(syn::Error::new(
                                        e.span(),
                                        format!(
                                            "`#[{which}]` takes the property's name, if any: \
                                             `#[{which}(name)]`"
                                        ),
                                    ));
                                    None
                                }
                            }
                        }
                    },
                    _ => None,
                };
                let name = explicit.unwrap_or_else(|| {
                    if is_getter {
                        rust_name
                            .strip_prefix("get_")
                            .unwrap_or(&rust_name)
                            .to_owned()
                    } else {
                        rust_name
                            .strip_prefix("set_")
                            .unwrap_or(&rust_name)
                            .to_owned()
                    }
                });
                // A malformed accessor is reported once, here, and not generated.
                match (check_accessor(f, is_getter, &fopts, errors), is_getter) {
                    (false, _) => {}
                    (true, true) => info.getters.push((name, f.clone())),
                    (true, false) => info.setters.push((name, f.clone())),
                }
            }
            Some(("classattr", a)) => {
                errors.push(err_spanned!(
                    a,
                    "`#[classattr]` goes on a `const` item of the impl"
                ));
            }
            Some(_) => unreachable!(),
            None if rust_name == "__init__" => {
                if let syn::ReturnType::Type(_, t) = &f.sig.output
                    && (crate::util::type_text(t).contains("Self")
                        || crate::util::type_text(t).contains(&self.ident.to_string()))
                {
                    errors.push(err_spanned!(
                        t,
                        "`__init__` sets up `self`, which already exists, and returns nothing: \
                         to build the object from the arguments, return it from a `#[new]` \
                         method instead"
                    ));
                } else {
                    info.init = FunctionSpec::from_sig(
                        &attrs,
                        &f.sig,
                        &fopts,
                        ctx(MethodKind::Init),
                        errors,
                    );
                }
            }
            None if rust_name == "__call__" => {
                info.call =
                    FunctionSpec::from_sig(&attrs, &f.sig, &fopts, ctx(MethodKind::Call), errors);
            }
            None if rust_name == "__next__" => {
                if let Some(spec) =
                    FunctionSpec::from_sig(&attrs, &f.sig, &fopts, ctx(MethodKind::Next), errors)
                {
                    info.methods.push((spec, f.clone()));
                }
            }
            None if is_slot_method(&rust_name) => {
                if self.frozen && takes_mut_self(f) {
                    errors.push(err_spanned!(
                        &f.sig,
                        "a `frozen` class has no `&mut self` methods"
                    ));
                }
                if INPLACE.iter().any(|(m, _, _)| *m == rust_name)
                    && let syn::ReturnType::Type(_, ty) = &f.sig.output
                    && !returns_unit(ty)
                {
                    errors.push(err_spanned!(
                        ty,
                        "`{rust_name}` updates `self` in place and returns nothing: remove the \
                         return type (or return `Result<()>`); Python keeps the object as the \
                         result of the augmented assignment"
                    ));
                }
                if (matches!(
                    rust_name.as_str(),
                    "__bool__" | "__contains__" | "__richcmp__"
                ) || COMPARISONS.iter().any(|(m, _)| *m == rust_name))
                    && let syn::ReturnType::Type(_, ty) = &f.sig.output
                    && let Some(t) = non_string_scalar(ty)
                    && t != "bool"
                    && !t.starts_with("Vec")
                {
                    errors.push(err_spanned!(
                        ty,
                        "`{rust_name}` answers yes or no: return `bool` (or a `Result` of \
                         one), not `{t}`"
                    ));
                }
                if matches!(rust_name.as_str(), "__len__" | "__hash__")
                    && let syn::ReturnType::Type(_, ty) = &f.sig.output
                    && let Some(t) = not_an_integer(ty)
                {
                    let (what, fix) = if rust_name == "__len__" {
                        ("the length", "`usize`")
                    } else {
                        ("the hash", "an integer (`u64`, `isize`, ...)")
                    };
                    errors.push(err_spanned!(
                        ty,
                        "`{rust_name}` returns {what} as {fix}, not `{t}`: Python requires an \
                         `int` there"
                    ));
                }
                if matches!(rust_name.as_str(), "__repr__" | "__str__")
                    && let syn::ReturnType::Default = &f.sig.output
                {
                    errors.push(err_spanned!(
                        &f.sig.ident,
                        "`{rust_name}` must return the text (Python raises `TypeError` for \
                         `None`): add `-> String` and return `format!(...)`; printing it does \
                         not count"
                    ));
                }
                if (matches!(
                    rust_name.as_str(),
                    "__bool__" | "__contains__" | "__richcmp__"
                ) || COMPARISONS.iter().any(|(m, _)| *m == rust_name))
                    && let syn::ReturnType::Default = &f.sig.output
                {
                    errors.push(err_spanned!(
                        &f.sig.ident,
                        "`{rust_name}` answers yes or no: add `-> bool`"
                    ));
                }
                if matches!(rust_name.as_str(), "__repr__" | "__str__")
                    && let syn::ReturnType::Type(_, ty) = &f.sig.output
                    && let Some(t) = non_string_scalar(ty)
                {
                    errors.push(err_spanned!(
                        ty,
                        "`{rust_name}` must return a string, and Python refuses `{t}` \
                         there: return `String` (`format!(...)`), `&str` or a `Result` of one"
                    ));
                }
                if let syn::ReturnType::Type(_, ty) = &f.sig.output
                    && let Some(e) = crate::util::check_borrowed_type(ty, "return")
                {
                    errors.push(e);
                }
                info.specials.push((rust_name, f.clone()));
            }
            None if rust_name.starts_with("__")
                && rust_name.ends_with("__")
                && rust_name != "__iter__"
                && !LOOKED_UP_BY_NAME.contains(&rust_name.as_str()) =>
            {
                errors.push(unsupported_special(&f.sig.ident, &rust_name));
            }
            None => {
                if self.frozen && takes_mut_self(f) {
                    errors.push(err_spanned!(&f.sig, "a `frozen` class has no `&mut self` (or `RefMut<Self>`) methods: take `&self` (or `Ref<Self>`), or remove `frozen`"));
                }
                if rust_name == "__iter__"
                    && let syn::ReturnType::Type(_, ty) = &f.sig.output
                    && let Some(container) = container_type(ty)
                {
                    errors.push(err_spanned!(
                        ty,
                        "`__iter__` must return an iterator, and a `{container}` converts to a \
                         Python collection, which Python's `iter()` refuses as the result of \
                         `__iter__`. Return the collection's iterator \
                         (`ctx.to_py(items)?.call_method(\"__iter__\", ())`), or a `#[class]` \
                         with a `__next__` method"
                    ));
                }
                if let Some(spec) = FunctionSpec::from_sig(
                    &attrs,
                    &f.sig,
                    &fopts,
                    ctx(MethodKind::Instance),
                    errors,
                ) {
                    info.methods.push((spec, f.clone()));
                }
            }
        }
    }

    /// The generated code.
    pub fn generate(
        &self,
        krate: &Path,
        module_name: &str,
        out: &mut ClassesOutput,
        errors: &mut Errors,
    ) {
        let t = &self.ident;
        let ty: Type = syn::parse_quote!(#t);
        let name = &self.py_name;
        let qualname = format!(
            "{}.{}",
            self.module_name.as_deref().unwrap_or(module_name),
            self.py_name
        );
        let qualname_c = c_str_lit(&qualname, t.span());
        // The class's text signature is its constructor's: `Vec2(x=0.0, y=0.0)`.
        let class_doc = match self.impls.iter().find_map(|i| i.new.as_ref()) {
            Some(spec) => format!(
                "{}{}\n--\n\n{}",
                self.py_name,
                spec.signature_params(),
                self.doc
            ),
            None => self.doc.clone(),
        };
        let doc_c = c_str_lit(&class_doc, t.span());
        let frozen = self.frozen;
        let subclass = self.subclass;
        let gc = !self.gc_fields.is_empty();

        let mut methods = Vec::new();
        let mut getsets = Vec::new();
        let mut members = Vec::new();
        let mut slots = Vec::new();
        let mut slot_methods = Vec::new();
        let mut iter_names: Vec<String> = Vec::new();
        let mut properties: Vec<(String, String)> = Vec::new();
        let mut exec = Vec::new();
        // Each Python name, where it is defined, and what defines it (for the duplicate message).
        let mut py_names: Vec<(String, Span, String)> = Vec::new();

        // Methods.
        for info in &self.impls {
            for (spec, f) in &info.methods {
                let helper = format_ident!("__HpyMethod_{}_{}", t, f.sig.ident.unraw());
                out.items.push(function_impl(krate, &helper, spec));
                let (n, d) = spec.name_and_doc();
                let conv = spec.convention_tokens();
                methods.push(quote!(#krate::class::method::<#helper>(#n, #d, #krate::impl_::Convention::#conv)));
                let short = spec.short_name().to_owned();
                if short == "__iter__" || short == "__next__" {
                    iter_names.push(short.clone());
                }
                let what = format!("the method `{}`", f.sig.ident.unraw());
                py_names.push((short, f.sig.ident.span(), what));
            }
            // Static and class methods: module functions wrapped at import.
            for (spec, is_class) in &info.statics {
                let helper = format_ident!("__HpyStatic_{}_{}", t, spec.short_name());
                out.items.push(function_impl(krate, &helper, spec));
                out.module_functions.push(helper);
                let short = spec.short_name();
                let table = spec.table_name();
                exec.push(quote! {
                    #krate::class::add_static_method(__ctx, __module, &__ty, #short, #table, #is_class)?;
                });
                let kind = if *is_class { "class" } else { "static" };
                let what = format!("the {kind} method `{}`", spec.rust_ident.unraw());
                py_names.push((short.to_owned(), spec.name_span, what));
            }
            for (attr_name, ident, ty_span) in &info.class_attrs {
                // Spanned at the const's type: one that does not convert is reported there.
                let set = quote_spanned! {*ty_span=>
                    __ty.setattr(
                        #attr_name,
                        &#krate::impl_::ConstantValue::into_constant(<#ty>::#ident, __ctx)?,
                    )
                };
                exec.push(quote! { #set?; });
                let what = format!("the `#[classattr]` `{ident}`");
                py_names.push((attr_name.clone(), ident.span(), what));
            }
        }

        // Constructor.
        let new_helper = format_ident!("__HpyNew_{}", t);
        let new_spec = self.impls.iter().find_map(|i| i.new.as_ref());
        let new_body = match new_spec {
            Some(spec) => spec.call_body(krate),
            None => quote! {
                let _ = (__ctx, __args);
                ::core::result::Result::Err(#krate::class::no_constructor::<#ty>())
            },
        };
        out.items.push(quote! {
            #[doc(hidden)]
            #[allow(non_camel_case_types)]
            struct #new_helper;
            impl #krate::class::NewSlot for #new_helper {
                type Class = #ty;
                #[inline(always)]
                fn call<'c>(__ctx: #krate::Ctx<'c>, __args: &#krate::impl_::RawArgs) -> #krate::Result<#ty> {
                    #new_body
                }
            }
        });
        slots.push(quote!(#krate::class::new::<#new_helper>()));
        if let Some(spec) = self.impls.iter().find_map(|i| i.init.as_ref()) {
            let helper = format_ident!("__HpyInit_{}", t);
            let body = spec.call_body(krate);
            out.items.push(quote! {
                #[doc(hidden)]
                #[allow(non_camel_case_types)]
                struct #helper;
                impl #krate::class::InitSlot for #helper {
                    #[inline(always)]
                    fn call<'c>(
                        __ctx: #krate::Ctx<'c>,
                        __obj: &#krate::Handle<'c>,
                        __args: &#krate::impl_::RawArgs,
                    ) -> #krate::Result<()> {
                        let _ = __obj;
                        #body
                    }
                }
            });
            slots.push(quote!(#krate::class::init::<#helper>()));
        }
        let callable = self.impls.iter().any(|i| i.call.is_some());
        let has_call_functions =
            callable && self.impls.iter().any(|i| !i.call_functions.is_empty());
        let mut default_call = quote!(::core::option::Option::None);
        if let Some(spec) = self.impls.iter().find_map(|i| i.call.as_ref()) {
            let helper = format_ident!("__HpyCall_{}", t);
            out.items.push(function_impl(krate, &helper, spec));
            slots.push(quote!(#krate::class::call::<#ty, #helper>()));
            default_call = quote!(::core::option::Option::Some(
                <#helper as #krate::impl_::PyFunction>::call
            ));
        }
        for (spec, name, span) in self.impls.iter().flat_map(|i| i.call_functions.iter()) {
            if !callable {
                let _ = span;
                errors.push(syn::Error::new(
                    name.span(),
                    format!(
                        "`#[call_function]` gives one instance of `{t}` its own call behaviour \
                         (`slf.set_call_function(Self::{})`) instead of the class's \
                         `__call__`: define `fn __call__` too, the default of every other \
                         instance",
                        name.unraw().to_string().to_uppercase()
                    ),
                ));
                continue;
            }
            let helper = format_ident!("__HpyCallFn_{}_{}", t, name.unraw());
            let konst = format_ident!(
                "{}",
                name.unraw().to_string().to_uppercase(),
                span = name.span()
            );
            let doc = format!(
                "The call function of [`Self::{}`], for `set_call_function` (made by \
                 `#[call_function]`).",
                name.unraw()
            );
            out.items.push(function_impl(krate, &helper, spec));
            out.items.push(quote! {
                impl #ty {
                    #[doc = #doc]
                    #[allow(dead_code)]
                    pub const #konst: &'static #krate::class::CallFunction<#ty> =
                        &#krate::class::CallFunction::<#ty>::new::<#helper>();
                }
            });
        }
        slots.push(quote!(#krate::class::destroy::<#ty>(#gc)));
        if gc {
            slots.push(quote!(#krate::class::traverse::<#ty>()));
        }

        // Properties: getters and setters by name, then exposed fields. A second getter (or
        // setter) of one name would be silently ignored: refused.
        for (kind, list) in [("getter", true), ("setter", false)] {
            let all: Vec<&(String, ImplItemFn)> = self
                .impls
                .iter()
                .flat_map(|i| if list { &i.getters } else { &i.setters })
                .collect();
            for (i, (n, f)) in all.iter().enumerate() {
                if let Some((_, first)) = all[..i].iter().find(|(m, _)| m == n) {
                    errors.push(err_spanned!(
                        &f.sig.ident,
                        "property `{n}` already has a {kind}: `{}`; give this one another name \
                         (`#[{kind}(other_name)]`) or remove it",
                        first.sig.ident
                    ));
                }
            }
        }
        let mut prop_names: Vec<String> = Vec::new();
        for info in &self.impls {
            for (n, _) in info.getters.iter().chain(info.setters.iter()) {
                if !prop_names.contains(n) {
                    prop_names.push(n.clone());
                }
            }
        }
        for pname in &prop_names {
            let getter = self
                .impls
                .iter()
                .flat_map(|i| i.getters.iter())
                .find(|(n, _)| n == pname);
            let setter = self
                .impls
                .iter()
                .flat_map(|i| i.setters.iter())
                .find(|(n, _)| n == pname);
            let g_helper = format_ident!("__HpyGet_{}_{}", t, pname);
            let s_helper = format_ident!("__HpySet_{}_{}", t, pname);
            let doc = getter
                .or(setter)
                .map(|(_, f)| doc_text(&f.attrs))
                .unwrap_or_default();
            let span = getter
                .or(setter)
                .map(|(_, f)| f.sig.ident.span())
                .unwrap_or(t.span());
            let get_body = match getter {
                Some((_, f)) => slot_call(krate, &ty, f, &[], Finish::Value, errors),
                None => quote! {
                    let _ = (__ctx, __a);
                    ::core::result::Result::Err(#krate::Error::attribute_error(
                        ::std::format!("attribute '{}' of '{}' objects is not readable", #pname, #name)
                    ))
                },
            };
            let set_body = match setter {
                Some((_, f)) => {
                    let conv = ArgConv {
                        handle: quote!(__v),
                        fname: format!("{name}.{pname}"),
                        on_error: OnError::Raise,
                    };
                    let call = slot_call(krate, &ty, f, &[conv], Finish::Unit, errors);
                    quote! {
                        let __v = match __value {
                            ::core::option::Option::Some(__v) => __v,
                            ::core::option::Option::None => {
                                return ::core::result::Result::Err(#krate::class::cannot_delete(#name, #pname));
                            }
                        };
                        #call
                    }
                }
                None => quote! {
                    let _ = (__ctx, __a, __value);
                    ::core::result::Result::Err(#krate::class::read_only(#name, #pname))
                },
            };
            out.items.push(accessor_impls(
                krate, &g_helper, &s_helper, get_body, set_body,
            ));
            let name_c = c_str_lit(pname, span);
            let doc_c = c_str_lit(&doc, span);
            let has_setter = setter.is_some();
            getsets.push(
                quote!(#krate::class::getset::<#g_helper, #s_helper>(#name_c, #doc_c, #has_setter)),
            );
            property_methods(krate, pname, &g_helper, &s_helper, span, &mut methods);
            properties.push((pname.clone(), doc.clone()));
            let what = format!("the `#[getter]`/`#[setter]` property `{pname}`");
            py_names.push((pname.clone(), span, what));
        }
        for fld in &self.exposed {
            let fid = &fld.ident;
            let fty = &fld.ty;
            let pname = &fld.py_name;
            let what = format!("the `#[hpy(...)]` field `{fid}`");
            py_names.push((pname.clone(), fld.span, what));
            let name_c = c_str_lit(pname, fld.span);
            let doc_c = c_str_lit(&fld.doc, fld.span);
            if frozen
                && !fld.set
                && let Some(code) = member_type(fty)
            {
                let code = format_ident!("{}", code);
                members.push(quote!(#krate::class::member::<#ty>(
                    #name_c, #doc_c, #krate::ffi::#code, ::core::mem::offset_of!(#ty, #fid), true
                )));
                continue;
            }
            let g_helper = format_ident!("__HpyGetField_{}_{}", t, fid);
            let s_helper = format_ident!("__HpySetField_{}_{}", t, fid);
            let is_field = is_field_type(fty);
            let get_body = if !fld.get {
                quote! {
                    let _ = (__ctx, __a);
                    ::core::result::Result::Err(#krate::Error::attribute_error(
                        ::std::format!("attribute '{}' of '{}' objects is not readable", #pname, #name)
                    ))
                }
            } else if is_field {
                quote! {
                    // SAFETY: the runtime calls this getter on instances of the class only.
                    let __slf = unsafe { #krate::class::borrow_self::<#ty>(__a)? };
                    #krate::impl_::ReturnValue::into_raw_result(__slf.load(&__slf.#fid), __ctx)
                }
            } else {
                // Both spanned at the field's type: one that cannot be cloned or converted is
                // reported there.
                let clone = respan(
                    quote!({
                        #[allow(unused_imports)]
                        use #krate::impl_::{ConvertibleField as _, UnconvertibleField as _};
                        (&#krate::impl_::FieldProbe::<#fty>::NEW).copy_field(&__s.#fid)
                    }),
                    type_span(fty),
                );
                let convert = respan(
                    quote!(<#fty as #krate::impl_::GetField>::convert_field(__v, __ctx)),
                    type_span(fty),
                );
                quote! {
                    // SAFETY: the runtime calls this getter on instances of the class only.
                    let __v = unsafe { #krate::class::read_self::<#ty, _>(__a, |__s| #clone)? };
                    #convert
                }
            };
            let fname = format!("{name}.{pname}");
            let set_body = if !fld.set {
                quote! {
                    let _ = (__ctx, __a, __value);
                    ::core::result::Result::Err(#krate::class::read_only(#name, #pname))
                }
            } else if is_field {
                quote! {
                    // SAFETY: the runtime calls this setter on instances of the class only.
                    let __slf = unsafe { #krate::class::borrow_self::<#ty>(__a)? };
                    __slf.store(&__slf.#fid, __value);
                    let _ = __ctx;
                    ::core::result::Result::Ok(())
                }
            } else {
                let extract = respan(
                    quote!(<#fty as #krate::impl_::SetField>::extract_field(__v, #fname)),
                    type_span(fty),
                );
                quote! {
                    let __v = match __value {
                        ::core::option::Option::Some(__v) => __v,
                        ::core::option::Option::None => {
                            return ::core::result::Result::Err(#krate::class::cannot_delete(#name, #pname));
                        }
                    };
                    let __new: #fty = #extract?;
                    // SAFETY: the runtime calls this setter on instances of the class only.
                    let mut __slf = unsafe { #krate::class::borrow_self_mut::<#ty>(__a)? };
                    __slf.#fid = __new;
                    let _ = __ctx;
                    ::core::result::Result::Ok(())
                }
            };
            out.items.push(accessor_impls(
                krate, &g_helper, &s_helper, get_body, set_body,
            ));
            let has_setter = fld.set;
            getsets.push(
                quote!(#krate::class::getset::<#g_helper, #s_helper>(#name_c, #doc_c, #has_setter)),
            );
            property_methods(krate, pname, &g_helper, &s_helper, fld.span, &mut methods);
            properties.push((pname.clone(), fld.doc.clone()));
        }

        // Special methods.
        let specials: Vec<&(String, ImplItemFn)> =
            self.impls.iter().flat_map(|i| i.specials.iter()).collect();
        let find = |n: &str| specials.iter().find(|(m, _)| m == n).map(|(_, f)| f);
        let mut used: Vec<String> = Vec::new();
        // Unary.
        for (m, slot) in UNARY {
            if let Some(f) = find(m) {
                used.push(m.to_string());
                let helper = format_ident!("__HpySlot_{}_{}", t, m.trim_matches('_'));
                let body = slot_call(krate, &ty, f, &[], Finish::Value, errors);
                out.items.push(slot_impl(
                    krate,
                    &helper,
                    quote!(UnarySlot),
                    quote!(__a: &#krate::Handle<'c>),
                    quote!(#krate::ffi::HPy),
                    body,
                ));
                let s = format_ident!("{}", slot);
                slots.push(quote!(#krate::class::unary::<#helper>(#krate::ffi::#s)));
            }
        }
        if find("__str__").is_some() {
            // A method as well as a slot in universal mode, for PyPy's HPy, which has no
            // `tp_str` (see `class::unary`): `add_class` reinstalls it so that the runtime uses
            // it for `str()`.
            iter_names.push("__str__".into());
            let helper = format_ident!("__HpySlot_{}_str", t);
            slot_methods.push(quote!(#krate::class::str_method::<#helper>()));
        }
        if let Some(f) = find("__hash__") {
            iter_names.push("__hash__".into());
            used.push("__hash__".into());
            let helper = format_ident!("__HpySlot_{}_hash", t);
            let body = slot_call(krate, &ty, f, &[], Finish::Hash, errors);
            out.items.push(slot_impl(
                krate,
                &helper,
                quote!(HashSlot),
                quote!(__a: &#krate::Handle<'c>),
                quote!(isize),
                body,
            ));
            slots.push(quote!(#krate::class::hash::<#helper>(#krate::ffi::HPy_tp_hash)));
            slot_methods.push(quote!(#krate::class::hash_method::<#helper>()));
        }
        if let Some(f) = find("__bool__") {
            used.push("__bool__".into());
            let helper = format_ident!("__HpySlot_{}_bool", t);
            let body = slot_call(krate, &ty, f, &[], Finish::Bool, errors);
            out.items.push(slot_impl(
                krate,
                &helper,
                quote!(InquirySlot),
                quote!(__a: &#krate::Handle<'c>),
                quote!(bool),
                body,
            ));
            slots.push(quote!(#krate::class::inquiry::<#helper>(#krate::ffi::HPy_nb_bool)));
        }
        if let Some(f) = find("__len__") {
            used.push("__len__".into());
            let helper = format_ident!("__HpySlot_{}_len", t);
            let body = slot_call(krate, &ty, f, &[], Finish::Len, errors);
            out.items.push(slot_impl(
                krate,
                &helper,
                quote!(LenSlot),
                quote!(__a: &#krate::Handle<'c>),
                quote!(isize),
                body,
            ));
            slots.push(quote!(#krate::class::len::<#helper>(#krate::ffi::HPy_mp_length)));
            slots.push(quote!(#krate::class::len::<#helper>(#krate::ffi::HPy_sq_length)));
        }
        if let Some(f) = find("__getitem__") {
            used.push("__getitem__".into());
            let helper = format_ident!("__HpySlot_{}_getitem", t);
            let conv = ArgConv {
                handle: quote!(__b),
                fname: format!("{name}.__getitem__"),
                on_error: OnError::Raise,
            };
            let body = slot_call(krate, &ty, f, &[conv], Finish::Value, errors);
            out.items.push(slot_impl(
                krate,
                &helper,
                quote!(BinarySlot),
                quote!(__a: &#krate::Handle<'c>, __b: &#krate::Handle<'c>),
                quote!(#krate::ffi::HPy),
                body,
            ));
            slots.push(quote!(#krate::class::binary::<#helper>(#krate::ffi::HPy_mp_subscript)));
        }
        let setitem = find("__setitem__");
        let delitem = find("__delitem__");
        if setitem.is_some() || delitem.is_some() {
            used.push("__setitem__".into());
            used.push("__delitem__".into());
            let helper = format_ident!("__HpySlot_{}_setitem", t);
            let set_code = match setitem {
                Some(f) => {
                    let k = ArgConv {
                        handle: quote!(__k),
                        fname: format!("{name}.__setitem__"),
                        on_error: OnError::Raise,
                    };
                    let v = ArgConv {
                        handle: quote!(__v),
                        fname: format!("{name}.__setitem__"),
                        on_error: OnError::Raise,
                    };
                    slot_call(krate, &ty, f, &[k, v], Finish::Unit, errors)
                }
                None => quote! {
                    let _ = __v;
                    ::core::result::Result::Err(#krate::Error::type_error(::std::format!("'{}' object does not support item assignment", #name)))
                },
            };
            let del_code = match delitem {
                Some(f) => {
                    let k = ArgConv {
                        handle: quote!(__k),
                        fname: format!("{name}.__delitem__"),
                        on_error: OnError::Raise,
                    };
                    slot_call(krate, &ty, f, &[k], Finish::Unit, errors)
                }
                None => quote! {
                    ::core::result::Result::Err(#krate::Error::type_error(::std::format!("'{}' object does not support item deletion", #name)))
                },
            };
            out.items.push(quote! {
                #[doc(hidden)]
                #[allow(non_camel_case_types)]
                struct #helper;
                impl #krate::class::SetItemSlot for #helper {
                    fn call<'c>(
                        __ctx: #krate::Ctx<'c>,
                        __a: &#krate::Handle<'c>,
                        __k: &#krate::Handle<'c>,
                        __value: ::core::option::Option<&#krate::Handle<'c>>,
                    ) -> #krate::Result<()> {
                        match __value {
                            ::core::option::Option::Some(__v) => { #set_code }
                            ::core::option::Option::None => { #del_code }
                        }
                    }
                }
            });
            slots
                .push(quote!(#krate::class::setitem::<#helper>(#krate::ffi::HPy_mp_ass_subscript)));
        }
        if let Some(f) = find("__contains__") {
            used.push("__contains__".into());
            let helper = format_ident!("__HpySlot_{}_contains", t);
            let conv = ArgConv {
                handle: quote!(__b),
                fname: format!("{name}.__contains__"),
                on_error: OnError::Return(quote!(false)),
            };
            let body = slot_call(krate, &ty, f, &[conv], Finish::Bool, errors);
            out.items.push(slot_impl(
                krate,
                &helper,
                quote!(ObjObjSlot),
                quote!(__a: &#krate::Handle<'c>, __b: &#krate::Handle<'c>),
                quote!(bool),
                body,
            ));
            slots.push(quote!(#krate::class::objobj::<#helper>(#krate::ffi::HPy_sq_contains)));
        }
        // Binary number operators, with their reflected forms.
        for (fwd, refl, slot, ternary) in BINARY {
            let f_fwd = find(fwd);
            let f_refl = find(refl);
            if f_fwd.is_none() && f_refl.is_none() {
                continue;
            }
            used.push(fwd.to_string());
            used.push(refl.to_string());
            let helper = format_ident!("__HpySlot_{}_{}", t, fwd.trim_matches('_'));
            let mut body = Vec::new();
            for (f, this, other) in [
                (f_fwd, quote!(__a), quote!(__b)),
                (f_refl, quote!(__b), quote!(__a)),
            ] {
                let Some(f) = f else { continue };
                let mname = format!("{name}.{}", f.sig.ident.unraw());
                let mut convs = vec![ArgConv {
                    handle: other,
                    fname: mname.clone(),
                    on_error: OnError::NotImplemented,
                }];
                if *ternary && count_value_params(f) >= 2 {
                    convs.push(ArgConv {
                        handle: quote!(__m),
                        fname: mname,
                        on_error: OnError::NotImplemented,
                    });
                }
                // `__slf` is borrowed by the `if let` below.
                let call = slot_call_inner(krate, &ty, f, &convs, Finish::Value, errors);
                body.push(quote! {
                    if let ::core::option::Option::Some(__slf) = #krate::class::try_borrow::<#ty>(#this)? {
                        return { #call };
                    }
                });
            }
            let not_impl = quote!(::core::result::Result::Ok(
                __ctx.not_implemented().into_raw()
            ));
            let s = format_ident!("{}", slot);
            if f_refl.is_some() {
                // The reflected method, for runtimes that do not derive it from the slot.
                let adapter = if *ternary {
                    quote!(ReflectedTernaryMethod)
                } else {
                    quote!(ReflectedMethod)
                };
                let rname = c_str_lit(refl, t.span());
                methods.push(
                    quote!(#krate::class::method::<#krate::class::#adapter<#helper>>(
                        #rname, c"", #krate::impl_::Convention::O
                    )),
                );
            }
            if *ternary {
                out.items.push(slot_impl(
                    krate,
                    &helper,
                    quote!(TernarySlot),
                    quote!(__a: &#krate::Handle<'c>, __b: &#krate::Handle<'c>, __m: &#krate::Handle<'c>),
                    quote!(#krate::ffi::HPy),
                    quote! { let _ = __m; #(#body)* #not_impl },
                ));
                slots.push(quote!(#krate::class::ternary::<#helper>(#krate::ffi::#s)));
            } else {
                out.items.push(slot_impl(
                    krate,
                    &helper,
                    quote!(BinarySlot),
                    quote!(__a: &#krate::Handle<'c>, __b: &#krate::Handle<'c>),
                    quote!(#krate::ffi::HPy),
                    quote! { #(#body)* #not_impl },
                ));
                slots.push(quote!(#krate::class::binary::<#helper>(#krate::ffi::#s)));
            }
        }
        // In-place operators: `&mut self`, return `()` (the object itself is the result).
        for (m, slot, ternary) in INPLACE {
            let Some(f) = find(m) else { continue };
            used.push(m.to_string());
            let helper = format_ident!("__HpySlot_{}_{}", t, m.trim_matches('_'));
            let mname = format!("{name}.{m}");
            let mut convs = vec![ArgConv {
                handle: quote!(__b),
                fname: mname.clone(),
                on_error: OnError::NotImplemented,
            }];
            if *ternary && count_value_params(f) >= 2 {
                convs.push(ArgConv {
                    handle: quote!(__m),
                    fname: mname,
                    on_error: OnError::NotImplemented,
                });
            }
            let call = slot_call(krate, &ty, f, &convs, Finish::InPlace, errors);
            let s = format_ident!("{}", slot);
            if *ternary {
                out.items.push(slot_impl(
                    krate,
                    &helper,
                    quote!(TernarySlot),
                    quote!(__a: &#krate::Handle<'c>, __b: &#krate::Handle<'c>, __m: &#krate::Handle<'c>),
                    quote!(#krate::ffi::HPy),
                    quote! { let _ = __m; #call },
                ));
                slots.push(quote!(#krate::class::ternary::<#helper>(#krate::ffi::#s)));
            } else {
                out.items.push(slot_impl(
                    krate,
                    &helper,
                    quote!(BinarySlot),
                    quote!(__a: &#krate::Handle<'c>, __b: &#krate::Handle<'c>),
                    quote!(#krate::ffi::HPy),
                    call,
                ));
                slots.push(quote!(#krate::class::binary::<#helper>(#krate::ffi::#s)));
            }
        }
        // Rich comparison: `__richcmp__`, or the six methods.
        let cmp_methods = COMPARISONS;
        let richcmp = find("__richcmp__");
        let has_cmp = cmp_methods.iter().any(|(m, _)| find(m).is_some());
        if let (Some(f), true) = (richcmp, has_cmp) {
            errors.push(err_spanned!(
                &f.sig.ident,
                "define either `__richcmp__` or the individual comparison methods (`__eq__`, `__lt__`, ...), not both"
            ));
            // Reported: the methods involved are not "unhandled" on top of it.
            used.push("__richcmp__".into());
            used.extend(cmp_methods.iter().map(|(m, _)| (*m).to_owned()));
        } else if richcmp.is_some() || has_cmp {
            used.push("__richcmp__".into());
            let helper = format_ident!("__HpySlot_{}_richcmp", t);
            let body = if let Some(f) = richcmp {
                let conv = ArgConv {
                    handle: quote!(__b),
                    fname: format!("{name}.__richcmp__"),
                    on_error: OnError::NotImplemented,
                };
                let op = ArgConv {
                    handle: quote!(__op),
                    fname: String::new(),
                    on_error: OnError::Raise,
                };
                slot_call_with_op(krate, &ty, f, conv, op, errors)
            } else {
                let mut arms = Vec::new();
                for &(m, op) in cmp_methods {
                    used.push(m.to_string());
                    let opi = format_ident!("{}", op);
                    if let Some(f) = find(m) {
                        let conv = ArgConv {
                            handle: quote!(__b),
                            fname: format!("{name}.{m}"),
                            on_error: OnError::NotImplemented,
                        };
                        let call = slot_call(krate, &ty, f, &[conv], Finish::Value, errors);
                        arms.push(quote!(#krate::class::CompareOp::#opi => { #call }));
                    } else if m == "__ne__" && find("__eq__").is_some() {
                        let f = find("__eq__").expect("checked");
                        let conv = ArgConv {
                            handle: quote!(__b),
                            fname: format!("{name}.__eq__"),
                            on_error: OnError::NotImplemented,
                        };
                        let call = slot_call(krate, &ty, f, &[conv], Finish::Negate, errors);
                        arms.push(quote!(#krate::class::CompareOp::#opi => { #call }));
                    }
                }
                quote! {
                    match __op {
                        #(#arms)*
                        #[allow(unreachable_patterns)]
                        _ => ::core::result::Result::Ok(__ctx.not_implemented().into_raw()),
                    }
                }
            };
            out.items.push(quote! {
                #[doc(hidden)]
                #[allow(non_camel_case_types)]
                struct #helper;
                impl #krate::class::RichCmpSlot for #helper {
                    #[allow(unreachable_code)]
                    fn call<'c>(
                        __ctx: #krate::Ctx<'c>,
                        __a: &#krate::Handle<'c>,
                        __b: &#krate::Handle<'c>,
                        __op: #krate::class::CompareOp,
                    ) -> #krate::Result<#krate::ffi::HPy> {
                        #body
                    }
                }
            });
            slots.push(quote!(#krate::class::richcmp::<#helper>(#krate::ffi::HPy_tp_richcompare)));
        }
        if let Some(f) = find("__getbuffer__") {
            used.push("__getbuffer__".into());
            let helper = format_ident!("__HpySlot_{}_buffer", t);
            let mutable = takes_mut_self(f);
            if !value_params(f).is_empty() {
                errors.push(err_spanned!(&f.sig, "`__getbuffer__` takes only `&self` or `&mut self` (and optionally `ctx: Ctx<'c>`) and returns a `hpy_core::class::Buffer`"));
            }
            let ident = &f.sig.ident;
            let args = f.sig.inputs.iter().map(|a| match a {
                FnArg::Typed(pt) if is_ctx_type(&pt.ty) => quote!(__ctx),
                _ if mutable => quote!(&mut *__slf),
                _ => quote!(&*__slf),
            });
            let (borrow, keep) = if mutable {
                (quote!(borrow_self_mut), quote!(keep_mut))
            } else {
                (quote!(borrow_self), quote!(keep_ref))
            };
            // Spanned at the return type: one that is not a `Buffer` is reported there.
            let into_buffer = respan(
                quote!(#krate::class::BufferResult::into_buffer(<#ty>::#ident(#(#args),*))),
                match &f.sig.output {
                    syn::ReturnType::Type(_, t) => t.span(),
                    syn::ReturnType::Default => f.sig.ident.span(),
                },
            );
            out.items.push(quote! {
                #[doc(hidden)]
                #[allow(non_camel_case_types)]
                struct #helper;
                impl #krate::class::BufferSlot for #helper {
                    type Class = #ty;
                    fn fill<'c>(__ctx: #krate::Ctx<'c>, __a: &#krate::Handle<'c>) -> #krate::Result<#krate::class::RawBuffer> {
                        // SAFETY: the runtime calls this slot with an instance of the class.
                        #[allow(unused_mut)]
                        let mut __slf = unsafe { #krate::class::#borrow::<#ty>(__a)? };
                        let __raw = #into_buffer?.into_raw();
                        #krate::class::#keep(__slf);
                        ::core::result::Result::Ok(__raw)
                    }
                }
            });
            slots.push(quote!(#krate::class::getbuffer::<#helper>()));
            slots.push(quote!(#krate::class::releasebuffer::<#helper>()));
        }
        for (m, f) in &specials {
            if !used.contains(m) {
                errors.push(err_spanned!(&f.sig.ident, "`{m}` is not handled"));
            }
        }

        // Duplicate Python names inside the class.
        for (i, (n, s, what)) in py_names.iter().enumerate() {
            if let Some((_, _, first)) = py_names[..i].iter().find(|(m, _, _)| m == n) {
                errors.push(syn::Error::new(
                    *s,
                    format!(
                        "class `{}` defines the attribute `{n}` twice: {first} and {what}; \
                         rename one (`name = \"...\"`) or remove one",
                        self.py_name
                    ),
                ));
            }
        }

        // The type.
        let traverse = if gc {
            let visits = self.gc_fields.iter().map(|GcField(f)| {
                quote! {
                    let __r = __visit.field(&self.#f);
                    if __r != 0 { return __r; }
                }
            });
            quote! {
                fn traverse(&self, __visit: &mut #krate::class::Visit<'_>) -> ::core::ffi::c_int {
                    #(#visits)*
                    0
                }
            }
        } else {
            quote!()
        };
        let iter_names_lit = iter_names.iter();
        let prop_names = properties.iter().map(|(n, _)| n);
        let prop_docs = properties.iter().map(|(_, d)| d);
        let type_static = format_ident!("__HPY_TYPE_{}", t);
        let class_arg = class_arg_impl(krate, &ty, frozen);
        // `PyClass` values move between the threads that run Python code: each field must be
        // `Send`. Checked here, at each field's type (so that a field that is not says so
        // where it is written), which makes the struct `Send`, as `PyClass` requires.
        let send_checks = self.field_types.iter().map(|fty| {
            quote_spanned! {fty.span()=>
                let () = <#fty as #krate::class::SendField>::CHECKED;
            }
        });
        out.items.push(quote! {
            #[doc(hidden)]
            #[allow(non_upper_case_globals)]
            static #type_static: #krate::Global = #krate::Global::__listed();

            const _: () = {
                #[allow(dead_code)]
                fn __hpy_fields_are_send() {
                    #(#send_checks)*
                }
            };

            #class_arg

            unsafe impl #krate::class::PyClass for #ty {
                const NAME: &'static str = #name;
                const FROZEN: bool = #frozen;
                const DEFAULT_CALL: ::core::option::Option<#krate::class::CallFn> = #default_call;
                const CALL_FUNCTIONS: bool = #has_call_functions;
                fn type_store() -> &'static #krate::Global {
                    &#type_static
                }
                fn spec() -> *mut #krate::class::TypeSpec {
                    #krate::__hpy_class_spec! {
                        class: #ty,
                        qualname: #qualname_c,
                        doc: #doc_c,
                        subclass: #subclass,
                        gc: #gc,
                        methods: [#(#methods),*],
                        getsets: [#(#getsets),*],
                        members: [#(#members),*],
                        slots: [#(#slots),*],
                        slot_methods: [#(#slot_methods),*],
                    }
                }
                #traverse
            }

            impl<'c> #krate::IntoHandle<'c> for #ty {
                fn into_handle(self, ctx: #krate::Ctx<'c>) -> #krate::Result<#krate::Handle<'c>> {
                    #krate::class::new_object(ctx, self)
                }
            }
        });
        out.globals.push(quote!(#type_static.as_ptr()));
        let exec_setup = if exec.is_empty() {
            quote!()
        } else {
            quote! {
                let __ty = #krate::class::type_object::<#ty>(__ctx)?;
                #(#exec)*
            }
        };
        out.exec.push(quote! {
            #krate::class::add_class::<#ty>(
                __ctx,
                __module,
                &[#(#iter_names_lit),*],
                &[#((#prop_names, #prop_docs)),*],
            )?;
            #exec_setup
        });
    }
}

/// `__add__`-style methods: (forward, reflected, HPy slot, ternary?).
const BINARY: &[(&str, &str, &str, bool)] = &[
    ("__add__", "__radd__", "HPy_nb_add", false),
    ("__sub__", "__rsub__", "HPy_nb_subtract", false),
    ("__mul__", "__rmul__", "HPy_nb_multiply", false),
    ("__matmul__", "__rmatmul__", "HPy_nb_matrix_multiply", false),
    ("__truediv__", "__rtruediv__", "HPy_nb_true_divide", false),
    (
        "__floordiv__",
        "__rfloordiv__",
        "HPy_nb_floor_divide",
        false,
    ),
    ("__mod__", "__rmod__", "HPy_nb_remainder", false),
    ("__divmod__", "__rdivmod__", "HPy_nb_divmod", false),
    ("__lshift__", "__rlshift__", "HPy_nb_lshift", false),
    ("__rshift__", "__rrshift__", "HPy_nb_rshift", false),
    ("__and__", "__rand__", "HPy_nb_and", false),
    ("__or__", "__ror__", "HPy_nb_or", false),
    ("__xor__", "__rxor__", "HPy_nb_xor", false),
    ("__pow__", "__rpow__", "HPy_nb_power", true),
];

/// In-place operators: (method, HPy slot, ternary?).
const INPLACE: &[(&str, &str, bool)] = &[
    ("__iadd__", "HPy_nb_inplace_add", false),
    ("__isub__", "HPy_nb_inplace_subtract", false),
    ("__imul__", "HPy_nb_inplace_multiply", false),
    ("__imatmul__", "HPy_nb_inplace_matrix_multiply", false),
    ("__itruediv__", "HPy_nb_inplace_true_divide", false),
    ("__ifloordiv__", "HPy_nb_inplace_floor_divide", false),
    ("__imod__", "HPy_nb_inplace_remainder", false),
    ("__ilshift__", "HPy_nb_inplace_lshift", false),
    ("__irshift__", "HPy_nb_inplace_rshift", false),
    ("__iand__", "HPy_nb_inplace_and", false),
    ("__ior__", "HPy_nb_inplace_or", false),
    ("__ixor__", "HPy_nb_inplace_xor", false),
    ("__ipow__", "HPy_nb_inplace_power", true),
];

/// `f(self) -> object` methods: (method, HPy slot).
const UNARY: &[(&str, &str)] = &[
    ("__repr__", "HPy_tp_repr"),
    ("__str__", "HPy_tp_str"),
    ("__neg__", "HPy_nb_negative"),
    ("__pos__", "HPy_nb_positive"),
    ("__abs__", "HPy_nb_absolute"),
    ("__invert__", "HPy_nb_invert"),
    ("__int__", "HPy_nb_int"),
    ("__float__", "HPy_nb_float"),
    ("__index__", "HPy_nb_index"),
];

fn is_slot_method(name: &str) -> bool {
    UNARY.iter().any(|(m, _)| *m == name)
        || BINARY.iter().any(|(a, b, _, _)| *a == name || *b == name)
        || INPLACE.iter().any(|(m, _, _)| *m == name)
        || matches!(
            name,
            "__hash__"
                | "__getbuffer__"
                | "__bool__"
                | "__len__"
                | "__getitem__"
                | "__setitem__"
                | "__delitem__"
                | "__contains__"
                | "__richcmp__"
        )
        || COMPARISONS.iter().any(|(m, _)| *m == name)
}

/// The six rich-comparison methods and their `CompareOp` variants.
const COMPARISONS: &[(&str, &str)] = &[
    ("__lt__", "Lt"),
    ("__le__", "Le"),
    ("__eq__", "Eq"),
    ("__ne__", "Ne"),
    ("__gt__", "Gt"),
    ("__ge__", "Ge"),
];

/// The collection a return type converts to, when it is one (also inside `Result`/`Option`):
/// `__iter__` must not return one.
fn container_type(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(tp) => {
            let seg = tp.path.segments.last()?;
            let name = seg.ident.to_string();
            match name.as_str() {
                "Result" | "Option" => match &seg.arguments {
                    syn::PathArguments::AngleBracketed(a) => a.args.iter().find_map(|g| match g {
                        syn::GenericArgument::Type(t) => container_type(t),
                        _ => None,
                    }),
                    _ => None,
                },
                "Vec" | "VecDeque" | "HashMap" | "BTreeMap" | "HashSet" | "BTreeSet" | "String" => {
                    Some(crate::util::type_text(ty))
                }
                _ => None,
            }
        }
        syn::Type::Reference(r) => match &*r.elem {
            syn::Type::Path(tp) if tp.path.is_ident("str") => Some(crate::util::type_text(ty)),
            syn::Type::Slice(_) => Some(crate::util::type_text(ty)),
            _ => None,
        },
        syn::Type::Tuple(t) if !t.elems.is_empty() => Some(crate::util::type_text(ty)),
        syn::Type::Array(_) => Some(crate::util::type_text(ty)),
        _ => None,
    }
}

/// A number or `bool` (also inside `Result`/`Option`): not what `__repr__`/`__str__` return.
/// Whether a return type is `()` or a `Result<(), E>` (any `Result` path).
fn returns_unit(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Tuple(t) => t.elems.is_empty(),
        syn::Type::Paren(p) => returns_unit(&p.elem),
        syn::Type::Path(tp) => {
            let Some(seg) = tp.path.segments.last() else {
                return false;
            };
            seg.ident == "Result"
                && matches!(&seg.arguments, syn::PathArguments::AngleBracketed(a)
                    if matches!(a.args.first(), Some(syn::GenericArgument::Type(t)) if returns_unit(t)))
        }
        _ => false,
    }
}

fn non_string_scalar(ty: &syn::Type) -> Option<String> {
    if let Some(t) = crate::util::result_ok_type(ty).or_else(|| crate::util::option_inner(ty)) {
        return non_string_scalar(t);
    }
    let syn::Type::Path(tp) = ty else { return None };
    let seg = tp.path.segments.last()?;
    let name = seg.ident.to_string();
    match name.as_str() {
        n if n == "Vec" || crate::util::NUMERIC_TYPES.contains(&n) => {
            Some(crate::util::type_text(ty))
        }
        _ => None,
    }
}

/// A type that is surely not an integer (also inside `Result`): text, a float, a `bool`, a
/// collection. Its text, for the message.
fn not_an_integer(ty: &syn::Type) -> Option<String> {
    let inner = match ty {
        syn::Type::Reference(r) => &*r.elem,
        t => t,
    };
    if let Some(t) = crate::util::result_ok_type(inner) {
        return not_an_integer(t);
    }
    let syn::Type::Path(tp) = inner else {
        return None;
    };
    let seg = tp.path.segments.last()?;
    match seg.ident.to_string().as_str() {
        "String" | "str" | "f32" | "f64" | "bool" | "char" | "Vec" | "Option" | "Handle" => {
            Some(crate::util::type_text(ty))
        }
        _ => None,
    }
}

/// Every special method name the `#[methods]` macro gives a meaning to.
fn supported_specials() -> impl Iterator<Item = &'static str> {
    const OTHERS: &[&str] = &[
        "__init__",
        "__call__",
        "__next__",
        "__iter__",
        "__hash__",
        "__getbuffer__",
        "__bool__",
        "__len__",
        "__getitem__",
        "__setitem__",
        "__delitem__",
        "__contains__",
        "__richcmp__",
        "__eq__",
        "__ne__",
        "__lt__",
        "__le__",
        "__gt__",
        "__ge__",
    ];
    UNARY
        .iter()
        .map(|(m, _)| *m)
        .chain(BINARY.iter().flat_map(|(a, b, _, _)| [*a, *b]))
        .chain(INPLACE.iter().map(|(m, _, _)| *m))
        .chain(OTHERS.iter().copied())
        .chain(LOOKED_UP_BY_NAME.iter().copied())
        .chain(["__init_subclass__", "__class_getitem__"])
}

/// Special methods Python finds by looking the name up on the type (`reversed()`, `with`,
/// `round()`, `copy`, pickle, ...), not through a slot: they are ordinary methods here, and work
/// the same in both backends.
const LOOKED_UP_BY_NAME: &[&str] = &[
    "__enter__",
    "__exit__",
    "__reversed__",
    "__format__",
    "__bytes__",
    "__complex__",
    "__round__",
    "__trunc__",
    "__floor__",
    "__ceil__",
    "__length_hint__",
    "__fspath__",
    "__sizeof__",
    "__dir__",
    "__copy__",
    "__deepcopy__",
    "__reduce__",
    "__reduce_ex__",
    "__getstate__",
    "__setstate__",
    "__getnewargs__",
    "__getnewargs_ex__",
    "__set_name__",
];

/// Special methods of Python's data model that HPy 0.9 cannot express in both backends; a
/// name on this list is never "corrected" to a supported one that happens to look alike.
const PYTHON_ONLY_SPECIALS: &[&str] = &[
    "__getattr__",
    "__getattribute__",
    "__setattr__",
    "__delattr__",
    "__aenter__",
    "__aexit__",
    "__await__",
    "__aiter__",
    "__anext__",
    "__get__",
    "__set__",
    "__delete__",
    "__missing__",
    "__class_getitem__",
    "__init_subclass__",
    "__instancecheck__",
    "__subclasscheck__",
    "__buffer__",
    "__release_buffer__",
];

/// The error for a `__dunder__` method the macro does not support: the closest supported
/// name when it looks like a typo, how to write a constructor or finaliser, or why not.
fn unsupported_special(ident: &Ident, name: &str) -> syn::Error {
    match name {
        "__new__" => {
            return err_spanned!(
                ident,
                "write the constructor as an ordinary function marked `#[new]` (any name), \
                 returning `Self` or `Result<Self>`: `#[new] fn new(...) -> Self`"
            );
        }
        "__del__" => {
            return err_spanned!(
                ident,
                "`__del__` is not a method here: implement `Drop` for the struct, which runs \
                 when the Python object is freed"
            );
        }
        _ => {}
    }
    if !PYTHON_ONLY_SPECIALS.contains(&name) {
        let core = name.trim_matches('_');
        // The nearest spelling, or a name the typed one starts with (`__lenght__`).
        let near =
            crate::util::closest_spelling(core, supported_specials().map(|s| s.trim_matches('_')))
                .or_else(|| {
                    supported_specials()
                        .map(|s| s.trim_matches('_'))
                        .filter(|s| s.len() >= 3 && core.starts_with(s))
                        .max_by_key(|s| s.len())
                });
        if let Some(s) = near.map(|c| format!("__{c}__")) {
            return err_spanned!(
                ident,
                "`{name}` is not a special method hpy-core knows: did you mean `{s}`?"
            );
        }
    }
    let why = match name {
        "__getattr__" | "__getattribute__" | "__setattr__" | "__delattr__" => {
            "HPy 0.9 has no attribute-access slots: define properties with `#[getter]` / \
             `#[setter]` (or `#[hpy(get, set)]` on fields), or ordinary methods"
        }
        "__get__" | "__set__" | "__delete__" => {
            "HPy 0.9 has no descriptor slots, so the class cannot be a descriptor"
        }
        "__aenter__" | "__aexit__" | "__await__" | "__aiter__" | "__anext__" => {
            "HPy 0.9 has no slots for `async` protocols"
        }
        "__class_getitem__" | "__init_subclass__" => {
            return err_spanned!(
                ident,
                "Python calls `{name}` on the class: mark it `#[classmethod]` (first \
                 parameter `cls: &Handle<'c>`)"
            );
        }
        "__buffer__" | "__release_buffer__" => {
            return err_spanned!(
                ident,
                "the buffer protocol is `fn __getbuffer__(&self) -> hpy_core::class::Buffer<'_>` \
                 here (the buffer is released for you)"
            );
        }
        "__missing__" => {
            "only `dict` subclasses use `__missing__`, and a `#[class]` cannot \
                          subclass `dict`"
        }
        "__traverse__" | "__clear__" => {
            return err_spanned!(
                ident,
                "`{name}` is written for you: the garbage collector visits (and clears) every \
                 `Field` of the class. Remove the method, and keep each Python object the \
                 class holds in a `Field`"
            );
        }
        "__instancecheck__" | "__subclasscheck__" => {
            "Python looks it up on the metaclass, and a `#[class]` has `type` as its metaclass"
        }
        _ => "HPy 0.9 has no slot for it",
    };
    err_spanned!(
        ident,
        "`{name}` is not a special method hpy-core supports in both backends: {why}; rename \
         the method, or see the list in the `#[methods]` docs"
    )
}

/// Whether the method takes `&mut self` or `slf: RefMut<Self>`.
fn takes_mut_self(f: &ImplItemFn) -> bool {
    if matches!(f.sig.receiver(), Some(r) if matches!(r.kind, syn::ReceiverKind::Reference(_, _, Some(_))))
    {
        return true;
    }
    matches!(
        f.sig.inputs.first(),
        Some(syn::FnArg::Typed(pt)) if matches!(&*pt.ty, syn::Type::Path(tp)
            if tp.path.segments.last().is_some_and(|s| s.ident == "RefMut"))
    )
}

/// Checks the shape of a `#[getter]`/`#[setter]`; whether it is fine.
fn check_accessor(
    f: &ImplItemFn,
    getter: bool,
    opts: &FunctionOptions,
    errors: &mut Errors,
) -> bool {
    let before = errors.len();
    if let Some(sig) = &opts.signature {
        errors.push(syn::Error::new(
            sig.span,
            format!(
                "a `#[{}]` has no signature: Python {} the attribute without a call; remove \
                 `signature = (...)`",
                if getter { "getter" } else { "setter" },
                if getter { "reads" } else { "assigns" }
            ),
        ));
    }
    if f.sig.receiver().is_none()
        && !f
            .sig
            .inputs
            .iter()
            .any(|a| matches!(a, FnArg::Typed(pt) if is_guard(&pt.ty)))
    {
        errors.push(err_spanned!(
            &f.sig,
            "a {} needs a receiver (`&self`{})",
            if getter { "`#[getter]`" } else { "`#[setter]`" },
            if getter { "" } else { " or `&mut self`" }
        ));
    }
    let values = count_value_params(f);
    if getter && values != 0 {
        errors.push(err_spanned!(
            &f.sig.inputs,
            "a `#[getter]` takes no argument besides `&self` (and optionally `ctx: Ctx<'c>`)"
        ));
    }
    if !getter && values != 1 {
        errors.push(err_spanned!(&f.sig.inputs, "a `#[setter]` takes exactly one value besides `&mut self` (and optionally `ctx: Ctx<'c>`)"));
    }
    errors.len() == before
}

fn is_guard(ty: &Type) -> bool {
    matches!(ty, Type::Path(tp) if tp.path.segments.last().is_some_and(|s| s.ident == "Ref" || s.ident == "RefMut"))
}

/// The parameters that receive Python values (not the receiver, not a `Ctx`).
fn value_params(f: &ImplItemFn) -> Vec<&syn::PatType> {
    f.sig
        .inputs
        .iter()
        .enumerate()
        .filter_map(|(i, a)| match a {
            FnArg::Typed(pt) if !(is_ctx_type(&pt.ty) || i == 0 && is_guard(&pt.ty)) => Some(pt),
            _ => None,
        })
        .collect()
}

fn count_value_params(f: &ImplItemFn) -> usize {
    value_params(f).len()
}

/// `Some(code)` of an `HPyMember_*` type for a field type a member can expose.
fn member_type(ty: &Type) -> Option<&'static str> {
    let Type::Path(tp) = ty else { return None };
    let id = tp.path.get_ident()?.to_string();
    Some(match id.as_str() {
        "i8" => "HPyMember_BYTE",
        "u8" => "HPyMember_UBYTE",
        "i16" => "HPyMember_SHORT",
        "u16" => "HPyMember_USHORT",
        "i32" => "HPyMember_INT",
        "u32" => "HPyMember_UINT",
        "i64" => "HPyMember_LONGLONG",
        "u64" => "HPyMember_ULONGLONG",
        "isize" => "HPyMember_HPYSSIZET",
        "f32" => "HPyMember_FLOAT",
        "f64" => "HPyMember_DOUBLE",
        // Not `bool`: PyPy's HPy backend reads bool members as None.
        _ => return None,
    })
}

fn is_field_type(ty: &Type) -> bool {
    matches!(ty, Type::Path(tp) if tp.path.segments.last().is_some_and(|s| s.ident == "Field"))
}

/// A `Field` inside the type of a class field (not the field's type itself): `Vec<Field>`,
/// `Option<Field>`, `[Field; 2]`, `(Field, i64)`...
fn nested_field(ty: &Type) -> Option<&syn::PathSegment> {
    if is_field_type(ty) {
        return None;
    }
    crate::util::find_segment(ty, &|id| id == "Field")
}

fn gc_field(ident: &Ident, ty: &Type) -> Option<GcField> {
    is_field_type(ty).then(|| GcField(ident.clone()))
}

/// A hidden type implementing `PyFunction` for a method, static method or `__call__`.
fn function_impl(krate: &Path, helper: &Ident, spec: &FunctionSpec) -> TokenStream {
    let (n, d) = spec.name_and_doc();
    let conv = spec.convention_tokens();
    let body = spec.call_body(krate);
    let name = spec.table_name();
    quote! {
        #[doc(hidden)]
        #[allow(non_camel_case_types)]
        struct #helper;
        impl #krate::impl_::PyFunction for #helper {
            const DEF: #krate::impl_::MethodDef =
                #krate::impl_::method_def::<#helper>(#n, #d, #krate::impl_::Convention::#conv);
            const NAME: &'static str = #name;
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

fn slot_impl(
    krate: &Path,
    helper: &Ident,
    tr: TokenStream,
    params: TokenStream,
    ret: TokenStream,
    body: TokenStream,
) -> TokenStream {
    quote! {
        #[doc(hidden)]
        #[allow(non_camel_case_types)]
        struct #helper;
        impl #krate::class::#tr for #helper {
            #[allow(unreachable_code)]
            #[inline(always)]
            fn call<'c>(__ctx: #krate::Ctx<'c>, #params) -> #krate::Result<#ret> {
                #body
            }
        }
    }
}

fn accessor_impls(
    krate: &Path,
    getter: &Ident,
    setter: &Ident,
    get_body: TokenStream,
    set_body: TokenStream,
) -> TokenStream {
    quote! {
        #[doc(hidden)]
        #[allow(non_camel_case_types)]
        struct #getter;
        impl #krate::class::GetterSlot for #getter {
            #[inline(always)]
            fn get<'c>(__ctx: #krate::Ctx<'c>, __a: &#krate::Handle<'c>) -> #krate::Result<#krate::ffi::HPy> {
                #get_body
            }
        }
        #[doc(hidden)]
        #[allow(non_camel_case_types)]
        struct #setter;
        impl #krate::class::SetterSlot for #setter {
            #[inline(always)]
            fn set<'c>(
                __ctx: #krate::Ctx<'c>,
                __a: &#krate::Handle<'c>,
                __value: ::core::option::Option<&#krate::Handle<'c>>,
            ) -> #krate::Result<()> {
                #set_body
            }
        }
    }
}

/// What happens when an operand does not convert.
enum OnError {
    /// Raise the conversion error.
    Raise,
    /// Return `NotImplemented` (binary operators).
    NotImplemented,
    /// Return this value (`__contains__`: False).
    Return(TokenStream),
}

/// How one Python operand reaches one parameter of a special method.
struct ArgConv {
    handle: TokenStream,
    fname: String,
    on_error: OnError,
}

/// What a special method's result becomes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Finish {
    /// A new reference (`ReturnValue`).
    Value,
    /// `()` or `Result<()>`.
    Unit,
    /// A hash.
    Hash,
    /// A length.
    Len,
    /// A truth value.
    Bool,
    /// The truth value of the result, negated, as a Python bool (`!=` from `__eq__`).
    Negate,
    /// An in-place operator: the object itself.
    InPlace,
}

/// Calls a special method on `__a` (already known to be an instance).
fn slot_call(
    krate: &Path,
    ty: &Type,
    f: &ImplItemFn,
    convs: &[ArgConv],
    finish: Finish,
    errors: &mut Errors,
) -> TokenStream {
    let borrow = borrow_receiver(krate, ty, f, &quote!(__a));
    let call = slot_call_inner(krate, ty, f, convs, finish, errors);
    quote! {
        #borrow
        #call
    }
}

fn slot_call_with_op(
    krate: &Path,
    ty: &Type,
    f: &ImplItemFn,
    conv: ArgConv,
    op: ArgConv,
    errors: &mut Errors,
) -> TokenStream {
    let borrow = borrow_receiver(krate, ty, f, &quote!(__a));
    let call = slot_call_inner_op(krate, ty, f, &[conv], Some(op), Finish::Value, errors);
    quote! {
        #borrow
        #call
    }
}

fn borrow_receiver(krate: &Path, ty: &Type, f: &ImplItemFn, this: &TokenStream) -> TokenStream {
    if takes_mut_self(f) {
        quote! {
            // SAFETY: the runtime calls this slot with an instance of the class as `self`.
            #[allow(unused_mut)]
            let mut __slf = unsafe { #krate::class::borrow_self_mut::<#ty>(#this)? };
        }
    } else {
        quote! {
            // SAFETY: the runtime calls this slot with an instance of the class as `self`.
            let __slf = unsafe { #krate::class::borrow_self::<#ty>(#this)? };
        }
    }
}

fn slot_call_inner(
    krate: &Path,
    ty: &Type,
    f: &ImplItemFn,
    convs: &[ArgConv],
    finish: Finish,
    errors: &mut Errors,
) -> TokenStream {
    slot_call_inner_op(krate, ty, f, convs, None, finish, errors)
}

fn slot_call_inner_op(
    krate: &Path,
    ty: &Type,
    f: &ImplItemFn,
    convs: &[ArgConv],
    op: Option<ArgConv>,
    finish: Finish,
    errors: &mut Errors,
) -> TokenStream {
    let ident = &f.sig.ident;
    let values = value_params(f);
    let expected = convs.len() + usize::from(op.is_some());
    if values.len() != expected {
        errors.push(err_spanned!(
            &f.sig,
            "`{}` takes {} argument{} besides the receiver (and an optional `ctx: Ctx<'c>`), not {}",
            ident,
            expected,
            if expected == 1 { "" } else { "s" },
            values.len()
        ));
        return quote!(::core::unreachable!());
    }
    let mut prelude = Vec::new();
    let mut args = Vec::new();
    let mut vi = 0usize;
    for (i, a) in f.sig.inputs.iter().enumerate() {
        match a {
            FnArg::Receiver(r) => {
                if matches!(r.kind, syn::ReceiverKind::Reference(_, _, Some(_))) {
                    args.push(quote!(&mut *__slf));
                } else {
                    args.push(quote!(&*__slf));
                }
            }
            FnArg::Typed(pt) if i == 0 && is_guard(&pt.ty) => args.push(quote!(__slf)),
            FnArg::Typed(pt) if is_ctx_type(&pt.ty) => args.push(quote!(__ctx)),
            FnArg::Typed(pt) => {
                let var = format_ident!("__v{}", vi);
                if vi == convs.len() {
                    // The comparison operator of `__richcmp__`.
                    let is_op = matches!(&*pt.ty, syn::Type::Path(tp)
                        if tp.path.segments.last().is_some_and(|s| s.ident == "CompareOp"));
                    if !is_op {
                        errors.push(err_spanned!(
                            &pt.ty,
                            "the last parameter of `__richcmp__` is the operator: declare it \
                             `op: CompareOp` (`hpy_core::CompareOp`) and match on \
                             `CompareOp::Eq`, `CompareOp::Lt`, ..."
                        ));
                    }
                    args.push(quote!(__op));
                    vi += 1;
                    continue;
                }
                let conv = &convs[vi];
                vi += 1;
                let h = &conv.handle;
                let fname = &conv.fname;
                let pname = match &*pt.pat {
                    syn::Pat::Ident(pi) => pi.ident.unraw().to_string(),
                    _ => "value".to_owned(),
                };
                let span = pt.ty.span();
                let on_err = match &conv.on_error {
                    OnError::Raise => quote!(return ::core::result::Result::Err(__e)),
                    OnError::NotImplemented => quote! {{
                        __e.discard(__ctx);
                        return ::core::result::Result::Ok(__ctx.not_implemented().into_raw());
                    }},
                    OnError::Return(v) => quote! {{
                        __e.discard(__ctx);
                        return ::core::result::Result::Ok(#v);
                    }},
                };
                let class_ref = class_ref_target(&pt.ty, ty);
                match class_ref {
                    Some((target, mutable)) => {
                        let guard = format_ident!("__g{}", vi);
                        let borrow = if mutable {
                            respan(
                                quote!(<#target as #krate::class::ClassArg>::extract_mut),
                                type_span(&target),
                            )
                        } else {
                            respan(
                                quote!(<#target as #krate::class::ClassArg>::extract_ref),
                                type_span(&target),
                            )
                        };
                        prelude.push(quote! {
                            #[allow(unused_mut)]
                            let mut #guard = match #borrow(#h, #fname, #pname) {
                                ::core::result::Result::Ok(__g) => __g,
                                ::core::result::Result::Err(__e) => #on_err,
                            };
                        });
                        args.push(if mutable {
                            quote!(&mut *#guard)
                        } else {
                            quote!(&*#guard)
                        });
                    }
                    None => {
                        let extract = respan(quote!(#krate::FromHandle::__extract_argument), span);
                        // (The whole call at the type: a type that does not convert is
                        // reported there.)
                        let call = quote_spanned!(span=> #extract(#h, #fname, #pname));
                        prelude.push(quote! {
                            let #var = match #call {
                                ::core::result::Result::Ok(__v) => __v,
                                ::core::result::Result::Err(__e) => #on_err,
                            };
                        });
                        args.push(quote!(#var));
                    }
                }
            }
        }
    }
    let ret_span = match &f.sig.output {
        syn::ReturnType::Default => f.sig.ident.span(),
        syn::ReturnType::Type(_, t) => t.span(),
    };
    let finish = match finish {
        Finish::Value => quote!(#krate::impl_::ReturnValue::into_raw_result(__ret, __ctx)),
        Finish::Unit => quote!(#krate::impl_::UnitResult::into_unit_result(__ret)),
        Finish::Hash => quote!(#krate::class::SlotResult::into_hash(__ret)),
        Finish::Len => quote!(#krate::class::SlotResult::into_len(__ret)),
        Finish::Bool => quote!(#krate::class::SlotResult::into_bool(__ret, __ctx)),
        Finish::Negate => quote!(#krate::class::negate(__ret, __ctx)),
        Finish::InPlace => quote! {
            #krate::impl_::UnitResult::into_unit_result(__ret)?;
            ::core::mem::drop(__slf);
            ::core::result::Result::Ok(__a.clone().into_raw())
        },
    };
    let finish = respan(finish, ret_span);
    quote! {
        #(#prelude)*
        let __ret = <#ty>::#ident(#(#args),*);
        #finish
    }
}

/// `Some((T, mutable))` when a parameter type is `&T` / `&mut T` for a class `T` (`Self` is
/// replaced by the class).
fn class_ref_target(ty: &Type, self_ty: &Type) -> Option<(Type, bool)> {
    let Type::Reference(r) = ty else { return None };
    let Type::Path(tp) = &*r.elem else {
        return None;
    };
    let last = tp.path.segments.last()?.ident.to_string();
    if matches!(last.as_str(), "str" | "Handle" | "CStr" | "OsStr" | "Path") {
        return None;
    }
    let target = if tp.path.is_ident("Self") {
        self_ty.clone()
    } else {
        (*r.elem).clone()
    };
    Some((target, r.mutability.is_some()))
}

/// An exception type declared in Rust: `#[exception(base = ValueError)] struct ParseError;`.
/// The built-in exceptions an `#[exception]` may name as `base` (`hpy_core::Builtin`).
const BUILTIN_EXCEPTIONS: &[&str] = &[
    "BaseException",
    "Exception",
    "StopAsyncIteration",
    "StopIteration",
    "GeneratorExit",
    "ArithmeticError",
    "LookupError",
    "AssertionError",
    "AttributeError",
    "BufferError",
    "EOFError",
    "FloatingPointError",
    "OSError",
    "ImportError",
    "ModuleNotFoundError",
    "IndexError",
    "KeyError",
    "KeyboardInterrupt",
    "MemoryError",
    "NameError",
    "OverflowError",
    "RuntimeError",
    "RecursionError",
    "NotImplementedError",
    "SyntaxError",
    "IndentationError",
    "TabError",
    "ReferenceError",
    "SystemError",
    "SystemExit",
    "TypeError",
    "UnboundLocalError",
    "UnicodeError",
    "UnicodeEncodeError",
    "UnicodeDecodeError",
    "UnicodeTranslateError",
    "ValueError",
    "ZeroDivisionError",
    "BlockingIOError",
    "BrokenPipeError",
    "ChildProcessError",
    "ConnectionError",
    "ConnectionAbortedError",
    "ConnectionRefusedError",
    "ConnectionResetError",
    "FileExistsError",
    "FileNotFoundError",
    "InterruptedError",
    "IsADirectoryError",
    "NotADirectoryError",
    "PermissionError",
    "ProcessLookupError",
    "TimeoutError",
    "Warning",
    "UserWarning",
    "DeprecationWarning",
    "PendingDeprecationWarning",
    "SyntaxWarning",
    "RuntimeWarning",
    "FutureWarning",
    "ImportWarning",
    "UnicodeWarning",
    "BytesWarning",
    "ResourceWarning",
];

pub struct ExceptionModel {
    /// The Rust struct.
    pub ident: Ident,
    /// The name Python sees.
    pub py_name: String,
    doc: String,
    base: Option<Ident>,
}

impl ExceptionModel {
    /// Reads `#[exception(base = Name, name = "...")]` and the (unit) struct.
    pub fn from_struct(
        args: TokenStream,
        item: &ItemStruct,
        errors: &mut Errors,
    ) -> Option<ExceptionModel> {
        let mut base: Option<Ident> = None;
        let mut name: Option<LitStr> = None;
        let parser = |input: ParseStream| -> syn::Result<()> {
            while !input.is_empty() {
                let look = input.lookahead1();
                if look.peek(kw::base) {
                    let k: kw::base = input.parse()?;
                    crate::attr::expect_value(input, k.span, "base", "ValueError")?;
                    if !input.peek(Ident) {
                        return Err(input.error(
                            "`base` takes the name of a built-in exception or of another \
                             `#[exception]` of this module, without quotes: `base = ValueError`",
                        ));
                    }
                    // A path (`hpy::Builtin::ValueError`, `super::MyError`) names its last
                    // segment.
                    let path: syn::Path = input.parse()?;
                    let last = path.segments.last().expect("a path has a segment");
                    let ident = last.ident.clone();
                    if path.segments.len() > 1 && path.segments.iter().any(|s| s.ident == "Builtin")
                    {
                        // `Builtin::ValueError`: the built-in exception.
                    } else if path.segments.len() > 1 {
                        errors.push(syn::Error::new_spanned(
                            &path,
                            format!(
                                "`base` takes a name, not a path: the built-in exception or \
                                 `#[exception]` of this module, as in `base = {ident}`"
                            ),
                        ));
                    }
                    if base.replace(ident).is_some() {
                        errors.push(syn::Error::new(
                            k.span,
                            "`base` is given more than once; keep one",
                        ));
                    }
                } else if look.peek(kw::name) {
                    let k: kw::name = input.parse()?;
                    crate::attr::expect_value(input, k.span, "name", "\"py_name\"")?;
                    let v = parse_str_value(input, "name", "PyName")?;
                    crate::attr::check_identifier(&v, errors);
                    if name.replace(v).is_some() {
                        errors.push(syn::Error::new(
                            k.span,
                            "`name` is given more than once; keep one",
                        ));
                    }
                } else {
                    return Err(unknown_option(input, look, &["base", "name"]));
                }
                if !input.is_empty() {
                    crate::attr::option_separator(input)?;
                }
            }
            Ok(())
        };
        if let Err(e) = parser.parse2(args) {
            errors.push(e);
        }
        if !matches!(item.fields, syn::Fields::Unit) || !item.generics.params.is_empty() {
            errors.push(err_spanned!(
                &item.ident,
                "an `#[exception]` is a unit struct (`struct {};`): it names a Python exception type, the message goes in the error",
                item.ident
            ));
            return None;
        }
        Some(ExceptionModel {
            py_name: name
                .map(|n| n.value())
                .unwrap_or_else(|| item.ident.unraw().to_string()),
            ident: item.ident.clone(),
            doc: doc_text(&item.attrs),
            base,
        })
    }

    fn global(&self) -> Ident {
        format_ident!("__HPY_EXCEPTION_{}", self.ident)
    }

    /// Checks every `base` (a built-in exception or another exception of the module, without
    /// cycles) and returns the exceptions in an order where each base is created first.
    pub fn ordered<'a>(all: &'a [ExceptionModel], errors: &mut Errors) -> Vec<&'a ExceptionModel> {
        let mut bad = vec![false; all.len()];
        for (i, e) in all.iter().enumerate() {
            let Some(b) = &e.base else { continue };
            if all.iter().any(|o| &o.ident == b) {
                if b == &e.ident {
                    errors.push(err_spanned!(
                        b,
                        "an exception cannot be its own base: name a built-in exception \
                         (`base = ValueError`) or another `#[exception]` of this module"
                    ));
                    bad[i] = true;
                }
                continue;
            }
            let typed = b.to_string();
            if BUILTIN_EXCEPTIONS.contains(&typed.as_str()) {
                continue;
            }
            bad[i] = true;
            let near = BUILTIN_EXCEPTIONS
                .iter()
                .map(|n| n.to_string())
                .chain(all.iter().map(|o| o.ident.to_string()))
                .collect::<Vec<_>>();
            let near = crate::util::closest_spelling(&typed, near.iter().map(String::as_str));
            let hint = match near {
                Some(n) => format!("did you mean `{n}`?"),
                None => "use a built-in exception such as `ValueError`, `TypeError` or \
                         `RuntimeError`, or another `#[exception]` declared in this module"
                    .to_string(),
            };
            errors.push(err_spanned!(
                b,
                "`{typed}` is neither a built-in Python exception nor an `#[exception]` of this \
                 module: {hint}"
            ));
        }
        // Bases first; what is left over sits in a cycle.
        let mut out: Vec<&ExceptionModel> = Vec::new();
        let mut done = bad.clone();
        loop {
            let before = out.len();
            for (i, e) in all.iter().enumerate() {
                if done[i] {
                    continue;
                }
                let ready = match &e.base {
                    Some(b) => match all.iter().position(|o| &o.ident == b) {
                        Some(j) => done[j] && !bad[j],
                        None => true,
                    },
                    None => true,
                };
                if ready {
                    done[i] = true;
                    out.push(e);
                }
            }
            if out.len() == before {
                break;
            }
        }
        // One error per cycle, at the first exception of it; those whose bases only lead into
        // a cycle are not reported again.
        let base_of = |i: usize| {
            let b = all[i].base.as_ref()?;
            all.iter().position(|o| &o.ident == b)
        };
        while let Some(start) = (0..all.len()).find(|&i| !done[i]) {
            let mut path = vec![start];
            let mut at = start;
            while let Some(next) = base_of(at) {
                if let Some(k) = path.iter().position(|&p| p == next) {
                    let cycle: Vec<String> = path[k..]
                        .iter()
                        .chain(std::iter::once(&next))
                        .map(|&p| format!("`{}`", all[p].ident))
                        .collect();
                    let first = &all[path[k]];
                    errors.push(err_spanned!(
                        first.base.as_ref().unwrap_or(&first.ident),
                        "exception bases form a cycle ({}): give one of them a built-in base",
                        cycle.join(" -> ")
                    ));
                    break;
                }
                if done[next] {
                    break;
                }
                path.push(next);
                at = next;
            }
            for p in path {
                done[p] = true;
            }
        }
        out
    }

    /// The type's static, its `StaticExceptionType` impl, `new_err`, and its creation at import.
    pub fn generate(
        &self,
        krate: &Path,
        module_name: &str,
        all: &[ExceptionModel],
        out: &mut ClassesOutput,
    ) {
        let t = &self.ident;
        let name = &self.py_name;
        let qualname = format!("{module_name}.{name}");
        let global = self.global();
        let doc = &self.doc;
        // The base: another exception of this module (created before), or a built-in.
        let base = match &self.base {
            None => quote!(__ctx.exception_type(#krate::Builtin::Exception)),
            Some(b) => match all.iter().find(|e| &e.ident == b) {
                Some(e) => {
                    let g = e.global();
                    quote!(#g.load(__ctx)?)
                }
                None => quote!(__ctx.exception_type(#krate::Builtin::#b)),
            },
        };
        out.items.push(quote! {
            #[doc(hidden)]
            #[allow(non_upper_case_globals)]
            static #global: #krate::Global = #krate::Global::__listed();

            impl #krate::err::StaticExceptionType for #t {
                fn name(&self) -> &str {
                    #name
                }
                fn load<'c>(&'static self, ctx: #krate::Ctx<'c>) -> #krate::Result<#krate::Handle<'c>> {
                    #global.load(ctx)
                }
            }

            impl #t {
                /// An error of this exception type with a message (raise it with `Err(...)`).
                #[allow(dead_code)]
                pub fn new_err(msg: impl ::core::convert::Into<::std::borrow::Cow<'static, str>>) -> #krate::Error {
                    #krate::Error::from_static(&#t, msg)
                }

                /// The exception type object (after the module was imported).
                #[allow(dead_code)]
                pub fn type_object<'c>(ctx: #krate::Ctx<'c>) -> #krate::Result<#krate::Handle<'c>> {
                    #global.load(ctx)
                }
            }

            /// The exception raised with no arguments (`raise MyError`): `Err(MyError.into())`.
            impl ::core::convert::From<#t> for #krate::Error {
                fn from(_: #t) -> #krate::Error {
                    #krate::Error::without_message(#krate::ExceptionType::Static(&#t))
                }
            }
        });
        out.globals.push(quote!(#global.as_ptr()));
        let doc_arg = if doc.is_empty() {
            quote!(::core::option::Option::None)
        } else {
            quote!(::core::option::Option::Some(#doc))
        };
        out.exec.push(quote! {
            {
                let __base = #base;
                let __ty = __ctx.new_exception_type(#qualname, ::core::option::Option::Some(&__base), #doc_arg, ::core::option::Option::None)?;
                #global.store(__ctx, &__ty);
                __module.setattr(#name, &__ty)?;
            }
        });
    }
}

/// The three hidden methods a property is also defined as (see `class::add_class`).
fn property_methods(
    krate: &Path,
    name: &str,
    getter: &Ident,
    setter: &Ident,
    span: Span,
    methods: &mut Vec<TokenStream>,
) {
    let get = c_str_lit(&format!("_hpy_get_{name}"), span);
    let set = c_str_lit(&format!("_hpy_set_{name}"), span);
    let del = c_str_lit(&format!("_hpy_del_{name}"), span);
    methods.push(quote!(#krate::class::method::<#krate::class::GetterMethod<#getter>>(#get, c"", #krate::impl_::Convention::NoArgs)));
    methods.push(quote!(#krate::class::method::<#krate::class::SetterMethod<#setter>>(#set, c"", #krate::impl_::Convention::O)));
    methods.push(quote!(#krate::class::method::<#krate::class::DeleterMethod<#setter>>(#del, c"", #krate::impl_::Convention::NoArgs)));
}

/// The method kind `name` was probably meant to be, for an attribute that is none: a
/// misspelling (`#[staticmethod]` for `#[static_method]`) or another framework's word.
fn misspelled_marker(name: &str) -> Option<&'static str> {
    // Attributes of Rust itself that come close to a marker.
    const RUST_ATTRIBUTES: &[&str] = &["inline", "cold", "cfg", "doc", "allow", "warn", "deny"];
    if name.is_empty() || METHOD_MARKERS.contains(&name) || RUST_ATTRIBUTES.contains(&name) {
        return None;
    }
    match name {
        "constructor" | "init" => return Some("new"),
        "static" | "static_method" => return Some("staticmethod"),
        "class_method" => return Some("classmethod"),
        "property" | "get" => return Some("getter"),
        "set" => return Some("setter"),
        "class_attr" | "classattribute" => return Some("classattr"),
        _ => {}
    }
    crate::util::closest_spelling(name, METHOD_MARKERS.iter().copied())
}

/// The helper attributes `#[methods]` reads off a method (the kind of method it is).
pub const METHOD_MARKERS: &[&str] = &[
    "new",
    "getter",
    "setter",
    "staticmethod",
    "classmethod",
    "classattr",
    "call_function",
];

/// Takes the helper attributes of `#[methods]` (`#[new]`, `#[getter]`, `#[hpy(...)]`, ...) off
/// the items of an impl the macro refused, so that the compiler does not also report them as
/// unknown attributes.
pub fn strip_method_markers(im: &mut ItemImpl) {
    let keep = |a: &Attribute| {
        !(METHOD_MARKERS.iter().any(|m| a.path().is_ident(m))
            || a.path().is_ident("hpy")
            || a.path().is_ident("pyo3"))
    };
    for it in im.items.iter_mut() {
        match it {
            ImplItem::Fn(f) => f.attrs.retain(keep),
            ImplItem::Const(c) => c.attrs.retain(keep),
            _ => {}
        }
    }
}

/// The `ClassArg` impl of a class (how a `&T` or `&mut T` parameter borrows it) and, unless
/// the class is frozen, its `MutableClass` impl.
fn class_arg_impl(krate: &Path, ty: &syn::Type, frozen: bool) -> TokenStream {
    // Only a class that is not frozen can be borrowed mutably (`&mut T` parameters check it).
    let mutable = (!frozen).then(|| quote!(impl #krate::class::MutableClass for #ty {}));
    quote! {
        #mutable

        impl<'a, 'c: 'a> #krate::class::ClassArg<'a, 'c> for #ty {
            type Ref = #krate::Ref<'a, 'c, #ty>;
            type RefMut = #krate::RefMut<'a, 'c, #ty>;
            #[inline(always)]
            fn extract_ref(
                obj: &'a #krate::Handle<'c>,
                function: &'static str,
                param: &'static str,
            ) -> #krate::Result<Self::Ref> {
                #krate::class::extract_ref::<#ty>(obj, function, param)
            }
            #[inline(always)]
            fn extract_mut(
                obj: &'a #krate::Handle<'c>,
                function: &'static str,
                param: &'static str,
            ) -> #krate::Result<Self::RefMut> {
                #krate::class::extract_mut::<#ty>(obj, function, param)
            }
        }
    }
}
