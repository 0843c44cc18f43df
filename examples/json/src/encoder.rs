//! The encoder: Python objects to JSON text, in one pass into a byte buffer.
//!
//! What each object becomes, in the order ujson 6 tests for it (the built-in types are
//! disjoint except `bool`, which is tested before `int`):
//!
//! | object | JSON |
//! |---|---|
//! | `str` (and subclasses) | a string, escaped per the options |
//! | `bool` | `true` / `false` |
//! | `int` (and subclasses) | its decimal digits, any size |
//! | `float` (and subclasses) | shortest round-trip digits ([`crate::number`]); `NaN`, `Infinity`, `-Infinity` when `allow_nan` |
//! | `None` | `null` |
//! | `dict` (and subclasses) | an object; keys: `str` as is, `bytes` as UTF-8, `True`/`False`/`None` as `"true"`/`"false"`/`"null"`, anything else as `str(key)` |
//! | `list`, `tuple` (and subclasses) | an array |
//! | `bytes` with `reject_bytes=False` | a string (the bytes must be UTF-8) |
//! | `decimal.Decimal` | a number, through `float()` |
//! | an object with `toDict()` | the dict it returns |
//! | an object with `__json__()` | the `str` (or `bytes`) it returns, inserted as it is |
//! | anything else | `default(obj)` when given (at most three times in a row), else `TypeError` |

use hpy_core::{Builtin, BuiltinType, Ctx, Error, Handle, Result, StrData};

use crate::escape::{Escaper, TextKind, classify};
use crate::number::{write_f64, write_i64, write_u64};

/// The deepest nesting ujson encodes: a value more than this many containers deep raises
/// `OverflowError` (which also stops self-referencing containers).
pub const MAX_DEPTH: u32 = 1024;

/// How many times in a row `default` may replace an object before the encoder gives up.
const MAX_DEFAULT_CALLS: u32 = 3;

/// The JSON kind of a built-in type (subclasses included).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `str`.
    Str,
    /// `int` (and `bool`).
    Int,
    /// `float`.
    Float,
    /// `None`.
    None,
    /// `dict`.
    Dict,
    /// `list`.
    List,
    /// `tuple`.
    Tuple,
    /// Anything else (or no hint).
    Other,
}

impl Kind {
    /// The order of the tests, commonest first.
    const ORDER: [Kind; 7] = [
        Kind::Str,
        Kind::Int,
        Kind::Float,
        Kind::None,
        Kind::Dict,
        Kind::List,
        Kind::Tuple,
    ];

    /// Whether `o` is of this kind: one type test (a context call in universal mode).
    #[inline(always)]
    fn test(self, o: &Handle<'_>) -> bool {
        match self {
            Kind::Str => o.is_str(),
            Kind::Int => o.is_instance_of_builtin(BuiltinType::Int),
            Kind::Float => o.is_instance_of_builtin(BuiltinType::Float),
            Kind::None => o.is_none(),
            Kind::Dict => o.is_dict(),
            Kind::List => o.is_list(),
            Kind::Tuple => o.is_tuple(),
            Kind::Other => false,
        }
    }

    /// The kind of `o`, testing `hint` first: arrays are mostly of one kind, so in universal
    /// mode, where each test is a context call, an array of floats costs one test per item
    /// instead of three.
    #[inline]
    fn of(o: &Handle<'_>, hint: Kind) -> Kind {
        if hint.test(o) {
            return hint;
        }
        Kind::ORDER
            .into_iter()
            .find(|&k| k != hint && k.test(o))
            .unwrap_or(Kind::Other)
    }
}

/// The options of `dumps`, with ujson's defaults.
pub struct Options<'a, 'c> {
    /// Escape every non-ASCII character (`\uXXXX`).
    pub ensure_ascii: bool,
    /// Escape `<`, `>` and `&`.
    pub encode_html_chars: bool,
    /// Escape `/` as `\/`.
    pub escape_forward_slashes: bool,
    /// Write dict items in key order.
    pub sort_keys: bool,
    /// Spaces per level (pretty printing) when positive; negative or zero: no newlines (but a
    /// negative indent still selects `": "` as the default key separator, as in ujson).
    pub indent: i32,
    /// Write NaN and infinities as `NaN`, `Infinity`, `-Infinity` (else `OverflowError`).
    pub allow_nan: bool,
    /// Refuse `bytes` (they go to `default`, else `TypeError`).
    pub reject_bytes: bool,
    /// Called with each object that has no JSON form; returns one that has.
    pub default: Option<&'a Handle<'c>>,
    /// `(item_separator, key_separator)` as UTF-8; `None` for the defaults.
    pub separators: Option<(Vec<u8>, Vec<u8>)>,
}

