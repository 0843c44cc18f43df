//! Parsing of the macros' own options: `#[function(name = "...", signature = (...), crate = "...")]`,
//! `#[module(name = "...", crate = "...")]`, `#[constant(name = "...")]`.

use proc_macro2::{Span, TokenStream};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Expr, Ident, LitStr, Path, Token, parenthesized};

use crate::diag::Errors;

mod kw {
    syn::custom_keyword!(name);
    syn::custom_keyword!(signature);
    syn::custom_keyword!(text_signature);
}

/// One entry of a `signature = (...)` list.
#[derive(Clone)]
pub enum SigItem {
    /// `name` or `name = default`.
    Param { name: Ident, default: Option<Expr> },
    /// `/`: everything before is positional-only.
    Slash(Span),
    /// `*`: everything after is keyword-only.
    Star(Span),
    /// `*name`.
    VarArgs(Ident),
    /// `**name`.
    VarKw(Ident),
}

impl SigItem {
    pub fn span(&self) -> Span {
        match self {
            SigItem::Param { name, .. } | SigItem::VarArgs(name) | SigItem::VarKw(name) => {
                name.span()
            }
            SigItem::Slash(s) | SigItem::Star(s) => *s,
        }
    }
}

impl Parse for SigItem {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if input.peek(Token![self]) {
            let t: Token![self] = input.parse()?;
            return Err(syn::Error::new(
                t.span,
                "leave `self` out of `signature`: it lists the Python arguments only, after the \
                 receiver",
            ));
        }
        let look = input.lookahead1();
        if look.peek(Token![/]) {
            let t: Token![/] = input.parse()?;
            Ok(SigItem::Slash(t.span))
        } else if input.peek(Token![*]) && input.peek2(Token![*]) {
            input.parse::<Token![*]>()?;
            input.parse::<Token![*]>()?;
            let name: Ident = input.parse()?;
            no_default(input, &format!("**{name}"), "an empty dict")?;
            Ok(SigItem::VarKw(name))
        } else if look.peek(Token![*]) {
            let t: Token![*] = input.parse()?;
            if input.peek(Ident) {
                let name: Ident = input.parse()?;
                no_default(input, &format!("*{name}"), "an empty tuple")?;
                Ok(SigItem::VarArgs(name))
            } else {
                Ok(SigItem::Star(t.span))
            }
        } else if look.peek(Ident) {
            let name: Ident = input.parse()?;
            if input.peek(Token![:]) {
                let colon: Token![:] = input.parse()?;
                return Err(syn::Error::new(
                    colon.span,
                    format!(
                        "`signature` lists names (and defaults) only: the types are the Rust \
                         parameters'. Write `{name}` (or `{name} = default`)"
                    ),
                ));
            }
            let default = if input.peek(Token![=]) {
                input.parse::<Token![=]>()?;
                Some(input.parse()?)
            } else {
                None
            };
            Ok(SigItem::Param { name, default })
        } else {
            Err(look.error())
        }
    }
}

/// Refuses `*args = ...` and `**kwargs = ...`.
fn no_default(input: ParseStream, what: &str, empty: &str) -> syn::Result<()> {
    if input.peek(Token![=]) {
        let eq: Token![=] = input.parse()?;
        return Err(syn::Error::new(
            eq.span,
            format!("`{what}` takes no default: it is {empty} when the caller passes nothing"),
        ));
    }
    Ok(())
}

/// A parsed `signature = (...)`.
#[derive(Clone)]
pub struct Signature {
    pub items: Vec<SigItem>,
    /// The `signature` keyword.
    pub span: proc_macro2::Span,
}

/// Options of `#[function(...)]`.
#[derive(Default)]
pub struct FunctionOptions {
    pub name: Option<LitStr>,
    pub signature: Option<Signature>,
    pub text_signature: Option<LitStr>,
    pub krate: Option<Path>,
}

/// Options of `#[module(...)]` and `#[constant(...)]`.
#[derive(Default)]
pub struct NameOptions {
    pub name: Option<LitStr>,
    pub krate: Option<Path>,
}

fn set_once<T>(slot: &mut Option<T>, value: T, what: &str, span: Span, errors: &mut Errors) {
    if slot.is_some() {
        errors.push(syn::Error::new(
            span,
            format!("`{what}` is given more than once; keep one"),
        ));
    } else {
        *slot = Some(value);
    }
}

