//! `hpyjson`: a JSON encoder and decoder written on hpy-core, a drop-in replacement for
//! [ujson](https://github.com/ultrajson/ultrajson) 6: `dumps`/`encode`, `loads`/`decode`,
//! `dump`, `load` and `JSONDecodeError`, with ujson's options, defaults and output.
//!
//! * [`encoder`]: objects to JSON text in one pass into a byte buffer;
//! * [`decoder`]: JSON text to objects, built while parsing;
//! * [`escape`] and [`number`]: the pure-Rust parts (string escaping, number formatting).
//!
//! The same source builds in both HPy modes; see `examples/json/README.md` for the
//! deliberate differences from ujson and `BENCHMARKS.md` for the numbers.

pub mod decoder;
pub mod encoder;
pub mod escape;
pub mod number;

use hpy_core::{BuiltinType, Ctx, Error, FromHandle, Handle, Result};

/// A flag option read the way ujson reads its flags: any object, by its truth value.
pub struct Flag(pub bool);

impl<'a, 'c> FromHandle<'a, 'c> for Flag {
    const EXPECTED: &'static str = "object (used as a truth value)";
    fn from_handle(h: &'a Handle<'c>) -> Result<Self> {
        h.is_true().map(Flag)
    }
}

/// The `separators` option: `None`, or a tuple of two `str`, as UTF-8.
fn separators(sep: Option<&Handle<'_>>) -> Result<Option<(Vec<u8>, Vec<u8>)>> {
    let Some(sep) = sep.filter(|s| !s.is_none()) else {
        return Ok(None);
    };
    if !sep.is_tuple() {
        return Err(Error::type_error("expected tuple or None as separator"));
    }
    if sep.len()? != 2 {
        return Err(Error::value_error("expected tuple of size 2 as separator"));
    }
    let item = sep.get_item(0)?;
    if !item.is_str() {
        return Err(Error::type_error("expected str as item separator"));
    }
    let key = sep.get_item(1)?;
    if !key.is_str() {
        return Err(Error::type_error("expected str as key separator"));
    }
    let item = encoder::with_text(&item, |b| Ok(b.to_vec()))?;
    let key = encoder::with_text(&key, |b| Ok(b.to_vec()))?;
    Ok(Some((item, key)))
}

/// The shared body of `dumps`, `encode` and `dump`.
#[allow(clippy::too_many_arguments)]
fn dumps_impl<'c>(
    ctx: Ctx<'c>,
    obj: &Handle<'c>,
    ensure_ascii: Flag,
    encode_html_chars: Flag,
    escape_forward_slashes: Flag,
    sort_keys: Flag,
    indent: i32,
    allow_nan: Flag,
    reject_bytes: Flag,
    default: Option<&Handle<'c>>,
    separators_arg: Option<&Handle<'c>>,
) -> Result<Handle<'c>> {
    if indent > 1000 {
        return Err(Error::value_error("Maximum allowed indentation is 1000"));
    }
    let opts = encoder::Options {
        ensure_ascii: ensure_ascii.0,
        encode_html_chars: encode_html_chars.0,
        escape_forward_slashes: escape_forward_slashes.0,
        sort_keys: sort_keys.0,
        indent: indent.max(-1),
        allow_nan: allow_nan.0,
        reject_bytes: reject_bytes.0,
        default: default.filter(|d| !d.is_none()),
        separators: separators(separators_arg)?,
    };
    encoder::Encoder::new(ctx, opts).encode_to_str(obj)
}

/// The shared body of `loads` and `decode`.
fn loads_impl<'c>(ctx: Ctx<'c>, obj: &Handle<'c>) -> Result<Handle<'c>> {
    if obj.is_str() {
        return match obj.to_str() {
            Ok(s) => decode_parsed(ctx, obj, s.as_bytes(), decoder::Parser::new_str(ctx, s)),
            Err(e) => {
                // Lone surrogates: decode their surrogatepass form, as ujson does.
                e.discard(ctx);
                let b = obj.call_method(c"encode", ("utf-8", "surrogatepass"))?;
                decode_bytes(ctx, obj, b.as_bytes()?)
            }
        };
    }
    if obj.is_bytes() {
        return decode_bytes(ctx, obj, obj.as_bytes()?);
    }
    if obj.is_instance(&ctx.builtin("bytearray")?) {
        let copy: Vec<u8> = obj.extract()?;
        return decode_bytes(ctx, obj, &copy);
    }
    if obj.is_instance(&ctx.type_object(BuiltinType::MemoryView)) {
        return Err(Error::type_error(
            "Arbitrary bytes-like objects are no longer supported. Use either string, bytes, or bytearray.",
        ));
    }
    Err(Error::type_error("Expected string, bytes, or bytearray"))
}

