//! Small helpers shared by the macros.

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::spanned::Spanned;
use syn::{Attribute, Expr, GenericArgument, Lit, LitCStr, Meta, Path, PathArguments, Type};

/// The text of the `///` doc comments (`#[doc = "..."]` attributes), with the one leading
/// space rustdoc adds removed from each line.
pub fn doc_text(attrs: &[Attribute]) -> String {
    let mut lines = Vec::new();
    for a in attrs {
        if !a.path().is_ident("doc") {
            continue;
        }
        if let Meta::NameValue(nv) = &a.meta
            && let Expr::Lit(l) = &nv.value
            && let Lit::Str(s) = &l.lit
        {
            let v = s.value();
            for line in v.split('\n') {
                lines.push(line.strip_prefix(' ').unwrap_or(line).to_owned());
            }
        }
    }
    lines.join("\n").trim().to_owned()
}

/// A `c"..."` literal. Interior NUL bytes (impossible in Rust identifiers and rare in docs) are
/// dropped.
pub fn c_str_lit(s: &str, span: Span) -> LitCStr {
    let clean: String = s.chars().filter(|c| *c != '\0').collect();
    let c = std::ffi::CString::new(clean).expect("NUL bytes were removed");
    LitCStr::new(&c, span)
}

/// Whether a type is the context token (`Ctx`, `Ctx<'c>`, `hpy_core::Ctx<'c>`).
pub fn is_ctx_type(ty: &Type) -> bool {
    match ty {
        Type::Path(tp) if tp.qself.is_none() => {
            tp.path.segments.last().is_some_and(|s| s.ident == "Ctx")
        }
        _ => false,
    }
}

/// `T` for a type spelled `Option<T>`.
pub fn option_inner(ty: &Type) -> Option<&Type> {
    type_arguments(ty, "Option").and_then(|mut t| t.next())
}

/// `T` for a type spelled `Result<T>` or `Result<T, E>`.
pub fn result_ok_type(ty: &Type) -> Option<&Type> {
    type_arguments(ty, "Result").and_then(|mut t| t.next())
}

/// `E` for a type spelled `Result<T, E>` (any path ending in `Result` with two type
/// arguments).
pub fn result_error_type(ty: &Type) -> Option<&Type> {
    let mut types = type_arguments(ty, "Result")?;
    let (_, e) = (types.next()?, types.next()?);
    types.next().is_none().then_some(e)
}

/// The type arguments of a path type whose last segment is `name` (`Option`, `Result`).
fn type_arguments<'a>(ty: &'a Type, name: &str) -> Option<impl Iterator<Item = &'a Type>> {
    let Type::Path(tp) = ty else { return None };
    let last = tp.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    Some(args.args.iter().filter_map(|a| match a {
        GenericArgument::Type(t) => Some(t),
        _ => None,
    }))
}