/// One `dumps` call in progress.
pub struct Encoder<'a, 'c> {
    ctx: Ctx<'c>,
    out: Vec<u8>,
    escaper: Escaper,
    indent: usize,
    item_sep: Vec<u8>,
    key_sep: Vec<u8>,
    sort_keys: bool,
    allow_nan: bool,
    reject_bytes: bool,
    default: Option<&'a Handle<'c>>,
    /// `decimal.Decimal`, imported the first time an object of an unknown type shows up.
    decimal: Option<Option<Handle<'c>>>,
    level: u32,
}

impl<'a, 'c> Encoder<'a, 'c> {
    /// An encoder for these options.
    pub fn new(ctx: Ctx<'c>, opts: Options<'a, 'c>) -> Encoder<'a, 'c> {
        let (item_sep, key_sep) = opts.separators.unwrap_or_else(|| {
            let key: &[u8] = if opts.indent != 0 { b": " } else { b":" };
            (b",".to_vec(), key.to_vec())
        });
        Encoder {
            ctx,
            out: Vec::with_capacity(256),
            escaper: Escaper::new(
                opts.ensure_ascii,
                opts.encode_html_chars,
                opts.escape_forward_slashes,
            ),
            indent: opts.indent.max(0) as usize,
            item_sep,
            key_sep,
            sort_keys: opts.sort_keys,
            allow_nan: opts.allow_nan,
            reject_bytes: opts.reject_bytes,
            default: opts.default,
            decimal: None,
            level: 0,
        }
    }