/// Decodes UTF-8 text; a syntax error becomes `JSONDecodeError` with its position.
fn decode_bytes<'c>(ctx: Ctx<'c>, doc: &Handle<'c>, text: &[u8]) -> Result<Handle<'c>> {
    decode_parsed(ctx, doc, text, decoder::Parser::new(ctx, text))
}

/// Runs `parser` over `text`; a syntax error becomes `JSONDecodeError` with its position.
fn decode_parsed<'c>(
    ctx: Ctx<'c>,
    doc: &Handle<'c>,
    text: &[u8],
    parser: decoder::Parser<'_, 'c>,
) -> Result<Handle<'c>> {
    match parser.parse() {
        Ok(v) => Ok(v),
        Err(decoder::Failure::Python(e)) => Err(e),
        Err(decoder::Failure::Syntax { msg, pos }) => Err(decode_error(ctx, doc, text, &msg, pos)),
    }
}

/// `JSONDecodeError(f"{msg}: line L column C (char N)")` with the attributes of the standard
/// library's `json.JSONDecodeError`: `msg`, `doc`, `pos`, `lineno`, `colno`.
fn decode_error<'c>(ctx: Ctx<'c>, doc: &Handle<'c>, text: &[u8], msg: &str, pos: usize) -> Error {
    let (line, column, char_pos) = decoder::describe_position(text, pos);
    let full = format!("{msg}: line {line} column {column} (char {char_pos})");
    let make = || -> Result<Error> {
        let exc = hpyjson::JSONDecodeError::type_object(ctx)?.call((full.as_str(),))?;
        exc.setattr(c"msg", msg)?;
        exc.setattr(c"doc", doc)?;
        exc.setattr(c"pos", char_pos)?;
        exc.setattr(c"lineno", line)?;
        exc.setattr(c"colno", column)?;
        Ok(Error::from_value(ctx, &exc))
    };
    make().unwrap_or_else(|e| e)
}

/// JSON for Python, from Rust on HPy: a drop-in replacement for ujson 6 (`dumps`, `loads`,
/// `dump`, `load`, `encode`, `decode`, `JSONDecodeError`).
#[hpy_core::module]
pub mod hpyjson {
    use super::*;

    /// The version of this module.
    #[hpy_core::constant(name = "__version__")]
    pub const VERSION: &str = "0.1.0";

    /// Raised by `loads`, `decode` and `load` for a malformed document. A `ValueError`; the
    /// message ends with the position (`line L column C (char N)`), also available as the
    /// attributes `msg`, `doc`, `pos`, `lineno` and `colno`.
    #[hpy_core::exception(base = ValueError)]
    pub struct JSONDecodeError;