/// The path to hpy-core in the crate being compiled: the `crate = "..."` option if given, else
/// the name under which the crate's `Cargo.toml` depends on `hpy-core` (a renamed dependency
/// such as `hpy = { package = "hpy-core" }` gives `::hpy`), else `::hpy_core`.
pub fn crate_path(explicit: Option<&Path>) -> Path {
    if let Some(p) = explicit {
        return p.clone();
    }
    let name = dependency_name_or_default();
    let ident = syn::Ident::new(&name, Span::call_site());
    syn::parse_quote!(::#ident)
}

/// The name the crate being compiled depends on hpy-core under (`hpy_core` unless renamed).
pub fn dependency_name_or_default() -> String {
    dependency_name().unwrap_or_else(|| "hpy_core".to_owned())
}

/// Reads `$CARGO_MANIFEST_DIR/Cargo.toml` for a dependency on the package `hpy-core` under
/// another name. Only the two TOML spellings cargo documents for renaming are recognised:
/// `name = { package = "hpy-core", ... }` and a `[dependencies.name]` table with
/// `package = "hpy-core"`.
pub fn dependency_name() -> Option<String> {
    let dir = std::env::var_os("CARGO_MANIFEST_DIR")?;
    let text = std::fs::read_to_string(std::path::Path::new(&dir).join("Cargo.toml")).ok()?;
    let mut table: Option<String> = None;
    for raw in text.lines() {
        let line = raw.split('#').next().unwrap_or("").trim();
        if line.starts_with('[') {
            table = line
                .trim_matches(|c| c == '[' || c == ']')
                .rsplit_once("dependencies.")
                .map(|(_, name)| name.trim().trim_matches('"').to_owned());
            continue;
        }
        let compact: String = line.chars().filter(|c| !c.is_whitespace()).collect();
        if let Some(t) = &table
            && compact == "package=\"hpy-core\""
        {
            return Some(t.replace('-', "_"));
        }
        if let Some((key, rest)) = compact.split_once('=')
            && rest.starts_with('{')
            && rest.contains("package=\"hpy-core\"")
        {
            return Some(key.trim_matches('"').replace('-', "_"));
        }
    }
    None
}

/// Rust's numeric types and `bool`, which convert to and from Python's `int`, `float` and
/// `bool`: what several checks call a single value (not a collection, not text).
pub const NUMERIC_TYPES: &[&str] = &[
    "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize", "f32",
    "f64", "bool",
];

/// Where to report a problem with a type: the last segment of a path (`Celsius` in
/// `super::Celsius`), as a span cannot cover the whole path on stable Rust; else its start.
pub fn type_span(ty: &Type) -> Span {
    match ty {
        Type::Path(tp) => tp
            .path
            .segments
            .last()
            .map_or_else(|| ty.span(), |s| s.ident.span()),
        _ => ty.span(),
    }
}

/// The same tokens with every span set to `span`, so that a type error in generated code is
/// reported at the user's tokens rather than at the macro attribute.
pub fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut tt| {
            if let TokenTree::Group(g) = &tt {
                let mut ng = proc_macro2::Group::new(g.delimiter(), respan(g.stream(), span));
                ng.set_span(span);
                tt = TokenTree::Group(ng);
            } else {
                tt.set_span(span);
            }
            tt
        })
        .collect()
}

