//! Small helpers shared by the macros.

use proc_macro2::{Span, TokenStream, TokenTree};
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
    let Type::Path(tp) = ty else { return None };
    let last = tp.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        GenericArgument::Type(t) => Some(t),
        _ => None,
    }
}

/// The path to hpy-core in the crate being compiled: the `crate = "..."` option if given, else
/// the name under which the crate's `Cargo.toml` depends on `hpy-core` (a renamed dependency
/// such as `hpy = { package = "hpy-core" }` gives `::hpy`), else `::hpy_core`.
pub fn crate_path(explicit: Option<&Path>) -> Path {
    if let Some(p) = explicit {
        return p.clone();
    }
    let name = dependency_name().unwrap_or_else(|| "hpy_core".to_owned());
    let ident = syn::Ident::new(&name, Span::call_site());
    syn::parse_quote!(::#ident)
}

/// Reads `$CARGO_MANIFEST_DIR/Cargo.toml` for a dependency on the package `hpy-core` under
/// another name. Only the two TOML spellings cargo documents for renaming are recognised:
/// `name = { package = "hpy-core", ... }` and a `[dependencies.name]` table with
/// `package = "hpy-core"`.
fn dependency_name() -> Option<String> {
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
