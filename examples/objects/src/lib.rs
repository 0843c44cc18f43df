//! `objects`: the whole object API of hpy-core, used from Rust as a new user would use it.
//!
//! The functions between `// guide:begin NAME` and `// guide:end NAME` are shown verbatim in
//! hpy-core's guide (`hpy-core/guide/*.md`); `hpy-core/tests/guide_sync.rs` fails if the two
//! drift apart. `tests/` calls every function in every test leg.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::ffi::{c_char, c_void};
use std::sync::atomic::{AtomicUsize, Ordering};

use hpy_core::capsule::CapsuleDestructor;
use hpy_core::{
    Builtin, BuiltinType, CompareOp, Ctx, Error, FromHandle, Handle, IntoHandle, Result,
    SourceKind, StaticExceptionType,
};

/// How many [`Tracked`] values were dropped (capsule destructors run).
pub static DROPPED: AtomicUsize = AtomicUsize::new(0);

/// A value that counts its drops, to see capsule destructors run.
pub struct Tracked {
    /// The payload.
    pub value: i64,
    /// A name, to show that any Rust data can live in a capsule.
    pub label: String,
}

impl Drop for Tracked {
    fn drop(&mut self) {
        DROPPED.fetch_add(1, Ordering::SeqCst);
    }
}

// guide:begin celsius
/// Degrees Celsius: a user type that converts from a Python float (or int).
pub struct Celsius(pub f64);

impl<'a, 'c> FromHandle<'a, 'c> for Celsius {
    const EXPECTED: &'static str = "float (degrees Celsius)";
    fn from_handle(h: &'a Handle<'c>) -> Result<Self> {
        let v: f64 = h.extract()?;
        if v < -273.15 {
            return Err(Error::value_error(format!("{v} is below absolute zero")));
        }
        Ok(Celsius(v))
    }
}

/// A point: a user type that converts into a Python dict.
pub struct Point {
    pub x: f64,
    pub y: f64,
}

impl<'c> IntoHandle<'c> for Point {
    fn into_handle(self, ctx: Ctx<'c>) -> Result<Handle<'c>> {
        let d = ctx.dict()?;
        d.set_item("x", self.x)?;
        d.set_item("y", self.y)?;
        Ok(d)
    }
}
// guide:end celsius

// guide:begin static_error
/// `objects.ObjectsError`, made at import (see `init`) and looked up again each time an error
/// of this type is raised: a context-free `Error` can name it.
struct ObjectsError;

impl StaticExceptionType for ObjectsError {
    fn name(&self) -> &str {
        "ObjectsError"
    }
    fn load<'c>(&'static self, ctx: Ctx<'c>) -> Result<Handle<'c>> {
        ctx.import("objects")?.getattr("ObjectsError")
    }
}

static OBJECTS_ERROR: ObjectsError = ObjectsError;
// guide:end static_error

/// A raw capsule destructor: frees a `Box<u64>` and counts.
struct FreeBoxedU64;

impl CapsuleDestructor for FreeBoxedU64 {
    unsafe extern "C" fn destroy(_name: *const c_char, pointer: *mut c_void, _ctx: *mut c_void) {
        // SAFETY: `raw_capsule` made the pointer with `Box::into_raw(Box<u64>)`.
        drop(unsafe { Box::from_raw(pointer.cast::<u64>()) });
        DROPPED.fetch_add(1, Ordering::SeqCst);
    }
}

unsafe extern "C" {
    /// glibc's `errno` (this example targets Linux).
    fn __errno_location() -> *mut i32;
}

/// `(start, stop, step)` of `HPySlice_Unpack`.
pub type Unpacked = (isize, isize, isize);
/// `(start, stop, step, count)` for a length.
pub type Indices = (isize, isize, isize, usize);

/// The object API of hpy-core, exercised from Rust.
#[hpy_core::module]
pub mod objects {
    use super::*;

    /// Adds the backend name and the module's own exception type at import.
    #[hpy_core::module_init]
    fn init<'c>(ctx: Ctx<'c>, module: &Handle<'c>) -> Result<()> {
        module.setattr("ABI", hpy_core::ABI)?;
        module.setattr("CONTEXT_NAME", ctx.name())?;
        // guide:begin new_exception_type
        let base = ctx.exception_type(Builtin::ValueError);
        let err = ctx.new_exception_type(
            "objects.ObjectsError",
            Some(&base),
            Some("Raised by the objects example."),
            None,
        )?;
        module.setattr("ObjectsError", &err)?;
        // guide:end new_exception_type
        Ok(())
    }

    // =========================================================================================
    // Handles (guide/handles.md)

    // guide:begin describe
    /// `describe(obj)`: arguments are borrowed (`&Handle`); `type_name`, `repr` and `len`
    /// only look at the object.
    #[hpy_core::function]
    fn describe(obj: &Handle<'_>) -> Result<String> {
        let len = match obj.len() {
            Ok(n) => format!("len {n}"),
            Err(e) => {
                e.discard(obj.ctx()); // not every object has a length
                "no len".to_owned()
            }
        };
        Ok(format!("{} {} ({len})", obj.type_name(), obj.repr()?))
    }
    // guide:end describe