/// The error for an option that is not one of `known`: names it, suggests the closest known
/// one, and lists them all (instead of syn's bare "expected one of").
pub fn unknown_option(
    input: ParseStream,
    look: syn::parse::Lookahead1,
    known: &[&str],
) -> syn::Error {
    let list = known
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let fork = input.fork();
    match <Ident as syn::ext::IdentExt>::parse_any(&fork) {
        Ok(id) => {
            let typed = id.to_string();
            // Words other frameworks use, where no spelling is close.
            let alias = match typed.as_str() {
                "freeze" | "immutable" => Some("frozen"),
                "qualname" | "rename" => Some("name"),
                _ => None,
            }
            .filter(|k| known.contains(k));
            let hint = alias
                .or_else(|| crate::util::closest_spelling(&typed, known.iter().copied()))
                .map(|k| format!("did you mean `{k}`? "))
                .unwrap_or_default();
            let extra = if typed == "extends" && known.contains(&"subclass") {
                " A `#[class]` cannot derive from another Rust class; `subclass` lets Python \
                 classes derive from it."
            } else {
                ""
            };
            syn::Error::new(
                id.span(),
                format!("unknown option `{typed}`; {hint}expected one of: {list}.{extra}"),
            )
        }
        Err(_) => {
            let e = look.error();
            syn::Error::new(e.span(), format!("expected one of: {list}"))
        }
    }
}

/// The comma after an option (when more follows), or an error saying options are separated
/// by commas.
pub fn option_separator(input: ParseStream) -> syn::Result<()> {
    if input.peek(Token![,]) {
        input.parse::<Token![,]>()?;
        return Ok(());
    }
    Err(input.error(
        "expected `,` here: options are separated by commas, and this option's value ended \
         before it",
    ))
}

/// The string value of option `key` (after its `=`), or an error saying what is expected.
pub fn parse_str_value(input: ParseStream, key: &str, example: &str) -> syn::Result<LitStr> {
    if input.peek(LitStr) {
        return input.parse();
    }
    Err(input.error(format!(
        "`{key}` takes a string literal: `{key} = \"{example}\"`"
    )))
}

fn parse_crate_path(input: ParseStream) -> syn::Result<Path> {
    let lit: LitStr = parse_str_value(input, "crate", "hpy")?;
    lit.parse::<Path>().map_err(|_| {
        syn::Error::new(
            lit.span(),
            "`crate` takes the path of hpy-core as a string, e.g. `crate = \"hpy\"`",
        )
    })
}

impl FunctionOptions {
    /// Parses the tokens inside `#[function(...)]`, collecting every problem.
    pub fn parse(tokens: TokenStream, errors: &mut Errors) -> FunctionOptions {
        let mut opts = FunctionOptions::default();
        let parser = |input: ParseStream| -> syn::Result<()> {
            while !input.is_empty() {
                let look = input.lookahead1();
                if look.peek(kw::name) {
                    let k: kw::name = input.parse()?;
                    crate::attr::expect_value(input, k.span, "name", "\"py_name\"")?;
                    let v: LitStr = parse_str_value(input, "name", "py_name")?;
                    check_identifier(&v, errors);
                    set_once(&mut opts.name, v, "name", k.span, errors);
                } else if look.peek(kw::signature) {
                    let k: kw::signature = input.parse()?;
                    crate::attr::expect_value(input, k.span, "signature", "(a, b=1)")?;
                    if !input.peek(syn::token::Paren) {
                        return Err(input.error(
                            "`signature` takes a parenthesized list, like Python's: \
                             `signature = (a, b = 1, *, c)`",
                        ));
                    }
                    let content;
                    let paren = parenthesized!(content in input);
                    let items: Punctuated<SigItem, Token![,]> =
                        content.parse_terminated(SigItem::parse, Token![,])?;
                    let _ = paren;
                    let sig = Signature {
                        items: items.into_iter().collect(),
                        span: k.span,
                    };
                    set_once(&mut opts.signature, sig, "signature", k.span, errors);
                } else if look.peek(kw::text_signature) {
                    let k: kw::text_signature = input.parse()?;
                    crate::attr::expect_value(input, k.span, "text_signature", "\"(a, b=1)\"")?;
                    let v: LitStr = parse_str_value(input, "text_signature", "(a, b=1)")?;
                    let text = v.value();
                    if !(text.trim_start().starts_with('(') && text.trim_end().ends_with(')')) {
                        errors.push(syn::Error::new(
                            v.span(),
                            format!(
                                "`text_signature` is the parameter list in parentheses, as \
                                 `inspect.signature` prints it: write \"({text})\""
                            ),
                        ));
                    }
                    set_once(
                        &mut opts.text_signature,
                        v,
                        "text_signature",
                        k.span,
                        errors,
                    );
                } else if look.peek(Token![crate]) {
                    let k: Token![crate] = input.parse()?;
                    crate::attr::expect_value(input, k.span, "crate", "\"::hpy_core\"")?;
                    let p = parse_crate_path(input)?;
                    set_once(&mut opts.krate, p, "crate", k.span, errors);
                } else {
                    return Err(unknown_option(
                        input,
                        look,
                        &["name", "signature", "text_signature", "crate"],
                    ));
                }
                if !input.is_empty() {
                    crate::attr::option_separator(input)?;
                }
            }
            Ok(())
        };
        if let Err(e) = syn::parse::Parser::parse2(parser, tokens) {
            errors.push(e);
        }
        opts
    }
}