    /// Encodes `obj` and returns the JSON text as a `str`.
    pub fn encode_to_str(mut self, obj: &Handle<'c>) -> Result<Handle<'c>> {
        self.encode(obj, &mut Kind::Other)?;
        let ctx = self.ctx;
        match classify(&self.out) {
            TextKind::Ascii | TextKind::Utf8 => match std::str::from_utf8(&self.out) {
                Ok(s) => ctx.str(s),
                Err(_) => unreachable!("classify() said UTF-8"),
            },
            // Lone surrogates (ensure_ascii=False), or raw bytes that are not UTF-8, which
            // then raise UnicodeDecodeError as in ujson.
            TextKind::Wtf8 | TextKind::Invalid => ctx.decode_utf8(&self.out, Some("surrogatepass")),
        }
    }

    /// Appends one value. `hint` is the kind of the value before it in the same array (or
    /// `Other`): it is tested first, and updated.
    fn encode(&mut self, obj: &Handle<'c>, hint: &mut Kind) -> Result<()> {
        if self.level > MAX_DEPTH {
            return Err(Error::overflow_error("Maximum recursion level reached"));
        }
        let mut replaced: Option<Handle<'c>> = None;
        let mut default_calls = 0;
        loop {
            let o = replaced.as_ref().unwrap_or(obj);
            let kind = Kind::of(o, *hint);
            *hint = kind;
            match kind {
                Kind::Str => return self.write_str_object(o),
                Kind::Int => return self.write_int(o),
                Kind::Float => return self.write_float(o.extract()?),
                Kind::None => {
                    self.out.extend_from_slice(b"null");
                    return Ok(());
                }
                Kind::Dict => return self.write_dict(o),
                Kind::List | Kind::Tuple => return self.write_array(o),
                Kind::Other => {}
            }
            if o.is_bytes() && !self.reject_bytes {
                let b = o.as_bytes()?;
                return self.write_text(o, b);
            }
            // Not a built-in JSON type.
            if self.is_decimal(o) {
                let f = o.to_float()?;
                return self.write_float(f.extract()?);
            }
            if o.hasattr(c"toDict")? {
                let d = o.call_method(c"toDict", ())?;
                if !d.is_dict() {
                    return Err(Error::type_error(format!(
                        "toDict() should return a dict, got {}",
                        d.type_name()
                    )));
                }
                return self.write_dict(&d);
            }
            if o.hasattr(c"__json__")? {
                let raw = o.call_method(c"__json__", ())?;
                if raw.is_bytes() {
                    self.out.extend_from_slice(raw.as_bytes()?);
                    return Ok(());
                }
                if raw.is_str() {
                    return with_text(&raw, |b| {
                        self.out.extend_from_slice(b);
                        Ok(())
                    });
                }
                return Err(Error::type_error(format!(
                    "__json__() should return str or bytes, got {}",
                    raw.type_name()
                )));
            }
            if let Some(default) = self.default {
                if default_calls >= MAX_DEFAULT_CALLS {
                    return Err(Error::type_error("maximum recursion depth exceeded"));
                }
                default_calls += 1;
                let new = default.call((o,))?;
                replaced = Some(new);
                continue;
            }
            return Err(Error::type_error(format!(
                "{} is not JSON serializable",
                o.repr()?
            )));
        }
    }

    /// Whether `o` is a `decimal.Decimal` (False if `decimal` cannot be imported).
    fn is_decimal(&mut self, o: &Handle<'c>) -> bool {
        let ctx = self.ctx;
        let ty = self.decimal.get_or_insert_with(|| {
            match ctx.import("decimal").and_then(|m| m.getattr(c"Decimal")) {
                Ok(t) => Some(t),
                Err(e) => {
                    e.discard(ctx);
                    None
                }
            }
        });
        ty.as_ref().is_some_and(|t| o.is_instance(t))
    }

    /// An `int` (or a `bool`): 64 bits directly, anything larger through its decimal `str`.
    fn write_int(&mut self, o: &Handle<'c>) -> Result<()> {
        match o.extract::<i64>() {
            // Only 0 and 1 may be a bool: the others save the test (a context call in
            // universal mode).
            Ok(v @ (0 | 1)) if o.is_instance_of_builtin(BuiltinType::Bool) => {
                self.out
                    .extend_from_slice(if v == 1 { b"true" } else { b"false" });
                return Ok(());
            }
            Ok(v) => {
                write_i64(&mut self.out, v);
                return Ok(());
            }
            Err(e) if e.is(Builtin::OverflowError) => e.discard(self.ctx),
            Err(e) => return Err(e),
        }
        match o.extract::<u64>() {
            Ok(v) => {
                write_u64(&mut self.out, v);
                return Ok(());
            }
            Err(e) if e.is(Builtin::OverflowError) => e.discard(self.ctx),
            Err(e) => return Err(e),
        }
        // `int(o)` first: a subclass may override `__str__`, the value is what counts.
        let digits = o.to_int()?.str()?;
        self.out.extend_from_slice(digits.as_bytes());
        Ok(())
    }

    fn write_float(&mut self, v: f64) -> Result<()> {
        if v.is_finite() {
            write_f64(&mut self.out, v);
            return Ok(());
        }
        if !self.allow_nan {
            return Err(Error::overflow_error("Invalid value when encoding double"));
        }
        self.out.extend_from_slice(if v.is_nan() {
            b"NaN"
        } else if v > 0.0 {
            b"Infinity"
        } else {
            b"-Infinity"
        });
        Ok(())
    }

    /// A `str` object as a JSON string, read in the form the runtime keeps it (CPython's own
    /// one-, two- or four-byte units in CPython-ABI mode, UTF-8 otherwise).
    fn write_str_object(&mut self, s: &Handle<'c>) -> Result<()> {
        let data = match s.str_data() {
            Ok(d) => d,
            Err(e) => {
                // CPython in universal mode refuses the UTF-8 of a string with lone
                // surrogates: take their surrogatepass form.
                e.discard(self.ctx);
                let b = s.call_method(c"encode", ("utf-8", "surrogatepass"))?;
                return self.write_text(&b, b.as_bytes()?);
            }
        };
        let (out, escaper) = (&mut self.out, &self.escaper);
        match data {
            StrData::Ascii(t) => escaper.write(out, t.as_bytes()),
            StrData::Utf8(b) => escaper.write(out, b),
            StrData::Latin1(u) => {
                escaper.write_units(out, u);
                Ok(())
            }
            StrData::Ucs2(u) => {
                escaper.write_units(out, u);
                Ok(())
            }
            StrData::Ucs4(u) => {
                escaper.write_units(out, u);
                Ok(())
            }
        }
        .map_err(|_| Error::system_error("str text is not UTF-8"))
    }

    /// UTF-8 text (from `bytes`) as a JSON string; `UnicodeDecodeError` if it is not.
    fn write_text(&mut self, owner: &Handle<'c>, b: &[u8]) -> Result<()> {
        if classify(b) == TextKind::Invalid {
            return Err(invalid_bytes(owner));
        }
        self.escaper
            .write(&mut self.out, b)
            .map_err(|_| invalid_bytes(owner))
    }

    /// A newline and the indentation of `level`, when pretty printing.
    #[inline]
    fn newline(&mut self, level: u32) {
        if self.indent > 0 {
            self.out.push(b'\n');
            let n = self.indent * level as usize;
            self.out.resize(self.out.len() + n, b' ');
        }
    }

    /// Before item `i` of a container: the separator, then the newline and indentation.
    #[inline]
    fn before_item(&mut self, i: usize) {
        if i > 0 {
            self.out.extend_from_slice(&self.item_sep);
        }
        self.newline(self.level + 1);
    }

    /// A list or tuple, item by item by index (`HPy_GetItem_i`; in CPython-ABI mode an exact
    /// list or tuple is read directly). A list that shrinks meanwhile (through `default`)
    /// ends early.
    fn write_array(&mut self, seq: &Handle<'c>) -> Result<()> {
        self.out.push(b'[');
        let n = seq.len()?;
        let mut count = 0;
        let mut hint = Kind::Other;
        while count < n {
            let item = match seq.get_item(count) {
                Ok(item) => item,
                Err(e) if e.matches(self.ctx, Builtin::IndexError) => {
                    e.discard(self.ctx);
                    break;
                }
                Err(e) => return Err(e),
            };
            self.before_item(count);
            self.level += 1;
            let r = self.encode(&item, &mut hint);
            self.level -= 1;
            r?;
            count += 1;
        }
        if count > 0 {
            self.newline(self.level);
        }
        self.out.push(b']');
        Ok(())
    }

    fn write_dict(&mut self, d: &Handle<'c>) -> Result<()> {
        self.out.push(b'{');
        let mut count = 0;
        if self.sort_keys {
            let keys = d.dict_keys()?;
            keys.call_method(c"sort", ())?;
            for i in 0..keys.len()? {
                let key = keys.get_item(i)?;
                let value = d.get_item(&key)?;
                self.write_item(count, &key, &value)?;
                count += 1;
            }
        } else {
            for item in d.dict_iter()? {
                let (key, value) = item?;
                self.write_item(count, &key, &value)?;
                count += 1;
            }
        }
        if count > 0 {
            self.newline(self.level);
        }
        self.out.push(b'}');
        Ok(())
    }

    /// One `key: value` item of an object.
    fn write_item(&mut self, i: usize, key: &Handle<'c>, value: &Handle<'c>) -> Result<()> {
        self.before_item(i);
        self.write_key(key)?;
        self.out.extend_from_slice(&self.key_sep);
        self.level += 1;
        let r = self.encode(value, &mut Kind::Other);
        self.level -= 1;
        r
    }

    /// A dict key, as ujson converts keys: `str`, `bytes`, `True`/`False`/`None` as their
    /// JSON names, anything else through `str()`.
    fn write_key(&mut self, key: &Handle<'c>) -> Result<()> {
        if key.is_str() {
            return self.write_str_object(key);
        }
        if key.is_bytes() {
            return self.write_text(key, key.as_bytes()?);
        }
        if key.is_instance_of_builtin(BuiltinType::Bool) {
            let v: bool = key.extract()?;
            self.out
                .extend_from_slice(if v { b"\"true\"" } else { b"\"false\"" });
            return Ok(());
        }
        if key.is_none() {
            self.out.extend_from_slice(b"\"null\"");
            return Ok(());
        }
        let ctx = self.ctx;
        let text = ctx.builtin("str")?.call((key,))?;
        self.write_str_object(&text)
    }
}

/// Runs `f` with the text of a `str` as (generalised) UTF-8: borrowed from the object (without
/// a UTF-8 check: on PyPy lone surrogates come in their three-byte form, which the escaper
/// handles), or, where the runtime refuses a string with lone surrogates (CPython), from
/// `s.encode('utf-8', 'surrogatepass')`.
pub fn with_text<'c, R>(s: &Handle<'c>, f: impl FnOnce(&[u8]) -> Result<R>) -> Result<R> {
    match s.to_str_bytes() {
        Ok(text) => f(text),
        Err(e) => {
            e.discard(s.ctx());
            let b = s.call_method(c"encode", ("utf-8", "surrogatepass"))?;
            f(b.as_bytes()?)
        }
    }
}

/// The `UnicodeDecodeError` of `b.decode('utf-8', 'surrogatepass')` for bytes that are not
/// UTF-8 (or a `ValueError` should that decode succeed after all).
fn invalid_bytes(b: &Handle<'_>) -> Error {
    match b.decode(None, Some("surrogatepass")) {
        Err(e) => e,
        Ok(_) => Error::value_error("bytes are not valid UTF-8"),
    }
}
