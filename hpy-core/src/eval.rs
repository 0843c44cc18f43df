//! Running Python source ([`Ctx::compile`], [`Handle::eval_code`], [`Ctx::eval`],
//! [`Ctx::run`]), context variables ([`Ctx::new_context_var`]) and catching an exception as
//! a value ([`Handle::call_catch`]).

use crate::backend as b;
use crate::call::{IntoArgs, IntoKwargs};
use crate::conv::IntoHandle;
use crate::err::{Error, Result};
use crate::ffi::HPy;
use crate::handle::{Ctx, Handle};
use crate::object::with_cstr;
use crate::types::SourceKind;

impl<'c> Ctx<'c> {
    /// Compiles Python source into a code object (`HPy_Compile_s`); `filename` appears in
    /// tracebacks. `SyntaxError` for invalid source.
    ///
    /// ```
    /// # fn demo<'c>(ctx: hpy_core::Ctx<'c>) -> hpy_core::Result<()> {
    /// use hpy_core::SourceKind;
    /// let code = ctx.compile("x * 2", "<expr>", SourceKind::Expr)?;
    /// let globals = ctx.dict()?;
    /// globals.set_item("x", 21)?;
    /// let answer: i64 = code.eval_code(&globals, None)?.extract()?;
    /// # Ok(()) }
    /// ```
    pub fn compile(self, source: &str, filename: &str, kind: SourceKind) -> Result<Handle<'c>> {
        with_cstr(source, |src| {
            with_cstr(filename, |file| {
                // SAFETY: both strings are NUL-terminated; the result is NULL or a new
                // reference.
                unsafe { self.check(b::compile_s(self.raw(), src, file, kind.raw())) }
            })
        })??
    }

    /// A new `globals` dict for running code: empty but for `__builtins__`.
    pub fn new_globals(self) -> Result<Handle<'c>> {
        let g = self.dict()?;
        g.set_item("__builtins__", self.builtins()?)?;
        Ok(g)
    }

    /// Evaluates one expression: `eval(source, globals)` (`HPy_Compile_s` + `HPy_EvalCode`).
    /// With `globals` `None`, a fresh namespace that sees only the builtins.
    pub fn eval(self, source: &str, globals: Option<&Handle<'c>>) -> Result<Handle<'c>> {
        let code = self.compile(source, "<string>", SourceKind::Expr)?;
        match globals {
            Some(g) => code.eval_code(g, None),
            None => code.eval_code(&self.new_globals()?, None),
        }
    }

    /// Runs statements: `exec(source, globals)`. Definitions land in `globals`.
    ///
    /// ```
    /// # fn demo<'c>(ctx: hpy_core::Ctx<'c>) -> hpy_core::Result<()> {
    /// let ns = ctx.new_globals()?;
    /// ctx.run("def double(x):\n    return 2 * x\n", &ns)?;
    /// let four: i64 = ns.get_item("double")?.call((2,))?.extract()?;
    /// # Ok(()) }
    /// ```
    pub fn run(self, source: &str, globals: &Handle<'c>) -> Result<()> {
        let code = self.compile(source, "<string>", SourceKind::File)?;
        code.eval_code(globals, None).map(drop)
    }

    /// A new `contextvars.ContextVar` named `name`, with an optional default
    /// (`HPyContextVar_New`).
    pub fn new_context_var(self, name: &str, default: Option<&Handle<'c>>) -> Result<Handle<'c>> {
        let d = default.map_or(HPy::NULL, Handle::as_raw);
        with_cstr(name, |n| {
            // SAFETY: `n` is NUL-terminated; `d` is live or NULL; the result is NULL or a new
            // reference.
            unsafe { self.check(b::context_var_new(self.raw(), n, d)) }
        })?
    }
}

impl<'c> Handle<'c> {
    /// Runs a code object (from [`Ctx::compile`]) in `globals` (a dict) and `locals` (any
    /// mapping; `None` to use `globals`): `HPy_EvalCode`.
    pub fn eval_code(
        &self,
        globals: &Handle<'c>,
        locals: Option<&Handle<'c>>,
    ) -> Result<Handle<'c>> {
        if !globals.is_dict() {
            return Err(Error::type_error(format!(
                "globals must be a dict, not {}",
                globals.type_name()
            )));
        }
        let ctx = self.ctx();
        let l = locals.map_or(HPy::NULL, Handle::as_raw);
        // SAFETY: the handles are live (or NULL); the result is NULL or a new reference.
        unsafe { ctx.check(b::eval_code(ctx.raw(), self.as_raw(), globals.as_raw(), l)) }
    }

    /// For a `ContextVar`: its value in the current context, else `default`, else the
    /// variable's own default; `Ok(None)` when there is none of them (`HPyContextVar_Get`).
    pub fn context_var_get(&self, default: Option<&Handle<'c>>) -> Result<Option<Handle<'c>>> {
        let ctx = self.ctx();
        let d = default.map_or(HPy::NULL, Handle::as_raw);
        let mut out = HPy::NULL;
        // SAFETY: the handles are live (or NULL).
        let rc = unsafe { b::context_var_get(ctx.raw(), self.as_raw(), d, &mut out) };
        if rc < 0 {
            return Err(Error::pending());
        }
        // SAFETY: on success `out` is NULL or a new reference.
        Ok((!out.is_null()).then(|| unsafe { ctx.handle_from_raw(out) }))
    }

    /// For a `ContextVar`: sets its value in the current context and returns the token that
    /// `var.reset(token)` takes (`HPyContextVar_Set`).
    pub fn context_var_set<V: IntoHandle<'c>>(&self, value: V) -> Result<Handle<'c>> {
        let ctx = self.ctx();
        let v = value.__into_arg(ctx)?;
        // SAFETY: both handles are live; the result is NULL or a new reference.
        unsafe { ctx.check(b::context_var_set(ctx.raw(), self.as_raw(), v.raw())) }
    }

    /// `self(*args, **kwargs)`, catching any exception *as an object*: `Ok(Ok(result))`,
    /// `Ok(Err(exception))` when the call raised (the exception is no longer pending; it
    /// carries its `__traceback__`; raise it again with [`Error::from_value`]), or `Err` if
    /// the call could not be made at all.
    ///
    /// This is how universal mode gets hold of an exception object (HPy 0.9 cannot fetch a
    /// pending one): the call goes through a small Python function, compiled once per
    /// interpreter, that does `try: return f(*args, **kwargs) except BaseException as e`. In
    /// CPython-ABI mode the call is made directly and the exception fetched.
    ///
    /// ```
    /// # fn demo<'c>(ctx: hpy_core::Ctx<'c>) -> hpy_core::Result<String> {
    /// let int = ctx.builtin("int")?;
    /// match int.call_catch(("not a number",), ())? {
    ///     Ok(v) => v.repr(),
    ///     Err(exc) => exc.str(), // "invalid literal for int() with base 10: ..."
    /// }
    /// # }
    /// ```
    pub fn call_catch<A: IntoArgs<'c>, K: IntoKwargs<'c>>(
        &self,
        args: A,
        kwargs: K,
    ) -> Result<core::result::Result<Handle<'c>, Handle<'c>>> {
        let ctx = self.ctx();
        if b::CAN_FETCH {
            return match self.call_kw(args, kwargs) {
                Ok(v) => Ok(Ok(v)),
                Err(e) => e.fetch(ctx).map(Err),
            };
        }
        let helper = python_helper(ctx, "call_catch")?;
        let result = crate::call::call_with_first(&helper, self, args, kwargs)?;
        let ok: bool = result.get_item(0)?.extract()?;
        let value = result.get_item(1)?;
        Ok(if ok { Ok(value) } else { Err(value) })
    }
}

/// The Python helpers, compiled once per interpreter. They are kept in a dict stored as an
/// attribute of hpy-core's `PanicException` class (which every module of the binary already
/// keeps in an `HPyGlobal`), so no further global is needed.
const HELPERS: &str = r#"
def call_catch(f, /, *args, **kwargs):
    try:
        return True, f(*args, **kwargs)
    except BaseException as e:
        return False, e

def reraise(e):
    raise e

from struct import pack as _pack, error as struct_error

def floats_to_bytes(seq):
    return _pack('%dd' % len(seq), *seq)

from array import array as _array

def floats_from_bytes(b):
    return _array('d', b).tolist()
"#;

/// A list or tuple of floats as `Vec<f64>` in one call (universal mode's fast path, see
/// `conv::extract_f64_vec`): `Ok(None)` when an item does not convert (`struct.error`,
/// cleared).
pub(crate) fn floats_via_struct(seq: &Handle<'_>) -> Result<Option<Vec<f64>>> {
    let ctx = seq.ctx();
    let helper = python_helper(ctx, "floats_to_bytes")?;
    // Loaded before the call: nothing may run while its exception is pending.
    let struct_error = python_helper(ctx, "struct_error")?;
    match helper.call((seq,)) {
        Ok(bytes) => {
            let data = bytes.as_bytes()?;
            Ok(Some(
                data.chunks_exact(size_of::<f64>())
                    .map(|b| f64::from_ne_bytes(b.try_into().expect("8 bytes")))
                    .collect(),
            ))
        }
        Err(e) if e.is_instance_of(ctx, &struct_error) => {
            e.discard(ctx);
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// A list of the floats whose native bytes are `bytes` (a multiple of 8 long), in one call
/// (universal mode's fast path, see `conv::f64_list`).
pub(crate) fn floats_from_bytes<'c>(ctx: Ctx<'c>, bytes: &[u8]) -> Result<Handle<'c>> {
    debug_assert_eq!(bytes.len() % size_of::<f64>(), 0);
    let helper = python_helper(ctx, "floats_from_bytes")?;
    helper.call((ctx.bytes(bytes)?,))
}

/// The helper `name` (see [`HELPERS`]).
pub(crate) fn python_helper<'c>(ctx: Ctx<'c>, name: &str) -> Result<Handle<'c>> {
    let holder = crate::impl_::panic_exception_type(ctx)?;
    let ns = match holder.getattr_opt(c"_hpy_core_helpers")? {
        Some(ns) => ns,
        None => {
            let ns = ctx.new_globals()?;
            let code = ctx.compile(HELPERS, "<hpy_core helpers>", SourceKind::File)?;
            code.eval_code(&ns, None)?;
            holder.setattr(c"_hpy_core_helpers", &ns)?;
            ns
        }
    };
    ns.get_item(name)
}