impl NameOptions {
    /// Parses `name = "..."` and, if `allow_crate`, `crate = "..."`.
    pub fn parse(tokens: TokenStream, allow_crate: bool, errors: &mut Errors) -> NameOptions {
        let mut opts = NameOptions::default();
        let parser = |input: ParseStream| -> syn::Result<()> {
            while !input.is_empty() {
                let look = input.lookahead1();
                if look.peek(kw::name) {
                    let k: kw::name = input.parse()?;
                    crate::attr::expect_value(input, k.span, "name", "\"py_name\"")?;
                    let v: LitStr = parse_str_value(input, "name", "py_name")?;
                    check_identifier(&v, errors);
                    set_once(&mut opts.name, v, "name", k.span, errors);
                } else if allow_crate && look.peek(Token![crate]) {
                    let k: Token![crate] = input.parse()?;
                    crate::attr::expect_value(input, k.span, "crate", "\"::hpy_core\"")?;
                    let p = parse_crate_path(input)?;
                    set_once(&mut opts.krate, p, "crate", k.span, errors);
                } else {
                    let known: &[&str] = if allow_crate {
                        &["name", "crate"]
                    } else {
                        &["name"]
                    };
                    return Err(unknown_option(input, look, known));
                }
                if !input.is_empty() {
                    crate::attr::option_separator(input)?;
                }
            }
            Ok(())
        };
        if let Err(e) = syn::parse::Parser::parse2(parser, tokens) {
            errors.push(e);
        }
        opts
    }
}

/// The `=` after an option that takes a value; without it, the error is at the option's name
/// (not at the end of the attribute, which the compiler shows as the whole macro) and shows
/// the form to write.
pub fn expect_value(
    input: ParseStream,
    key: proc_macro2::Span,
    name: &str,
    example: &str,
) -> syn::Result<()> {
    if input.peek(Token![=]) {
        input.parse::<Token![=]>()?;
        Ok(())
    } else {
        Err(syn::Error::new(
            key,
            format!("`{name}` takes a value: `{name} = {example}`"),
        ))
    }
}

/// Python names must be identifiers.
pub fn check_identifier(lit: &LitStr, errors: &mut Errors) {
    let v = lit.value();
    let mut chars = v.chars();
    let ok = match chars.next() {
        Some(c) if c == '_' || c.is_alphabetic() => chars.all(|c| c == '_' || c.is_alphanumeric()),
        _ => false,
    };
    if !ok {
        errors.push(syn::Error::new(
            lit.span(),
            format!("`{v}` is not a valid Python identifier"),
        ));
    }
}

/// The text a default value shows in `__text_signature__`: Python spelling for the literals
/// Python shares with Rust, `...` for anything else.
pub fn default_text(e: &Expr) -> String {
    match e {
        Expr::Lit(l) => match &l.lit {
            syn::Lit::Bool(b) => {
                if b.value {
                    "True".into()
                } else {
                    "False".into()
                }
            }
            syn::Lit::Int(i) => i.base10_digits().to_owned(),
            syn::Lit::Float(f) => f.base10_digits().to_owned(),
            syn::Lit::Str(s) => python_str_repr(&s.value()),
            syn::Lit::Char(c) => python_str_repr(&c.value().to_string()),
            _ => "...".into(),
        },
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Neg(_)) => {
            format!("-{}", default_text(&u.expr))
        }
        Expr::Path(p) if p.path.is_ident("None") => "None".into(),
        Expr::Paren(p) => default_text(&p.expr),
        _ => "...".into(),
    }
}

/// A Python string literal for `s`.
fn python_str_repr(s: &str) -> String {
    let mut out = String::from("'");
    for ch in s.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}