    // guide:begin first_and_last
    /// `first_and_last(seq)`: `get_item` returns new (owned) handles, which the caller
    /// returns to Python; anything not returned is closed when it goes out of scope.
    #[hpy_core::function]
    fn first_and_last<'c>(seq: &Handle<'c>) -> Result<(Handle<'c>, Handle<'c>)> {
        let first = seq.get_item(0)?;
        let last = seq.get_item(-1)?;
        let _middle = seq.get_item(seq.len()? / 2)?; // closed at the end of the function
        Ok((first, last))
    }
    // guide:end first_and_last

    // guide:begin same_object
    /// `same_object(a, b)`: `is` compares identity; `clone()` is a new handle to the same
    /// object.
    #[hpy_core::function]
    fn same_object<'c>(a: &Handle<'c>, b: &Handle<'c>) -> (bool, bool) {
        let copy = a.clone();
        (a.is(b), copy.is(a))
    }
    // guide:end same_object

    // guide:begin constants
    /// `constants()`: `None`, `True`, `False`, `...` and `NotImplemented`.
    #[hpy_core::function]
    fn constants<'c>(ctx: Ctx<'c>) -> Vec<Handle<'c>> {
        vec![
            ctx.none(),
            ctx.bool(true),
            ctx.bool(false),
            ctx.ellipsis(),
            ctx.not_implemented(),
        ]
    }
    // guide:end constants

    /// `builtin_types()`: every type the context names, in `BuiltinType` order.
    #[hpy_core::function]
    fn builtin_types<'c>(ctx: Ctx<'c>) -> Vec<Handle<'c>> {
        use BuiltinType::*;
        [
            Object, Type, Bool, Int, Float, Str, Tuple, List, Complex, Bytes, MemoryView, Capsule,
            Slice,
        ]
        .into_iter()
        .map(|t| ctx.type_object(t))
        .collect()
    }

    /// `builtin_exceptions()`: every exception and warning type the context names.
    #[hpy_core::function]
    fn builtin_exceptions<'c>(ctx: Ctx<'c>) -> Vec<(String, Handle<'c>)> {
        Builtin::ALL
            .iter()
            .map(|&b| (b.name().to_owned(), ctx.exception_type(b)))
            .collect()
    }

    /// `type_checks(obj)`: what the cheap type tests say.
    #[hpy_core::function]
    fn type_checks(obj: &Handle<'_>) -> HashMap<&'static str, bool> {
        HashMap::from([
            ("callable", obj.is_callable()),
            ("number", obj.is_number()),
            ("str", obj.is_str()),
            ("bytes", obj.is_bytes()),
            ("list", obj.is_list()),
            ("tuple", obj.is_tuple()),
            ("dict", obj.is_dict()),
            ("type", obj.is_type()),
            ("none", obj.is_none()),
            ("float", obj.is_instance_of_builtin(BuiltinType::Float)),
            (
                "exact_int",
                obj.is_exact_instance(&obj.ctx().type_object(BuiltinType::Int)),
            ),
        ])
    }

    /// `builtin_instance_checks(obj)`: `is_instance_of_builtin` for every type the context
    /// names, by the type's name.
    #[hpy_core::function]
    fn builtin_instance_checks(obj: &Handle<'_>) -> BTreeMap<&'static str, bool> {
        [
            BuiltinType::Object,
            BuiltinType::Type,
            BuiltinType::Bool,
            BuiltinType::Int,
            BuiltinType::Float,
            BuiltinType::Str,
            BuiltinType::Tuple,
            BuiltinType::List,
            BuiltinType::Complex,
            BuiltinType::Bytes,
            BuiltinType::MemoryView,
            BuiltinType::Capsule,
            BuiltinType::Slice,
        ]
        .into_iter()
        .map(|t| (t.name(), obj.is_instance_of_builtin(t)))
        .collect()
    }

    /// `is_instance(obj, ty)`: `HPy_TypeCheck`.
    #[hpy_core::function]
    fn is_instance<'c>(obj: &Handle<'c>, ty: &Handle<'c>) -> bool {
        obj.is_instance(ty)
    }

    /// `type_name_of_type(ty)`: `HPyType_GetName`.
    #[hpy_core::function]
    fn type_name_of_type(ty: &Handle<'_>) -> Result<String> {
        ty.name_of_type()
    }

    /// `is_subtype(a, b)`: `HPyType_IsSubtype`.
    #[hpy_core::function]
    fn is_subtype<'c>(a: &Handle<'c>, b: &Handle<'c>) -> Result<bool> {
        a.is_subtype(b)
    }

    /// `dump(obj)`: `_HPy_Dump` to stderr.
    #[hpy_core::function]
    fn dump(obj: &Handle<'_>) {
        obj.dump()
    }

    /// `protocol(obj)`: `bool`, `hash`, `len`, `repr`, `str`, `ascii` of an object.
    #[hpy_core::function]
    fn protocol<'c>(
        obj: &Handle<'c>,
    ) -> Result<(bool, isize, Option<usize>, String, String, String)> {
        let len = obj.len().map_err(|e| e.discard(obj.ctx())).ok();
        Ok((
            obj.is_true()?,
            obj.hash()?,
            len,
            obj.repr()?,
            obj.str()?,
            obj.ascii()?,
        ))
    }

    /// `as_handles(obj)`: `repr`, `str`, `ascii` and `bytes` as objects.
    #[hpy_core::function]
    fn as_handles<'c>(obj: &Handle<'c>) -> Result<(Handle<'c>, Handle<'c>, Handle<'c>)> {
        Ok((obj.py_repr()?, obj.py_str()?, obj.py_ascii()?))
    }

    /// `to_bytes(obj)`: `bytes(obj)`.
    #[hpy_core::function]
    fn to_bytes<'c>(obj: &Handle<'c>) -> Result<Handle<'c>> {
        obj.py_bytes()
    }

    // =========================================================================================
    // Conversions (guide/conversions.md): each `rt_*` returns its argument converted to Rust
    // and back.

    /// `rt_i8(x)`.
    #[hpy_core::function]
    fn rt_i8(x: i8) -> i8 {
        x
    }
    /// `rt_u8(x)`.
    #[hpy_core::function]
    fn rt_u8(x: u8) -> u8 {
        x
    }
    /// `rt_i16(x)`.
    #[hpy_core::function]
    fn rt_i16(x: i16) -> i16 {
        x
    }
    /// `rt_u16(x)`.
    #[hpy_core::function]
    fn rt_u16(x: u16) -> u16 {
        x
    }
    /// `rt_i32(x)`.
    #[hpy_core::function]
    fn rt_i32(x: i32) -> i32 {
        x
    }
    /// `rt_u32(x)`.
    #[hpy_core::function]
    fn rt_u32(x: u32) -> u32 {
        x
    }
    /// `rt_i64(x)`.
    #[hpy_core::function]
    fn rt_i64(x: i64) -> i64 {
        x
    }
    /// `rt_u64(x)`.
    #[hpy_core::function]
    fn rt_u64(x: u64) -> u64 {
        x
    }
    /// `rt_i128(x)`.
    #[hpy_core::function]
    fn rt_i128(x: i128) -> i128 {
        x
    }
    /// `rt_u128(x)`.
    #[hpy_core::function]
    fn rt_u128(x: u128) -> u128 {
        x
    }
    /// `rt_isize(x)`.
    #[hpy_core::function]
    fn rt_isize(x: isize) -> isize {
        x
    }
    /// `rt_usize(x)`.
    #[hpy_core::function]
    fn rt_usize(x: usize) -> usize {
        x
    }
    /// `rt_f64(x)`.
    #[hpy_core::function]
    fn rt_f64(x: f64) -> f64 {
        x
    }
    /// `rt_f32(x)`.
    #[hpy_core::function]
    fn rt_f32(x: f32) -> f32 {
        x
    }
    /// `rt_bool(x)`.
    #[hpy_core::function]
    fn rt_bool(x: bool) -> bool {
        x
    }
    /// `rt_char(x)`.
    #[hpy_core::function]
    fn rt_char(x: char) -> char {
        x
    }
    /// `rt_str(x)`: borrowed in, owned out.
    #[hpy_core::function]
    fn rt_str(x: &str) -> String {
        x.to_owned()
    }
    /// `rt_string(x)`.
    #[hpy_core::function]
    fn rt_string(x: String) -> String {
        x
    }
    /// `rt_cow(x)`.
    #[hpy_core::function]
    fn rt_cow(x: Cow<'_, str>) -> Cow<'_, str> {
        x
    }
    /// `rt_option(x)`.
    #[hpy_core::function]
    fn rt_option(x: Option<i64>) -> Option<i64> {
        x
    }
    /// `rt_tuple(x)`.
    #[hpy_core::function]
    fn rt_tuple(x: (i64, String, f64)) -> (i64, String, f64) {
        x
    }
    /// `rt_vec_f64(x)`.
    #[hpy_core::function]
    fn rt_vec_f64(x: Vec<f64>) -> Vec<f64> {
        x
    }
    /// `rt_vec_str(x)`.
    #[hpy_core::function]
    fn rt_vec_str(x: Vec<String>) -> Vec<String> {
        x
    }
    /// `rt_nested(x)`.
    #[hpy_core::function]
    fn rt_nested(x: Vec<(String, Option<Vec<f64>>)>) -> Vec<(String, Option<Vec<f64>>)> {
        x
    }
    /// `rt_map(x)`.
    #[hpy_core::function]
    fn rt_map(x: HashMap<String, Vec<i64>>) -> HashMap<String, Vec<i64>> {
        x
    }
    /// `rt_btreemap(x)`.
    #[hpy_core::function]
    fn rt_btreemap(x: BTreeMap<i64, String>) -> BTreeMap<i64, String> {
        x
    }
    /// `rt_array3(x)`: exactly three ints.
    #[hpy_core::function]
    fn rt_array3(x: [i64; 3]) -> [i64; 3] {
        x
    }
    /// `rt_hashset(x)`.
    #[hpy_core::function]
    fn rt_hashset(x: HashSet<i64>) -> HashSet<i64> {
        x
    }
    /// `rt_btreeset(x)`: sorted on the way.
    #[hpy_core::function]
    fn rt_btreeset(x: BTreeSet<String>) -> Vec<String> {
        x.into_iter().collect()
    }

    // guide:begin bytes
    /// `bytes_stats(data)`: `&[u8]` borrows the buffer of a `bytes` object (no copy).
    #[hpy_core::function]
    fn bytes_stats(data: &[u8]) -> (usize, usize) {
        (data.len(), data.iter().filter(|&&b| b == 0).count())
    }

    /// `reverse_bytes(data)`: `Vec<u8>` copies any bytes-like object (`bytes`, `bytearray`,
    /// `memoryview`, or a list of ints) and converts back into `bytes`.
    #[hpy_core::function]
    fn reverse_bytes(mut data: Vec<u8>) -> Vec<u8> {
        data.reverse();
        data
    }

    /// `bytes_kind(data)`: `Cow<[u8]>` borrows `bytes` and copies the others.
    #[hpy_core::function]
    fn bytes_kind(data: Cow<'_, [u8]>) -> &'static str {
        match data {
            Cow::Borrowed(_) => "borrowed",
            Cow::Owned(_) => "copied",
        }
    }
    // guide:end bytes

    // guide:begin user_types
    /// `warmer(t, by)`: user types in and out (see `Celsius` and `Point`).
    #[hpy_core::function]
    fn warmer(t: Celsius, by: f64) -> Point {
        Point {
            x: t.0,
            y: t.0 + by,
        }
    }
    // guide:end user_types

    /// `sum_floats(values)`: `Vec<f64>` from a list (the benchmark of the fast path).
    #[hpy_core::function(signature = (values, /))]
    fn sum_floats(values: Vec<f64>) -> f64 {
        values.iter().sum()
    }

    /// `sum_floats_by_item(seq)`: the same, converting item by item (for comparison).
    #[hpy_core::function(signature = (seq, /))]
    fn sum_floats_by_item(seq: &Handle<'_>) -> Result<f64> {
        let mut total = 0.0;
        for i in 0..seq.len()? {
            total += seq.get_item(i)?.extract::<f64>()?;
        }
        Ok(total)
    }

    /// `sum_floats_by_iter(seq)`: the same, with `iter()` (for comparison).
    #[hpy_core::function(signature = (seq, /))]
    fn sum_floats_by_iter(seq: &Handle<'_>) -> Result<f64> {
        let mut total = 0.0;
        for item in seq.iter()? {
            total += item?.extract::<f64>()?;
        }
        Ok(total)
    }

    // =========================================================================================
    // Calling Python (guide/calling.md)

    // guide:begin math_sqrt
    /// `math_sqrt(x)`: import a module, get a function, call it.
    #[hpy_core::function]
    fn math_sqrt(ctx: Ctx<'_>, x: f64) -> Result<f64> {
        let math = ctx.import("math")?;
        math.getattr("sqrt")?.call((x,))?.extract()
    }
    // guide:end math_sqrt

    // guide:begin call_with_kwargs
    /// `join_with(f)`: calls `f(1, 'two', 3.0, sep='-', end='!')`, positional arguments as a
    /// tuple of any convertible values, keyword arguments as `(name, value)` pairs.
    #[hpy_core::function]
    fn join_with<'c>(f: &Handle<'c>) -> Result<Handle<'c>> {
        f.call_kw((1, "two", 3.0), (("sep", "-"), ("end", '!')))
    }
    // guide:end call_with_kwargs

    // guide:begin forward
    /// `apply(f, *args, **kwargs)`: forwards a tuple and a dict as they are.
    #[hpy_core::function(signature = (f, *args, **kwargs))]
    fn apply<'c>(
        f: &Handle<'c>,
        args: &Handle<'c>,
        kwargs: Option<&Handle<'c>>,
    ) -> Result<Handle<'c>> {
        f.call_with(args, kwargs)
    }
    // guide:end forward

    /// `call_with_dict(f, kwargs)`: keyword arguments from a dict handle, through vectorcall.
    #[hpy_core::function]
    fn call_with_dict<'c>(f: &Handle<'c>, kwargs: &Handle<'c>) -> Result<Handle<'c>> {
        f.call_kw((), kwargs)
    }

    /// `call_with_map(f)`: keyword arguments from a Rust map.
    #[hpy_core::function]
    fn call_with_map<'c>(f: &Handle<'c>) -> Result<Handle<'c>> {
        let kw = BTreeMap::from([("a", 1), ("b", 2)]);
        f.call_kw((0,), kw)
    }

    /// `call_slice(f, a, b)`: positional arguments as a slice of handles.
    #[hpy_core::function]
    fn call_slice<'c>(f: &Handle<'c>, a: &Handle<'c>, b: &Handle<'c>) -> Result<Handle<'c>> {
        f.call(&[a, b])
    }

    /// `call_many(f)`: twelve positional arguments (more than fit inline).
    #[hpy_core::function]
    fn call_many<'c>(f: &Handle<'c>) -> Result<Handle<'c>> {
        f.call((1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12))
    }

    // guide:begin ordered_dict
    /// `ordered_dict(pairs)`: `collections.OrderedDict`, then a method call with a keyword.
    #[hpy_core::function]
    fn ordered_dict<'c>(ctx: Ctx<'c>, pairs: Vec<(String, i64)>) -> Result<Handle<'c>> {
        let od = ctx
            .import("collections")?
            .getattr("OrderedDict")?
            .call((pairs,))?;
        if od.contains("first")? {
            od.call_method_kw("move_to_end", ("first",), [("last", false)])?;
        }
        Ok(od)
    }
    // guide:end ordered_dict

    // guide:begin sort_words
    /// `sort_words(text, reverse)`: `str.split`, then `sorted(..., key=str.lower, reverse=..)`.
    #[hpy_core::function(signature = (text, *, reverse = false))]
    fn sort_words<'c>(ctx: Ctx<'c>, text: &Handle<'c>, reverse: bool) -> Result<Vec<String>> {
        let words = text.call_method("split", ())?;
        let key = ctx.type_object(BuiltinType::Str).getattr("lower")?;
        let sorted = ctx.builtin("sorted")?;
        sorted
            .call_kw((&words,), (("key", &key), ("reverse", reverse)))?
            .extract()
    }
    // guide:end sort_words

    // guide:begin sum_iterable
    /// `sum_iterable(obj)`: iterates any iterable (list, generator, dict, set, file...).
    #[hpy_core::function]
    fn sum_iterable(obj: &Handle<'_>) -> Result<f64> {
        let mut total = 0.0;
        for item in obj.iter()? {
            total += item?.extract::<f64>()?;
        }
        Ok(total)
    }
    // guide:end sum_iterable

    /// `take(it, n)`: up to `n` items of an iterator, with `iter_next`.
    #[hpy_core::function]
    fn take<'c>(it: &Handle<'c>, n: usize) -> Result<Vec<Handle<'c>>> {
        let mut out = Vec::new();
        while out.len() < n {
            match it.iter_next()? {
                Some(v) => out.push(v),
                None => break,
            }
        }
        Ok(out)
    }

    /// `first_of(obj)`: the first item of an iterable, stopping the iteration early.
    #[hpy_core::function]
    fn first_of<'c>(obj: &Handle<'c>) -> Result<Option<Handle<'c>>> {
        obj.iter()?.next().transpose()
    }

    // guide:begin dict_items
    /// `dict_items(d)`: HPy 0.9 has no dict iteration; `dict_items` is keys + lookups.
    #[hpy_core::function]
    fn dict_items(d: &Handle<'_>) -> Result<Vec<(String, i64)>> {
        d.dict_items()?
            .iter()
            .map(|(k, v)| Ok((k.extract()?, v.extract()?)))
            .collect()
    }
    // guide:end dict_items

    /// `dict_walk(d, f)`: `f(key, value)` for every item, with `dict_iter`; the results.
    #[hpy_core::function]
    fn dict_walk<'c>(d: &Handle<'c>, f: &Handle<'c>) -> Result<Vec<Handle<'c>>> {
        let mut out = Vec::new();
        for item in d.dict_iter()? {
            let (key, value) = item?;
            out.push(f.call((&key, &value))?);
        }
        Ok(out)
    }

    /// `dict_ops(d)`: keys, values and a copy of a dict.
    #[hpy_core::function]
    fn dict_ops<'c>(d: &Handle<'c>) -> Result<(Handle<'c>, Vec<Handle<'c>>, Handle<'c>)> {
        Ok((d.dict_keys()?, d.dict_values()?, d.dict_copy()?))
    }

    // guide:begin attributes
    /// `attributes(obj)`: set, test, read and delete an attribute, by `&str` and by `&CStr`.
    #[hpy_core::function]
    fn attributes<'c>(obj: &Handle<'c>) -> Result<(bool, i64, bool, Option<Handle<'c>>)> {
        obj.setattr("answer", 42)?;
        let has = obj.hasattr(c"answer")?;
        let value: i64 = obj.getattr("answer")?.extract()?;
        obj.delattr("answer")?;
        let still = obj.hasattr("answer")?;
        let missing = obj.getattr_opt("answer")?; // None instead of AttributeError
        Ok((has, value, still, missing))
    }
    // guide:end attributes

    /// `getattr_by_handle(obj, name)`: the attribute name as a `str` handle.
    #[hpy_core::function]
    fn getattr_by_handle<'c>(obj: &Handle<'c>, name: &Handle<'c>) -> Result<Handle<'c>> {
        obj.getattr(name)
    }

    /// `attr_by_handle(obj, name, value)`: set, test, read and delete with a `str` handle.
    #[hpy_core::function]
    fn attr_by_handle<'c>(
        obj: &Handle<'c>,
        name: &Handle<'c>,
        value: &Handle<'c>,
    ) -> Result<(bool, Handle<'c>, bool)> {
        obj.setattr(name, value)?;
        let has = obj.hasattr(name)?;
        let got = obj.getattr(name)?;
        obj.delattr(name)?;
        Ok((has, got, obj.hasattr(name)?))
    }

    /// `item_by_handle(obj, key, value)`: set, test, read and delete with a key handle.
    #[hpy_core::function]
    fn item_by_handle<'c>(
        obj: &Handle<'c>,
        key: &Handle<'c>,
        value: &Handle<'c>,
    ) -> Result<(bool, Handle<'c>, bool)> {
        obj.set_item(key, value)?;
        let has = obj.contains(key)?;
        let got = obj.get_item(key)?;
        obj.del_item(key)?;
        Ok((has, got, obj.contains(key)?))
    }

    // guide:begin items
    /// `items(seq, d)`: items by index (negative counts from the end), by `&str` key and by
    /// handle; set, delete, `in`.
    #[hpy_core::function]
    fn items<'c>(seq: &Handle<'c>, d: &Handle<'c>) -> Result<(Handle<'c>, Handle<'c>, bool)> {
        let last = seq.get_item(-1)?;
        seq.set_item(0, "first")?;
        seq.del_item(1)?;
        d.set_item("key", &last)?;
        let value = d.get_item("key")?;
        d.del_item("key")?;
        d.set_item(&last, 1)?;
        Ok((last, value, d.contains("key")?))
    }
    // guide:end items

    /// `list_ops(ctx)`: a new list grown with `list_append`.
    #[hpy_core::function]
    fn list_ops<'c>(ctx: Ctx<'c>) -> Result<Handle<'c>> {
        let l = ctx.list()?;
        l.list_append(1)?;
        l.list_append("two")?;
        l.list_append(ctx.none())?;
        Ok(l)
    }

    // guide:begin eval
    /// `evaluate(expr, x)`: compile once, evaluate in a namespace holding `x`.
    #[hpy_core::function]
    fn evaluate<'c>(ctx: Ctx<'c>, expr: &str, x: &Handle<'c>) -> Result<Handle<'c>> {
        let code = ctx.compile(expr, "<evaluate>", SourceKind::Expr)?;
        let globals = ctx.new_globals()?;
        globals.set_item("x", x)?;
        code.eval_code(&globals, None)
    }

    /// `define(source)`: runs statements and returns the namespace they filled.
    #[hpy_core::function]
    fn define<'c>(ctx: Ctx<'c>, source: &str) -> Result<Handle<'c>> {
        let ns = ctx.new_globals()?;
        ctx.run(source, &ns)?;
        Ok(ns)
    }
    // guide:end eval

    /// `eval_simple(expr)`: `ctx.eval` in a fresh namespace.
    #[hpy_core::function]
    fn eval_simple<'c>(ctx: Ctx<'c>, expr: &str) -> Result<Handle<'c>> {
        ctx.eval(expr, None)
    }

    /// `eval_with_locals(expr, globals, locals)`.
    #[hpy_core::function]
    fn eval_with_locals<'c>(
        ctx: Ctx<'c>,
        expr: &str,
        globals: &Handle<'c>,
        locals: &Handle<'c>,
    ) -> Result<Handle<'c>> {
        ctx.compile(expr, "<expr>", SourceKind::Expr)?
            .eval_code(globals, Some(locals))
    }

    /// `run_single(source)`: `SourceKind::Single` (the interactive prompt).
    #[hpy_core::function]
    fn run_single<'c>(ctx: Ctx<'c>, source: &str) -> Result<Handle<'c>> {
        let ns = ctx.new_globals()?;
        ctx.compile(source, "<stdin>", SourceKind::Single)?
            .eval_code(&ns, None)?;
        Ok(ns)
    }

    // =========================================================================================
    // Errors (guide/errors.md)

    // guide:begin raise
    /// `check_positive(x)`: raise a built-in exception from Rust.
    #[hpy_core::function]
    fn check_positive(x: f64) -> Result<f64> {
        if x <= 0.0 {
            return Err(Error::value_error(format!("{x} is not positive")));
        }
        Ok(x)
    }

    /// `raise_objects_error(msg)`: raise the module's own exception type (a `static` the
    /// context-free `Error` can name).
    #[hpy_core::function]
    fn raise_objects_error(msg: String) -> Result<()> {
        Err(Error::from_static(&OBJECTS_ERROR, msg))
    }
    // guide:end raise

    // guide:begin raise_handle
    /// `raise_with(ty, msg)`: raise an exception type held as a handle.
    #[hpy_core::function]
    fn raise_with<'c>(ctx: Ctx<'c>, ty: &Handle<'c>, msg: &str) -> Result<()> {
        Err(Error::raise(ctx, ty, msg))
    }
    // guide:end raise_handle

    // guide:begin lookup_or_none
    /// `lookup_or_none(d, key)`: recover from one exception type, pass the others on.
    #[hpy_core::function]
    fn lookup_or_none<'c>(
        ctx: Ctx<'c>,
        d: &Handle<'c>,
        key: &Handle<'c>,
    ) -> Result<Option<Handle<'c>>> {
        match d.get_item(key) {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.matches(ctx, Builtin::KeyError) => {
                e.discard(ctx);
                Ok(None)
            }
            Err(e) => Err(e), // anything else reaches Python unchanged, traceback included
        }
    }
    // guide:end lookup_or_none

    /// `pass_through(f)`: calls `f()`; its exception reaches Python unchanged.
    #[hpy_core::function]
    fn pass_through<'c>(f: &Handle<'c>) -> Result<Handle<'c>> {
        f.call(())
    }

    /// `error_matches(f)`: which built-in types the exception of `f()` matches (works on a
    /// pending exception in both modes).
    #[hpy_core::function]
    fn error_matches<'c>(ctx: Ctx<'c>, f: &Handle<'c>) -> Result<Vec<&'static str>> {
        match f.call(()) {
            Ok(_) => Ok(Vec::new()),
            Err(e) => {
                let names = Builtin::ALL
                    .iter()
                    .filter(|&&b| e.matches(ctx, b))
                    .map(|b| b.name())
                    .collect();
                e.discard(ctx);
                Ok(names)
            }
        }
    }

    /// `error_is_instance(f, ty)`: `Error::is_instance_of` with a class or a tuple.
    #[hpy_core::function]
    fn error_is_instance<'c>(
        ctx: Ctx<'c>,
        f: &Handle<'c>,
        ty: &Handle<'c>,
    ) -> Result<Option<bool>> {
        match f.call(()) {
            Ok(_) => Ok(None),
            Err(e) => {
                let r = e.is_instance_of(ctx, ty);
                e.discard(ctx);
                Ok(Some(r))
            }
        }
    }

    /// `rust_error_is_instance(ty)`: `is_instance_of` on errors made in Rust.
    #[hpy_core::function]
    fn rust_error_is_instance<'c>(ctx: Ctx<'c>, ty: &Handle<'c>) -> (bool, bool, bool) {
        (
            Error::key_error("k").is_instance_of(ctx, ty),
            Error::from_static(&OBJECTS_ERROR, "x").is_instance_of(ctx, ty),
            Error::overflow_error("o").is_instance_of(ctx, ty),
        )
    }

    // guide:begin call_catch
    /// `catch(f, *args)`: the exception of a call as an object, in both modes.
    #[hpy_core::function(signature = (f, *args))]
    fn catch<'c>(f: &Handle<'c>, args: Vec<Handle<'c>>) -> Result<(bool, Handle<'c>)> {
        Ok(match f.call_catch(&args, ())? {
            Ok(value) => (true, value),
            Err(exception) => (false, exception),
        })
    }
    // guide:end call_catch

    /// `catch_and_reraise(f)`: catch an exception as an object, then raise it again: the
    /// original traceback is kept.
    #[hpy_core::function]
    fn catch_and_reraise<'c>(ctx: Ctx<'c>, f: &Handle<'c>) -> Result<Handle<'c>> {
        match f.call_catch((), ())? {
            Ok(v) => Ok(v),
            Err(exc) => Err(Error::from_value(ctx, &exc)),
        }
    }

    // guide:begin fetch
    /// `fetch_error(f)`: a pending exception as an object (`None` when the runtime cannot
    /// fetch it: universal mode; the exception is then cleared).
    #[hpy_core::function]
    fn fetch_error<'c>(ctx: Ctx<'c>, f: &Handle<'c>) -> Result<Option<Handle<'c>>> {
        let Err(e) = f.call(()) else {
            return Ok(None);
        };
        match e.fetch(ctx) {
            Ok(exception) => Ok(Some(exception)),
            Err(still_pending) => {
                still_pending.discard(ctx);
                Ok(None)
            }
        }
    }
    // guide:end fetch

    /// `fetch_rust_error()`: an error made in Rust fetched as an object (both modes).
    #[hpy_core::function]
    fn fetch_rust_error<'c>(ctx: Ctx<'c>) -> Result<Handle<'c>> {
        let e = Error::index_error("out of range").with_cause(Error::value_error("inner"));
        e.fetch(ctx)
    }

    // guide:begin with_cause
    /// `wrap(f)`: `raise RuntimeError(...) from <what f raised>`.
    #[hpy_core::function]
    fn wrap<'c>(f: &Handle<'c>) -> Result<Handle<'c>> {
        f.call(())
            .map_err(|e| Error::runtime_error("calling f failed").with_cause(e))
    }

    /// `chained()`: both errors made in Rust.
    #[hpy_core::function]
    fn chained() -> Result<()> {
        let inner = Error::value_error("bad digit");
        Err(Error::runtime_error("cannot parse the configuration").with_cause(inner))
    }
    // guide:end with_cause

    /// `pending_with_cause(f)`: a cause attached to a pending exception (CPython-ABI mode
    /// only; ignored in universal mode).
    #[hpy_core::function]
    fn pending_with_cause<'c>(f: &Handle<'c>) -> Result<Handle<'c>> {
        f.call(())
            .map_err(|e| e.with_cause(Error::value_error("added cause")))
    }

    /// `describe_error(f)`: `Error::describe` on the exception of `f()`, which stays
    /// pending, then `Display` and `Debug` of errors made in Rust.
    #[hpy_core::function]
    fn describe_error<'c>(ctx: Ctx<'c>, f: &Handle<'c>) -> Result<(String, String, String)> {
        let pending = match f.call(()) {
            Ok(_) => "no error".to_owned(),
            Err(e) => {
                let text = e.describe(ctx);
                assert!(Error::occurred(ctx), "describe keeps the exception pending");
                e.discard(ctx);
                text
            }
        };
        let rust = Error::key_error("'missing'").with_cause(Error::value_error("inner"));
        Ok((pending, rust.to_string(), format!("{rust:?}")))
    }

    // guide:begin warn
    /// `deprecated(x)`: emit a `DeprecationWarning`; an error if the filters turn it into one.
    #[hpy_core::function]
    fn deprecated(ctx: Ctx<'_>, x: i64) -> Result<i64> {
        ctx.warn(Builtin::DeprecationWarning, "deprecated() is deprecated", 1)?;
        Ok(x)
    }
    // guide:end warn

    /// `warn_with(category, msg)`.
    #[hpy_core::function]
    fn warn_with<'c>(ctx: Ctx<'c>, category: &Handle<'c>, msg: &str) -> Result<()> {
        ctx.warn_with(category, msg, 1)
    }

    /// `unraisable(obj)`: report an error that has nowhere to go.
    #[hpy_core::function]
    fn unraisable<'c>(ctx: Ctx<'c>, obj: &Handle<'c>) {
        Error::runtime_error("lost in a destructor").write_unraisable(ctx, Some(obj));
    }

    /// `errno_error(errno, path)`: `OSError` from `errno`, with a file name.
    #[hpy_core::function]
    fn errno_error(ctx: Ctx<'_>, errno: i32, path: &str) -> Result<()> {
        // SAFETY: glibc's per-thread errno.
        unsafe { *__errno_location() = errno };
        Err(Error::from_errno(ctx, Builtin::OSError, Some(path)))
    }

    /// `errno_error2(errno, a, b)`: the same with two file names.
    #[hpy_core::function]
    fn errno_error2<'c>(ctx: Ctx<'c>, errno: i32, a: &Handle<'c>, b: &Handle<'c>) -> Result<()> {
        // SAFETY: glibc's per-thread errno.
        unsafe { *__errno_location() = errno };
        Err(Error::from_errno_with_filenames(
            ctx,
            Builtin::OSError,
            Some(a),
            Some(b),
        ))
    }

    /// `no_memory()`: `MemoryError`.
    #[hpy_core::function]
    fn no_memory(ctx: Ctx<'_>) -> Result<()> {
        Err(Error::no_memory(ctx))
    }

    /// `raise_value(exc)`: raise an exception instance or class.
    #[hpy_core::function]
    fn raise_value<'c>(ctx: Ctx<'c>, exc: &Handle<'c>) -> Result<()> {
        Err(Error::from_value(ctx, exc))
    }

    /// `fatal(msg)`: `HPy_FatalError`: the process aborts.
    #[hpy_core::function]
    fn fatal(ctx: Ctx<'_>, msg: &str) {
        ctx.fatal_error(msg)
    }

    /// `error_state(f)`: `Error::occurred`/`Error::take` around a failing call.
    #[hpy_core::function]
    fn error_state<'c>(ctx: Ctx<'c>, f: &Handle<'c>) -> (bool, bool, bool) {
        let before = Error::occurred(ctx);
        let r = f.call(());
        let during = Error::occurred(ctx);
        if let Err(e) = r {
            e.discard(ctx);
        }
        (before, during, Error::take(ctx).is_some())
    }

    // =========================================================================================
    // Releasing the interpreter (guide/threads.md)

    // guide:begin allow_threads
    /// `count_primes(n)`: pure Rust work with the interpreter released, so other Python
    /// threads run meanwhile.
    #[hpy_core::function]
    fn count_primes(ctx: Ctx<'_>, n: u64) -> u64 {
        ctx.allow_threads(|| {
            (2..n)
                .filter(|&k| (2..).take_while(|d| d * d <= k).all(|d| k % d != 0))
                .count() as u64
        })
    }

    /// `checksum(data)`: data borrowed from an immutable `bytes` may be used without the
    /// interpreter; handles may not (that does not compile).
    #[hpy_core::function]
    fn checksum(ctx: Ctx<'_>, data: &[u8]) -> u32 {
        ctx.allow_threads(|| {
            data.iter()
                .fold(0u32, |acc, &b| acc.rotate_left(5) ^ u32::from(b))
        })
    }
    // guide:end allow_threads

    /// `panic_without_gil()`: a panic inside `allow_threads` re-enters the interpreter and
    /// becomes `PanicException`.
    #[hpy_core::function]
    fn panic_without_gil(ctx: Ctx<'_>) {
        ctx.allow_threads(|| panic!("panicked without the interpreter"))
    }

    // =========================================================================================
    // The rest of the object API (guide/objects.md)

    // guide:begin arithmetic
    /// `arithmetic(a, b)`: every binary operator, with the other operand a handle or a
    /// Rust value.
    #[hpy_core::function]
    fn arithmetic<'c>(a: &Handle<'c>, b: &Handle<'c>) -> Result<Vec<Handle<'c>>> {
        Ok(vec![
            a.add(b)?,
            a.sub(b)?,
            a.mul(b)?,
            a.true_div(b)?,
            a.floor_div(b)?,
            a.rem(b)?,
            a.divmod(b)?,
            a.pow(b, ())?,
            a.lshift(2)?,
            a.rshift(1)?,
            a.bitand(b)?,
            a.bitor(b)?,
            a.bitxor(b)?,
            a.neg()?,
            a.pos()?,
            a.abs()?,
            a.invert()?,
        ])
    }
    // guide:end arithmetic

    /// `pow_mod(a, b, m)`.
    #[hpy_core::function]
    fn pow_mod<'c>(a: &Handle<'c>, b: &Handle<'c>, m: &Handle<'c>) -> Result<Handle<'c>> {
        a.pow(b, m)
    }

    /// `matmul(a, b)`.
    #[hpy_core::function]
    fn matmul<'c>(a: &Handle<'c>, b: &Handle<'c>) -> Result<(Handle<'c>, Handle<'c>)> {
        Ok((a.matmul(b)?, a.inplace_matmul(b)?))
    }

    /// `inplace(a, b)`: every in-place operator, on `a` (a list's `+=` extends it).
    #[hpy_core::function]
    fn inplace<'c>(op: &str, a: &Handle<'c>, b: &Handle<'c>) -> Result<Handle<'c>> {
        match op {
            "+" => a.inplace_add(b),
            "-" => a.inplace_sub(b),
            "*" => a.inplace_mul(b),
            "/" => a.inplace_true_div(b),
            "//" => a.inplace_floor_div(b),
            "%" => a.inplace_rem(b),
            "**" => a.inplace_pow(b, ()),
            "<<" => a.inplace_lshift(b),
            ">>" => a.inplace_rshift(b),
            "&" => a.inplace_bitand(b),
            "|" => a.inplace_bitor(b),
            "^" => a.inplace_bitxor(b),
            _ => Err(Error::value_error(format!("unknown operator {op}"))),
        }
    }

    /// `number_conversions(x)`: `operator.index`, `int()`, `float()`.
    #[hpy_core::function]
    fn number_conversions<'c>(x: &Handle<'c>) -> Result<(Handle<'c>, Handle<'c>)> {
        Ok((x.to_int()?, x.to_float()?))
    }

    /// `index_of(x)`: `operator.index(x)`.
    #[hpy_core::function]
    fn index_of<'c>(x: &Handle<'c>) -> Result<Handle<'c>> {
        x.index()
    }

    /// `int_readers(x)`: the wrapping masks, the pointer and the float of an int.
    #[hpy_core::function]
    fn int_readers(x: &Handle<'_>) -> Result<(u32, u64, usize, f64)> {
        Ok((
            x.as_u32_mask()?,
            x.as_u64_mask()?,
            x.as_void_ptr()? as usize,
            x.int_to_f64()?,
        ))
    }

    // guide:begin compare
    /// `compare(a, b)`: the six comparisons as bools, `==` as an object, and an ordering.
    #[hpy_core::function]
    fn compare<'c>(a: &Handle<'c>, b: &Handle<'c>) -> Result<(Vec<bool>, Handle<'c>, i8)> {
        let bools = vec![a.lt(b)?, a.le(b)?, a.eq(b)?, a.ne(b)?, a.gt(b)?, a.ge(b)?];
        let eq = a.rich_compare(b, CompareOp::Eq)?;
        let ordering = a.compare(b)? as i8;
        Ok((bools, eq, ordering))
    }
    // guide:end compare

    /// `compare_bool(a, b, op)`.
    #[hpy_core::function]
    fn compare_bool<'c>(a: &Handle<'c>, b: &Handle<'c>, op: &str) -> Result<bool> {
        let op = match op {
            "<" => CompareOp::Lt,
            "<=" => CompareOp::Le,
            "==" => CompareOp::Eq,
            "!=" => CompareOp::Ne,
            ">" => CompareOp::Gt,
            ">=" => CompareOp::Ge,
            _ => return Err(Error::value_error("unknown operator")),
        };
        a.compare_bool(b, op)
    }

    // guide:begin strings
    /// `string_ops(s)`: a borrowed `&str` view, characters, substrings, encodings.
    #[hpy_core::function]
    fn string_ops<'c>(s: &Handle<'c>) -> Result<(usize, char, Handle<'c>, Handle<'c>, Handle<'c>)> {
        let text: &str = s.to_str()?; // no copy: the UTF-8 of the str object
        let chars = text.chars().count();
        let last = s.read_char(chars.saturating_sub(1))?;
        let head = s.substring(0, 3)?;
        let utf8 = s.encode_utf8()?;
        let latin1 = s.encode_latin1()?; // UnicodeEncodeError beyond U+00FF
        Ok((chars, last, head, utf8, latin1))
    }
    // guide:end strings

    /// `str_bytes(s)`: the UTF-8 of a str, borrowed without a check (`to_str_bytes`), copied
    /// into `bytes`.
    #[hpy_core::function]
    fn str_bytes<'c>(ctx: Ctx<'c>, s: &Handle<'c>) -> Result<Handle<'c>> {
        ctx.bytes(s.to_str_bytes()?)
    }

    /// `str_data_of(s)`: how the runtime stores the text (`str_data`): the kind and its units.
    #[hpy_core::function]
    fn str_data_of(s: &Handle<'_>) -> Result<(&'static str, Vec<u32>)> {
        use hpy_core::StrData;
        Ok(match s.str_data()? {
            StrData::Ascii(t) => ("ascii", t.bytes().map(u32::from).collect()),
            StrData::Latin1(b) => ("latin1", b.iter().map(|&c| u32::from(c)).collect()),
            StrData::Ucs2(u) => ("ucs2", u.iter().map(|&c| u32::from(c)).collect()),
            StrData::Ucs4(u) => ("ucs4", u.to_vec()),
            StrData::Utf8(b) => ("utf8", b.iter().map(|&c| u32::from(c)).collect()),
        })
    }

    /// `encode_ascii(s)`.
    #[hpy_core::function]
    fn encode_ascii<'c>(s: &Handle<'c>) -> Result<Handle<'c>> {
        s.encode_ascii()
    }

    /// `decodings(data)`: ASCII (replacing), Latin-1, UTF-8 and file-system decoding.
    #[hpy_core::function]
    fn decodings<'c>(ctx: Ctx<'c>, data: &[u8]) -> Result<Vec<Handle<'c>>> {
        Ok(vec![
            ctx.decode_ascii(data, Some("replace"))?,
            ctx.decode_latin1(data, None)?,
            ctx.decode_utf8(data, Some("replace"))?,
            ctx.decode_fs_default(data)?,
        ])
    }

    /// `decode_with(obj, encoding, errors)`: `str(obj, encoding, errors)`.
    #[hpy_core::function]
    fn decode_with<'c>(
        obj: &Handle<'c>,
        encoding: Option<&str>,
        errors: Option<&str>,
    ) -> Result<Handle<'c>> {
        obj.decode(encoding, errors)
    }

    /// `fs_roundtrip(path)`: `os.fsencode` then `os.fsdecode` (the NUL-terminated variant).
    #[hpy_core::function]
    fn fs_roundtrip<'c>(ctx: Ctx<'c>, path: &Handle<'c>) -> Result<(Handle<'c>, Handle<'c>)> {
        let encoded = path.encode_fs_default()?;
        let decoded = ctx.decode_fs_default_cstr(encoded.as_cstr()?)?;
        Ok((encoded, decoded))
    }

    /// `wide(s)`: a str through `wchar_t` and back.
    #[hpy_core::function]
    fn wide<'c>(ctx: Ctx<'c>, s: &str) -> Result<Handle<'c>> {
        let w: Vec<hpy_core::ffi::wchar_t> = s
            .chars()
            .map(|c| c as u32 as hpy_core::ffi::wchar_t)
            .collect();
        ctx.str_from_wide(&w)
    }

    /// `c_strings()`: strings and bytes from NUL-terminated C strings.
    #[hpy_core::function]
    fn c_strings<'c>(ctx: Ctx<'c>) -> Result<(Handle<'c>, Handle<'c>)> {
        Ok((
            ctx.str_from_cstr(c"h\u{e9}llo")?,
            ctx.bytes_from_cstr(c"raw")?,
        ))
    }

    /// `bytes_info(b)`: `len`, the `CStr` view.
    #[hpy_core::function]
    fn bytes_info(b: &Handle<'_>) -> Result<(usize, String)> {
        Ok((b.bytes_len()?, b.as_cstr()?.to_string_lossy().into_owned()))
    }

    // guide:begin builders
    /// `squares(n)`: a tuple built item by item; a builder is consumed by `build`.
    #[hpy_core::function]
    fn squares<'c>(ctx: Ctx<'c>, n: usize) -> Result<Handle<'c>> {
        let mut t = ctx.tuple_builder(n)?;
        for i in 0..n {
            t.push(i * i)?;
        }
        t.build()
    }
    // guide:end builders

    /// `builder_checks(n)`: random-order `set`, an unset slot (None), and the errors.
    #[hpy_core::function]
    fn builder_checks<'c>(ctx: Ctx<'c>) -> Result<(Handle<'c>, Vec<String>)> {
        let mut errors = Vec::new();
        let mut l = ctx.list_builder(4)?;
        l.set(2, "two")?;
        l.set(0, "zero")?;
        l.push("one")?; // the first free slot: 1
        for r in [l.set(2, "again"), l.set(9, "far")] {
            if let Err(e) = r {
                errors.push(e.to_string());
            }
        }
        let list = l.build()?; // slot 3 was never set: None
        let mut t = ctx.tuple_builder(1)?;
        t.push(1)?;
        if let Err(e) = t.push(2) {
            errors.push(e.to_string());
        }
        t.cancel();
        let empty = ctx.tuple_builder(0)?;
        assert!(empty.is_empty());
        drop(empty); // dropping cancels
        let mut unused = ctx.list_builder(2)?;
        unused.push("dropped with the builder")?;
        assert_eq!(unused.len(), 2);
        unused.cancel();
        Ok((list, errors))
    }

    // guide:begin sets
    /// `unique_sorted(items)`: sets convert from any iterable and back into `set`.
    #[hpy_core::function]
    fn unique_sorted(items: BTreeSet<i64>) -> (Vec<i64>, HashSet<i64>) {
        let v: Vec<i64> = items.iter().copied().collect();
        (v, items.into_iter().collect())
    }
    // guide:end sets

    /// `make_sets(ctx)`: `set` and `frozenset` from Rust values.
    #[hpy_core::function]
    fn make_sets<'c>(ctx: Ctx<'c>) -> Result<(Handle<'c>, Handle<'c>)> {
        Ok((ctx.set([1, 2, 2, 3])?, ctx.frozenset(["a", "b"])?))
    }

    // guide:begin slices
    /// `slice_info(s, length)`: `slice.indices(length)` plus the item count.
    #[hpy_core::function]
    fn slice_info(s: &Handle<'_>, length: usize) -> Result<(Unpacked, Indices)> {
        Ok((s.slice_unpack()?, s.slice_indices(length)?))
    }

    /// `make_slice(start, stop, step)`.
    #[hpy_core::function]
    fn make_slice<'c>(
        ctx: Ctx<'c>,
        start: Option<isize>,
        stop: Option<isize>,
        step: Option<isize>,
    ) -> Result<Handle<'c>> {
        ctx.slice(start, stop, step)
    }
    // guide:end slices

    // guide:begin capsules
    /// `make_capsule(value, label)`: a Rust value in a capsule; the capsule's destructor
    /// drops it.
    #[hpy_core::function]
    fn make_capsule<'c>(ctx: Ctx<'c>, value: i64, label: String) -> Result<Handle<'c>> {
        ctx.capsule(c"objects.Tracked", Tracked { value, label })
    }

    /// `capsule_value(capsule)`: borrow it back (checks the name and the Rust type).
    #[hpy_core::function]
    fn capsule_value(capsule: &Handle<'_>) -> Result<(i64, String)> {
        let t: &Tracked = capsule.capsule_get(c"objects.Tracked")?;
        Ok((t.value, t.label.clone()))
    }
    // guide:end capsules

    /// `capsule_as_wrong_type(capsule)`: asking for another type is a `TypeError`.
    #[hpy_core::function]
    fn capsule_as_wrong_type(capsule: &Handle<'_>) -> Result<String> {
        capsule.capsule_get::<String>(c"objects.Tracked").cloned()
    }

    /// `capsule_with_name(capsule, name)`: the name must match.
    #[hpy_core::function]
    fn capsule_with_name(capsule: &Handle<'_>, name: &str) -> Result<i64> {
        let name = std::ffi::CString::new(name)?;
        Ok(capsule.capsule_get::<Tracked>(&name)?.value)
    }

    /// `capsule_meta(capsule)`: name, validity checks, context.
    #[hpy_core::function]
    fn capsule_meta(capsule: &Handle<'_>) -> Result<(Option<String>, bool, bool, bool)> {
        Ok((
            capsule.capsule_name()?,
            capsule.capsule_is_valid(Some(c"objects.Tracked")),
            capsule.capsule_is_valid(Some(c"other")),
            capsule.capsule_context()?.is_null(),
        ))
    }

    /// `raw_capsule(value)`: a raw pointer capsule with a destructor of our own.
    #[hpy_core::function]
    fn raw_capsule<'c>(ctx: Ctx<'c>, value: u64) -> Result<Handle<'c>> {
        let p = Box::into_raw(Box::new(value));
        // SAFETY: the capsule publishes a `u64` under this name, freed by `FreeBoxedU64`.
        let cap = match unsafe { ctx.capsule_raw(p.cast(), Some(c"objects.u64")) } {
            Ok(c) => c,
            Err(e) => {
                // SAFETY: the capsule was not made; the box is still ours.
                drop(unsafe { Box::from_raw(p) });
                return Err(e);
            }
        };
        // SAFETY: the destructor matches the pointer; the context is not used by it.
        unsafe {
            cap.capsule_set_destructor::<FreeBoxedU64>()?;
            cap.capsule_set_context(core::ptr::dangling_mut::<u8>().cast())?;
        }
        Ok(cap)
    }

    /// `raw_capsule_value(capsule)`: read a raw capsule's pointer.
    #[hpy_core::function]
    fn raw_capsule_value(capsule: &Handle<'_>) -> Result<u64> {
        let p = capsule.capsule_pointer(Some(c"objects.u64"))?;
        // SAFETY: a capsule named "objects.u64" holds a boxed `u64` (see `raw_capsule`).
        Ok(unsafe { *p.cast::<u64>() })
    }

    /// `rename_raw_capsule(capsule)`: rename it and swap in a new pointer (freeing the old
    /// one ourselves).
    #[hpy_core::function]
    fn rename_raw_capsule(capsule: &Handle<'_>, value: u64) -> Result<Option<String>> {
        let old = capsule.capsule_pointer(Some(c"objects.u64"))?;
        let new = Box::into_raw(Box::new(value));
        // SAFETY: same kind of pointer, same destructor; the old box is freed once.
        unsafe {
            capsule.capsule_set_pointer(new.cast())?;
            drop(Box::from_raw(old.cast::<u64>()));
            capsule.capsule_set_name(Some(c"objects.u64.renamed"))?;
            capsule.capsule_set_name(Some(c"objects.u64"))?;
        }
        capsule.capsule_name()
    }

    /// `dropped()`: how many capsule values were dropped so far.
    #[hpy_core::function]
    fn dropped() -> usize {
        DROPPED.load(Ordering::SeqCst)
    }

    // guide:begin context_vars
    /// `new_var(name, default)`: a `contextvars.ContextVar`.
    #[hpy_core::function]
    fn new_var<'c>(ctx: Ctx<'c>, name: &str, default: Option<&Handle<'c>>) -> Result<Handle<'c>> {
        ctx.new_context_var(name, default)
    }

    /// `var_get(var, default)`: its value, else `default`, else its own default, else None.
    #[hpy_core::function]
    fn var_get<'c>(var: &Handle<'c>, default: Option<&Handle<'c>>) -> Result<Option<Handle<'c>>> {
        var.context_var_get(default)
    }

    /// `var_set(var, value)`: set it in the current context; returns the reset token.
    #[hpy_core::function]
    fn var_set<'c>(var: &Handle<'c>, value: &Handle<'c>) -> Result<Handle<'c>> {
        var.context_var_set(value)
    }
    // guide:end context_vars

    /// A callable whose instances can switch what a call does (`HPy_SetCallFunction`).
    #[hpy_core::class]
    pub struct Scaler {
        factor: f64,
        calls: u64,
    }

    #[hpy_core::methods]
    impl Scaler {
        #[new]
        fn new(factor: f64) -> Self {
            Scaler { factor, calls: 0 }
        }

        /// The default of every instance: `x * factor`.
        fn __call__(&mut self, x: f64) -> f64 {
            self.calls += 1;
            x * self.factor
        }

        /// Installed by `invert()`: `x / factor`, with an optional offset by keyword.
        #[call_function]
        #[hpy(signature = (x, *, offset = 0.0))]
        fn divide(&mut self, x: f64, offset: f64) -> Result<f64> {
            self.calls += 1;
            if self.factor == 0.0 {
                return Err(Error::zero_division_error(
                    "Scaler: cannot divide by a zero factor",
                ));
            }
            Ok(x / self.factor + offset)
        }

        /// Installed by `describe()`: returns a str naming the call, keeping no state.
        #[call_function]
        fn describe_call(&self, x: &Handle<'_>) -> Result<String> {
            Ok(format!(
                "Scaler({:?}) called with {}",
                self.factor,
                x.repr()?
            ))
        }

        /// From now on this object divides.
        fn invert(slf: hpy_core::Ref<'_, '_, Self>) -> Result<()> {
            slf.set_call_function(Self::DIVIDE)
        }

        /// From now on this object describes its argument.
        fn describe(slf: hpy_core::Ref<'_, '_, Self>) -> Result<()> {
            slf.set_call_function(Self::DESCRIBE_CALL)
        }

        /// How many times it was called (by either call function).
        #[getter]
        fn calls(&self) -> u64 {
            self.calls
        }
    }

    /// `leak_one_handle()`: leaks a handle on purpose, to prove the leak detector watches
    /// this module too.
    #[hpy_core::function]
    fn leak_one_handle(ctx: Ctx<'_>) {
        let _leaked = ctx.str("leaked on purpose").map(Handle::into_raw);
    }
}