/// The problem with a parameter (`what` = "parameter") or return type (`what` = "return")
/// whose type cannot cross the Python boundary by its shape alone: a `&mut` parameter, or a
/// `Handle`/`Ctx` with the `'static` lifetime (which would let a handle outlive its call).
/// Reported at the user's tokens, before the trait checks would report it less clearly.
pub fn check_borrowed_type(ty: &Type, what: &str) -> Option<syn::Error> {
    if what == "parameter"
        && let Some((coll, r)) = collection_of_references(ty)
    {
        return Some(syn::Error::new_spanned(
            r,
            format!(
                "a `{coll}` of references cannot be an argument: each item is converted from \
                 a Python object, and the collection has to own what it holds. Take owned \
                 items: `Handle<'c>` for objects (`Vec<Handle<'c>>`), `String` for text"
            ),
        ));
    }
    if what == "return"
        && let Some((e, name)) = foreign_error_type(ty)
    {
        return Some(syn::Error::new_spanned(
            e,
            crate::diag::in_user_terms(format!(
                "`{name}` cannot be the error type of an exported function: it does not say \
                 which Python exception to raise, and no conversion into `hpy_core::Error` \
                 can be written for it. Return `hpy_core::Result<T>` and choose the \
                 exception where the error is made: `.map_err(|e| Error::value_error(e.to_string()))?` \
                 (or `type_error`, `runtime_error`, ...)"
            )),
        ));
    }
    if what == "parameter"
        && let Some(it) = find_impl_trait(ty)
    {
        return Some(syn::Error::new_spanned(
            it,
            "a parameter of an exported function cannot be `impl Trait`: the macro converts \
             each argument into one concrete type. Declare it (`i64`, `String`, \
             `&Handle<'c>`, ...) and convert inside",
        ));
    }
    // (`&mut MyClass` is fine: it borrows another `#[class]` object mutably.)
    if what == "parameter"
        && let Type::Reference(r) = ty
        && let Some(m) = &r.mutability
        && (names_handle(&r.elem)
            || matches!(&*r.elem, Type::Slice(_))
            || matches!(&*r.elem, Type::Path(tp) if tp.path.is_ident("str")))
    {
        let and = &r.and_token;
        return Some(syn::Error::new_spanned(
            quote::quote!(#and #m),
            "this parameter cannot be a `&mut` reference: Python passes shared objects. Take \
             `&Handle<'c>` for any object (its methods, like `setattr`, work through a shared \
             handle) or a value that converts (`String`, `Vec<T>`, ...); only a `#[class]` \
             can be borrowed mutably (`&mut MyClass`)",
        ));
    }
    if what == "parameter"
        && let Type::Reference(r) = ty
        && is_ctx_type(&r.elem)
    {
        let elem = &r.elem;
        return Some(syn::Error::new_spanned(
            r,
            format!(
                "take the context by value: `ctx: {}`, not a reference to it (`Ctx` is a \
                 `Copy` token)",
                type_text(elem)
            ),
        ));
    }
    if what == "parameter" {
        // `&String`, `&Vec<T>`, `&i64`, ... (also inside `Option`): only a `#[class]` can be
        // borrowed from a Python object; these types are converted, into a value.
        let inner = option_inner(ty).unwrap_or(ty);
        if let Type::Reference(r) = inner
            && r.mutability.is_none()
            && let Type::Slice(sl) = &*r.elem
            && !matches!(&*sl.elem, Type::Path(tp) if tp.path.is_ident("u8"))
        {
            let elem = &sl.elem;
            return Some(syn::Error::new_spanned(
                r,
                format!(
                    "a `{}` cannot be borrowed from a Python object (only `&[u8]`, from bytes, \
                     can): take `Vec<{}>` (converted from a list or tuple)",
                    type_text(inner),
                    type_text(elem)
                ),
            ));
        }
        if let Type::Reference(r) = inner
            && let Type::Path(tp) = &*r.elem
            && let Some(seg) = tp.path.segments.last()
        {
            let name = seg.ident.to_string();
            let suggestion = match name.as_str() {
                "String" => {
                    Some("`&str` (borrowed from the Python string) or `String` (a copy)".to_owned())
                }
                "Vec" | "VecDeque" | "HashMap" | "BTreeMap" | "HashSet" | "BTreeSet" => {
                    Some(format!(
                        "`{}` by value (converted from the Python object)",
                        type_text(&r.elem)
                    ))
                }
                n if n == "char" || NUMERIC_TYPES.contains(&n) => {
                    Some(format!("`{name}` by value"))
                }
                _ => None,
            };
            if let Some(suggestion) = suggestion {
                let (amp, after) = if r.mutability.is_some() {
                    (
                        "&mut ",
                        "; a function cannot change the caller's object through it: return the \
                         new value instead",
                    )
                } else {
                    ("&", "")
                };
                return Some(syn::Error::new_spanned(
                    r,
                    format!(
                        "a `{amp}{}` cannot be borrowed from a Python object (only a `#[class]` \
                         can): take {suggestion}{after}",
                        type_text(&r.elem)
                    ),
                ));
            }
        }
    }
    let mut found = None;
    find_static_handle(ty, &mut found);
    if found.is_none()
        && what == "parameter"
        && let Some(lt) = find_static_lifetime(ty.to_token_stream())
    {
        return Some(syn::Error::new_spanned(
            lt,
            format!(
                "a parameter cannot borrow for `'static`: what `{}` borrows from the Python \
                 object is valid only while the call runs. Remove the `'static` (`&str` \
                 borrows for the call) or take an owned value (`String`, `Vec<u8>`)",
                type_text(ty)
            ),
        ));
    }
    found.map(|lt| {
        syn::Error::new_spanned(
            lt,
            crate::diag::in_user_terms(format!(
                "a handle cannot be `'static`: it is valid only while the call runs. Use the \
                 function's lifetime, as in `fn f<'c>(ctx: Ctx<'c>, x: &Handle<'c>) -> \
                 Handle<'c>`{}; to keep an object between calls, store it in a \
                 `hpy_core::Global` or in a `#[class]`'s `hpy_core::Field`",
                if what == "return" {
                    ", and return a handle made from that `Ctx` or argument"
                } else {
                    ""
                }
            )),
        )
    })
}

/// Whether `tokens` have the shape of an inline module, `#[attrs] pub mod name { ... }`,
/// whatever its body holds.
pub fn is_inline_mod(tokens: &TokenStream) -> bool {
    let mut iter = tokens.clone().into_iter().peekable();
    loop {
        match iter.next() {
            // An outer attribute.
            Some(TokenTree::Punct(p)) if p.as_char() == '#' => {
                iter.next();
            }
            Some(TokenTree::Ident(i)) if i == "pub" => {
                if let Some(TokenTree::Group(g)) = iter.peek()
                    && g.delimiter() == proc_macro2::Delimiter::Parenthesis
                {
                    iter.next();
                }
            }
            Some(TokenTree::Ident(i)) if i == "mod" => break,
            _ => return false,
        }
    }
    matches!(iter.next(), Some(TokenTree::Ident(_)))
        && matches!(iter.next(), Some(TokenTree::Group(g)) if g.delimiter() == proc_macro2::Delimiter::Brace)
        && iter.next().is_none()
}

/// `tokens` without hpy-core's attributes (`#[hpy_core::class]`, `#[new]`, `#[hpy(...)]`, ...)
/// at any depth.
pub fn strip_hpy_attributes(tokens: TokenStream) -> TokenStream {
    const OURS: &[&str] = &[
        "module",
        "function",
        "class",
        "methods",
        "exception",
        "constant",
        "module_init",
        "hpy",
    ];
    let is_ours = |g: &proc_macro2::Group| {
        let Ok(path) = syn::parse2::<Path>(g.stream())
            .or_else(|_| syn::parse2::<Meta>(g.stream()).map(|m| m.path().clone()))
        else {
            return false;
        };
        let Some(last) = path.segments.last().map(|s| s.ident.to_string()) else {
            return false;
        };
        OURS.contains(&last.as_str())
            || (path.segments.len() == 1 && crate::class::METHOD_MARKERS.contains(&last.as_str()))
    };
    let mut out = Vec::new();
    let mut iter = tokens.into_iter().peekable();
    while let Some(tt) = iter.next() {
        match tt {
            TokenTree::Punct(p) if p.as_char() == '#' => {
                if let Some(TokenTree::Group(g)) = iter.peek()
                    && g.delimiter() == proc_macro2::Delimiter::Bracket
                    && is_ours(g)
                {
                    iter.next();
                    continue;
                }
                out.push(TokenTree::Punct(p));
            }
            TokenTree::Group(g) => {
                let mut new =
                    proc_macro2::Group::new(g.delimiter(), strip_hpy_attributes(g.stream()));
                new.set_span(g.span());
                out.push(TokenTree::Group(new));
            }
            other => out.push(other),
        }
    }
    out.into_iter().collect()
}

thread_local! {
    /// The `frozen` classes of the module being expanded (see [`set_frozen_classes`]).
    static FROZEN_CLASSES: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Records the `frozen` classes of the module `#[module]` is expanding (each expansion sets
/// its own, before generating any function).
pub fn set_frozen_classes(names: Vec<String>) {
    FROZEN_CLASSES.with(|f| *f.borrow_mut() = names);
}

/// Whether `ty` names one of the module's `frozen` classes.
pub fn is_frozen_class(ty: &Type) -> bool {
    let Type::Path(tp) = ty else { return false };
    let Some(last) = tp.path.segments.last() else {
        return false;
    };
    FROZEN_CLASSES.with(|f| f.borrow().iter().any(|n| last.ident == n))
}

/// `ty` with its named lifetimes (other than `'static`) made `'_`: a user's type written with
/// the function's lifetimes (`Thing<'py>`), for generated code where those are not declared.
pub fn erase_lifetimes(ty: &Type) -> Type {
    fn erase(tokens: TokenStream) -> TokenStream {
        let mut out = Vec::new();
        let mut iter = tokens.into_iter().peekable();
        while let Some(tt) = iter.next() {
            match tt {
                TokenTree::Punct(p) if p.as_char() == '\'' => {
                    out.push(TokenTree::Punct(p));
                    if let Some(TokenTree::Ident(id)) = iter.peek()
                        && id != "static"
                    {
                        let span = id.span();
                        iter.next();
                        out.push(TokenTree::Ident(proc_macro2::Ident::new("_", span)));
                    }
                }
                TokenTree::Group(g) => {
                    let mut new = proc_macro2::Group::new(g.delimiter(), erase(g.stream()));
                    new.set_span(g.span());
                    out.push(TokenTree::Group(new));
                }
                other => out.push(other),
            }
        }
        out.into_iter().collect()
    }
    syn::parse2(erase(ty.to_token_stream())).unwrap_or_else(|_| ty.clone())
}

/// The first `'static` lifetime written anywhere in `tokens`.
fn find_static_lifetime(tokens: TokenStream) -> Option<syn::Lifetime> {
    let mut iter = tokens.into_iter().peekable();
    while let Some(tt) = iter.next() {
        match tt {
            TokenTree::Punct(p) if p.as_char() == '\'' => {
                if let Some(TokenTree::Ident(id)) = iter.peek()
                    && id == "static"
                {
                    return Some(syn::Lifetime {
                        apostrophe: p.span(),
                        ident: id.clone(),
                    });
                }
            }
            TokenTree::Group(g) => {
                if let Some(lt) = find_static_lifetime(g.stream()) {
                    return Some(lt);
                }
            }
            _ => {}
        }
    }
    None
}

/// Finds a `'static` lifetime given to a `Handle` or `Ctx` (or to a reference to one) anywhere
/// inside `ty`.
fn find_static_handle(ty: &Type, found: &mut Option<syn::Lifetime>) {
    if found.is_some() {
        return;
    }
    match ty {
        Type::Reference(r) => {
            if let Some(lt) = &r.lifetime
                && lt.ident == "static"
                && names_handle(&r.elem)
            {
                *found = Some(lt.clone());
                return;
            }
            find_static_handle(&r.elem, found);
        }
        Type::Path(tp) => {
            for seg in &tp.path.segments {
                if let syn::PathArguments::AngleBracketed(args) = &seg.arguments {
                    let is_handle = seg.ident == "Handle" || seg.ident == "Ctx";
                    for a in &args.args {
                        match a {
                            syn::GenericArgument::Lifetime(lt)
                                if is_handle && lt.ident == "static" =>
                            {
                                *found = Some(lt.clone());
                                return;
                            }
                            syn::GenericArgument::Type(t) => find_static_handle(t, found),
                            _ => {}
                        }
                    }
                }
            }
        }
        Type::Tuple(t) => t.elems.iter().for_each(|e| find_static_handle(e, found)),
        Type::Slice(s) => find_static_handle(&s.elem, found),
        Type::Array(a) => find_static_handle(&a.elem, found),
        Type::Paren(p) => find_static_handle(&p.elem, found),
        Type::Group(g) => find_static_handle(&g.elem, found),
        _ => {}
    }
}

/// Whether `ty` is a path ending in `Handle` or `Ctx`.
fn names_handle(ty: &Type) -> bool {
    matches!(ty, Type::Path(tp) if tp.path.segments.last().is_some_and(|s| s.ident == "Handle" || s.ident == "Ctx"))
}

/// The first `Handle` or `Ctx` named anywhere inside `ty` (a type a `#[class]` cannot store).
pub fn find_handle_type(ty: &Type) -> Option<&syn::PathSegment> {
    find_segment(ty, &|id| id == "Handle" || id == "Ctx")
}

/// The first path segment anywhere inside `ty` (itself, a type argument, a tuple item, an
/// array or slice element, a referenced type) whose name satisfies `wanted`.
pub fn find_segment<'a>(
    ty: &'a Type,
    wanted: &dyn Fn(&syn::Ident) -> bool,
) -> Option<&'a syn::PathSegment> {
    match ty {
        Type::Reference(r) => find_segment(&r.elem, wanted),
        Type::Path(tp) => tp.path.segments.iter().find_map(|seg| {
            if wanted(&seg.ident) {
                return Some(seg);
            }
            match &seg.arguments {
                syn::PathArguments::AngleBracketed(args) => {
                    args.args.iter().find_map(|a| match a {
                        syn::GenericArgument::Type(t) => find_segment(t, wanted),
                        _ => None,
                    })
                }
                _ => None,
            }
        }),
        Type::Tuple(t) => t.elems.iter().find_map(|e| find_segment(e, wanted)),
        Type::Slice(s) => find_segment(&s.elem, wanted),
        Type::Array(a) => find_segment(&a.elem, wanted),
        Type::Paren(p) => find_segment(&p.elem, wanted),
        Type::Group(g) => find_segment(&g.elem, wanted),
        _ => None,
    }
}

/// Whether `typed` looks like a misspelling of `name`: at most two edits apart (one for names
/// of up to five characters, no guess for shorter than three), the Damerau-Levenshtein way (a
/// swap of neighbours is one edit).
pub fn is_close_spelling(typed: &str, name: &str) -> bool {
    spelling_distance(typed, name).is_some()
}

/// Of the `names` that [look like](is_close_spelling) `typed` was meant, the nearest: fewest
/// edits, then one with the same first letter (`itr` is `iter` rather than `str`), then one
/// that only adds letters (`itr` is `iter` rather than `ior`).
pub fn closest_spelling<'a>(
    typed: &str,
    names: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    names
        .into_iter()
        .filter_map(|n| {
            let d = spelling_distance(typed, n)?;
            let other_start = typed.chars().next() != n.chars().next();
            let mut rest = n.chars();
            let dropped_letters = typed.chars().all(|c| rest.any(|r| r == c));
            Some((d, other_start, !dropped_letters, n))
        })
        .min_by_key(|&(d, other_start, not_dropped, _)| (d, other_start, not_dropped))
        .map(|(_, _, _, n)| n)
}