    /// Which build this is (the test harness checks it).
    #[hpy_core::module_init]
    fn init<'c>(ctx: Ctx<'c>, module: &Handle<'c>) -> Result<()> {
        // `__all__` also makes the package maturin wraps a CPython-ABI build in re-export
        // `__version__` (its `from .hpyjson import *` skips underscored names otherwise).
        module.setattr(
            "__all__",
            vec![
                "dumps",
                "encode",
                "dump",
                "loads",
                "decode",
                "load",
                "JSONDecodeError",
                "__version__",
                "ABI",
                "CONTEXT_NAME",
            ],
        )?;
        module.setattr("ABI", hpy_core::ABI)?;
        module.setattr("CONTEXT_NAME", ctx.name())
    }

    /// Converts arbitrary object recursively into JSON. Use ensure_ascii=false to output
    /// UTF-8. Set encode_html_chars=True to encode < > & as unicode escape sequences. Set
    /// escape_forward_slashes=False to prevent escaping / characters. Set allow_nan=False to
    /// raise an exception when NaN or Infinity would be serialized. Set reject_bytes=True to
    /// raise TypeError on bytes.
    #[hpy_core::function(
        signature = (obj, ensure_ascii = Flag(true), encode_html_chars = Flag(false),
            escape_forward_slashes = Flag(true), sort_keys = Flag(false), indent = 0,
            allow_nan = Flag(true), reject_bytes = Flag(true), default = None, separators = None),
        text_signature = "(obj, ensure_ascii=True, encode_html_chars=False, escape_forward_slashes=True, sort_keys=False, indent=0, allow_nan=True, reject_bytes=True, default=None, separators=None)"
    )]
    #[allow(clippy::too_many_arguments)]
    fn dumps<'c>(
        ctx: Ctx<'c>,
        obj: &Handle<'c>,
        ensure_ascii: Flag,
        encode_html_chars: Flag,
        escape_forward_slashes: Flag,
        sort_keys: Flag,
        indent: i32,
        allow_nan: Flag,
        reject_bytes: Flag,
        default: Option<&Handle<'c>>,
        separators: Option<&Handle<'c>>,
    ) -> Result<Handle<'c>> {
        dumps_impl(
            ctx,
            obj,
            ensure_ascii,
            encode_html_chars,
            escape_forward_slashes,
            sort_keys,
            indent,
            allow_nan,
            reject_bytes,
            default,
            separators,
        )
    }

    /// Converts arbitrary object recursively into JSON (the same as `dumps`).
    #[hpy_core::function(
        signature = (obj, ensure_ascii = Flag(true), encode_html_chars = Flag(false),
            escape_forward_slashes = Flag(true), sort_keys = Flag(false), indent = 0,
            allow_nan = Flag(true), reject_bytes = Flag(true), default = None, separators = None),
        text_signature = "(obj, ensure_ascii=True, encode_html_chars=False, escape_forward_slashes=True, sort_keys=False, indent=0, allow_nan=True, reject_bytes=True, default=None, separators=None)"
    )]
    #[allow(clippy::too_many_arguments)]
    fn encode<'c>(
        ctx: Ctx<'c>,
        obj: &Handle<'c>,
        ensure_ascii: Flag,
        encode_html_chars: Flag,
        escape_forward_slashes: Flag,
        sort_keys: Flag,
        indent: i32,
        allow_nan: Flag,
        reject_bytes: Flag,
        default: Option<&Handle<'c>>,
        separators: Option<&Handle<'c>>,
    ) -> Result<Handle<'c>> {
        dumps_impl(
            ctx,
            obj,
            ensure_ascii,
            encode_html_chars,
            escape_forward_slashes,
            sort_keys,
            indent,
            allow_nan,
            reject_bytes,
            default,
            separators,
        )
    }

    /// Converts arbitrary object recursively into JSON and writes it to `fp` (anything with a
    /// `write` method). Takes the options of `dumps` as keyword arguments.
    #[hpy_core::function(
        signature = (obj, fp, *, ensure_ascii = Flag(true), encode_html_chars = Flag(false),
            escape_forward_slashes = Flag(true), sort_keys = Flag(false), indent = 0,
            allow_nan = Flag(true), reject_bytes = Flag(true), default = None, separators = None),
        text_signature = "(obj, fp, *, ensure_ascii=True, encode_html_chars=False, escape_forward_slashes=True, sort_keys=False, indent=0, allow_nan=True, reject_bytes=True, default=None, separators=None)"
    )]
    #[allow(clippy::too_many_arguments)]
    fn dump<'c>(
        ctx: Ctx<'c>,
        obj: &Handle<'c>,
        fp: &Handle<'c>,
        ensure_ascii: Flag,
        encode_html_chars: Flag,
        escape_forward_slashes: Flag,
        sort_keys: Flag,
        indent: i32,
        allow_nan: Flag,
        reject_bytes: Flag,
        default: Option<&Handle<'c>>,
        separators: Option<&Handle<'c>>,
    ) -> Result<()> {
        let write = fp
            .getattr_opt(c"write")?
            .filter(|w| w.is_callable())
            .ok_or_else(|| Error::type_error("expected file"))?;
        let text = dumps_impl(
            ctx,
            obj,
            ensure_ascii,
            encode_html_chars,
            escape_forward_slashes,
            sort_keys,
            indent,
            allow_nan,
            reject_bytes,
            default,
            separators,
        )?;
        write.call((&text,))?;
        Ok(())
    }

    /// Converts JSON as string to dict object structure.
    #[hpy_core::function(signature = (obj))]
    fn loads<'c>(ctx: Ctx<'c>, obj: &Handle<'c>) -> Result<Handle<'c>> {
        loads_impl(ctx, obj)
    }

    /// Converts JSON as string to dict object structure (the same as `loads`).
    #[hpy_core::function(signature = (obj))]
    fn decode<'c>(ctx: Ctx<'c>, obj: &Handle<'c>) -> Result<Handle<'c>> {
        loads_impl(ctx, obj)
    }

    /// Converts JSON as file to dict object structure: `loads(fp.read())`.
    #[hpy_core::function(signature = (fp, /))]
    fn load<'c>(ctx: Ctx<'c>, fp: &Handle<'c>) -> Result<Handle<'c>> {
        let read = fp
            .getattr_opt(c"read")?
            .filter(|r| r.is_callable())
            .ok_or_else(|| Error::type_error("expected file"))?;
        let text = read.call(())?;
        loads_impl(ctx, &text)
    }
}