/// The edit distance of `typed` to `name` when within the limit of [`is_close_spelling`].
fn spelling_distance(typed: &str, name: &str) -> Option<usize> {
    let a: Vec<char> = typed.chars().collect();
    let b: Vec<char> = name.chars().collect();
    let limit = match b.len() {
        // One- and two-letter names are all one edit apart: no guess.
        0..=2 => return None,
        3..=5 => 1,
        _ => 2,
    };
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    // d[i][j]: edits turning a[..i] into b[..j].
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    let d = d[a.len()][b.len()];
    (d <= limit).then_some(d)
}

/// A type as the user would write it (`Vec<i64>`, not quote's `Vec < i64 >`), for messages.
pub fn type_text(ty: &Type) -> String {
    let mut out = quote::quote!(#ty).to_string();
    for (from, to) in [
        (" < ", "<"),
        ("< ", "<"),
        (" <", "<"),
        (" >", ">"),
        (" :: ", "::"),
        (":: ", "::"),
        ("& ", "&"),
        (" ,", ","),
        ("' ", "'"),
    ] {
        out = out.replace(from, to);
    }
    out
}

/// An `impl Trait` anywhere in `ty` (`impl Into<i64>`, `Option<impl AsRef<str>>`, ...).
fn find_impl_trait(ty: &Type) -> Option<&syn::TypeImplTrait> {
    match ty {
        Type::ImplTrait(it) => Some(it),
        Type::Reference(r) => find_impl_trait(&r.elem),
        Type::Paren(p) => find_impl_trait(&p.elem),
        Type::Group(g) => find_impl_trait(&g.elem),
        Type::Slice(s) => find_impl_trait(&s.elem),
        Type::Tuple(t) => t.elems.iter().find_map(find_impl_trait),
        Type::Path(tp) => tp
            .path
            .segments
            .iter()
            .find_map(|seg| match &seg.arguments {
                syn::PathArguments::AngleBracketed(a) => a.args.iter().find_map(|g| match g {
                    syn::GenericArgument::Type(t) => find_impl_trait(t),
                    _ => None,
                }),
                _ => None,
            }),
        _ => None,
    }
}

/// Whether `ty` is `&Handle<..>` (any path ending in `Handle`): the `cls` parameter of a
/// `#[classmethod]`.
pub fn is_handle_ref(ty: &Type) -> bool {
    matches!(ty, Type::Reference(r) if r.mutability.is_none()
        && matches!(&*r.elem, Type::Path(tp) if tp.path.segments.last().is_some_and(|s| s.ident == "Handle")))
}

/// The error type of a `Result<T, E>` return type when `E` is a foreign type that can never
/// convert into `hpy_core::Error` (`String`, `&str`, `Box<dyn Error>`, `anyhow::Error`), and
/// how to name it.
fn foreign_error_type(ty: &Type) -> Option<(&Type, String)> {
    let e = result_error_type(ty)?;
    let name = match e {
        Type::Path(p) if p.qself.is_none() => {
            let names: Vec<String> = p
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect();
            let last = names.last()?.as_str();
            match last {
                "String"
                    if names.len() == 1
                        || names.first().is_some_and(|n| n == "std" || n == "alloc") =>
                {
                    "String".to_string()
                }
                // (`Box<MyError>` may convert: `Box` of a local type is local.)
                "Box" if box_of_dyn(p.path.segments.last()?) => "Box<dyn Error>".to_string(),
                "Error" if names.first().is_some_and(|n| n == "anyhow" || n == "eyre") => {
                    names.join("::")
                }
                _ => return None,
            }
        }
        Type::Reference(r) if matches!(&*r.elem, Type::Path(p) if p.path.is_ident("str")) => {
            "&str".to_string()
        }
        _ => return None,
    };
    Some((e, name))
}

/// Whether a `Box<...>` path segment boxes a trait object (`Box<dyn Error + Send>`).
fn box_of_dyn(seg: &syn::PathSegment) -> bool {
    matches!(&seg.arguments, syn::PathArguments::AngleBracketed(a)
        if matches!(a.args.first(), Some(syn::GenericArgument::Type(Type::TraitObject(_)))))
}

/// The error for PyO3's `#[pyo3(...)]` helper attribute, written where hpy-core reads
/// `#[hpy(...)]` (or, on a `#[function]`, its own options).
pub fn pyo3_attribute(a: &syn::Attribute) -> syn::Error {
    syn::Error::new_spanned(
        a.path(),
        "`#[pyo3(...)]` is PyO3's attribute: hpy-core takes the same options in `#[hpy(...)]` \
         (`#[hpy(signature = (...))]` on a method, `#[hpy(get, set)]` on a field), and a \
         `#[function]` in its own attribute: `#[function(signature = (...))]`",
    )
}

/// The options of a function or method that users write as attributes of their own (as in
/// older PyO3: `#[args(...)]`, `#[text_signature = "..."]`).
pub const OPTIONS_AS_ATTRIBUTES: &[&str] = &["signature", "args", "text_signature", "name"];

/// `#[signature = (...)]` and the like ([`OPTIONS_AS_ATTRIBUTES`]): says where the option goes.
pub fn option_as_attribute(a: &syn::Attribute, name: &str) -> syn::Error {
    let (what, example) = match name {
        "name" => ("`name`", "name = \"...\""),
        "text_signature" => (
            "the signature (`__text_signature__` is derived from it)",
            "signature = (...)",
        ),
        _ => ("`signature`", "signature = (...)"),
    };
    syn::Error::new_spanned(
        a.path(),
        format!(
            "`#[{name}]` is not an attribute here: {what} is an option, written \
             `#[hpy({example})]` on a method and `#[function({example})]` on a function"
        ),
    )
}

/// A collection type (`Vec`, `HashMap`, ...) with a reference among its item types (directly
/// or in a tuple item): its name and the reference.
fn collection_of_references(ty: &Type) -> Option<(String, &Type)> {
    let Type::Path(tp) = ty else { return None };
    let seg = tp.path.segments.last()?;
    let syn::PathArguments::AngleBracketed(args) = &seg.arguments else {
        return None;
    };
    if seg.ident == "Option" {
        return match args.args.first()? {
            syn::GenericArgument::Type(t) => collection_of_references(t),
            _ => None,
        };
    }
    let coll = seg.ident.to_string();
    if !matches!(
        coll.as_str(),
        "Vec" | "VecDeque" | "HashMap" | "BTreeMap" | "HashSet" | "BTreeSet" | "IndexMap"
    ) {
        return None;
    }
    fn reference(t: &Type) -> Option<&Type> {
        match t {
            Type::Reference(_) => Some(t),
            Type::Tuple(tu) => tu.elems.iter().find_map(reference),
            Type::Paren(p) => reference(&p.elem),
            _ => None,
        }
    }
    args.args.iter().find_map(|a| match a {
        syn::GenericArgument::Type(t) => reference(t).map(|r| (coll.clone(), r)),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_spellings() {
        assert!(is_close_spelling("factr", "factor"));
        assert!(is_close_spelling("nmae", "name"));
        assert!(is_close_spelling("frozn", "frozen"));
        assert_eq!(
            closest_spelling("itr", ["str", "ior", "iter"]),
            Some("iter")
        );
        assert_eq!(closest_spelling("nmae", ["module", "name"]), Some("name"));
        assert_eq!(closest_spelling("zzz", ["name"]), None);
        assert!(is_close_spelling("sett", "set"));
        assert!(
            !is_close_spelling("c", "b"),
            "no guess for one-letter names"
        );
        assert!(!is_close_spelling("verbose", "value"));
        assert!(!is_close_spelling("signatureee", "sig"));
    }

    #[test]
    fn types_read_as_written() {
        let ty: Type = syn::parse_quote!(&'a std::collections::HashMap<String, Vec<(i64, f64)>>);
        assert_eq!(
            type_text(&ty),
            "&'a std::collections::HashMap<String, Vec<(i64, f64)>>"
        );
    }

    #[test]
    fn static_handles_are_found() {
        let bad: Type = syn::parse_quote!(Option<Vec<hpy::Handle<'static>>>);
        assert!(check_borrowed_type(&bad, "return").is_some());
        let bad_ref: Type = syn::parse_quote!(&'static Handle<'c>);
        assert!(check_borrowed_type(&bad_ref, "parameter").is_some());
        let fine: Type = syn::parse_quote!(&'a Handle<'c>);
        assert!(check_borrowed_type(&fine, "parameter").is_none());
        let class_mut: Type = syn::parse_quote!(&mut Point);
        assert!(check_borrowed_type(&class_mut, "parameter").is_none());
        let str_static: Type = syn::parse_quote!(&'static str);
        assert!(check_borrowed_type(&str_static, "return").is_none());
    }
}
