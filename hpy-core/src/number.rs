//! Numbers: every binary, unary and in-place operator of the number protocol, and the
//! low-level `HPyLong_*` readers that the [`FromHandle`](crate::FromHandle) conversions do not
//! cover (masks, pointers).
//!
//! Each operator takes anything that converts ([`IntoHandle`]) as the other operand, so
//! `x.add(1)?`, `x.mul(&y)?` and `x.pow(2, ())?` all work; a handle is lent, not duplicated.

use core::ffi::c_void;

use crate::backend::{self as b, BinaryOp, UnaryOp};
use crate::conv::IntoHandle;
use crate::err::{Error, Result};
use crate::handle::Handle;

macro_rules! binary {
    ($($(#[$doc:meta])* $name:ident => $op:ident, $inplace:ident;)*) => {
        impl<'c> Handle<'c> {
            $(
                $(#[$doc])*
                #[inline]
                pub fn $name<V: IntoHandle<'c>>(&self, other: V) -> Result<Handle<'c>> {
                    self.binary(BinaryOp::$op, other, false)
                }
            )*
        }
        impl<'c> Handle<'c> {
            $(
                #[doc = concat!("The in-place form of [`", stringify!($name), "`](Self::", stringify!($name), "): `self op= other`, which may modify `self` (a list's `+=`) and returns the result.")]
                #[inline]
                pub fn $inplace<V: IntoHandle<'c>>(&self, other: V) -> Result<Handle<'c>> {
                    self.binary(BinaryOp::$op, other, true)
                }
            )*
        }
    };
}

binary! {
    /// `self + other` (`HPy_Add`).
    add => Add, inplace_add;
    /// `self - other` (`HPy_Subtract`).
    sub => Subtract, inplace_sub;
    /// `self * other` (`HPy_Multiply`).
    mul => Multiply, inplace_mul;
    /// `self @ other` (`HPy_MatrixMultiply`).
    matmul => MatrixMultiply, inplace_matmul;
    /// `self // other` (`HPy_FloorDivide`).
    floor_div => FloorDivide, inplace_floor_div;
    /// `self / other` (`HPy_TrueDivide`).
    true_div => TrueDivide, inplace_true_div;
    /// `self % other` (`HPy_Remainder`).
    rem => Remainder, inplace_rem;
    /// `self << other` (`HPy_Lshift`).
    lshift => Lshift, inplace_lshift;
    /// `self >> other` (`HPy_Rshift`).
    rshift => Rshift, inplace_rshift;
    /// `self & other` (`HPy_And`).
    bitand => And, inplace_bitand;
    /// `self ^ other` (`HPy_Xor`).
    bitxor => Xor, inplace_bitxor;
    /// `self | other` (`HPy_Or`).
    bitor => Or, inplace_bitor;
}

macro_rules! unary {
    ($($(#[$doc:meta])* $name:ident => $op:ident;)*) => {
        impl<'c> Handle<'c> {
            $(
                $(#[$doc])*
                #[inline]
                pub fn $name(&self) -> Result<Handle<'c>> {
                    let ctx = self.ctx();
                    // SAFETY: the handle is live; the result is NULL or a new reference.
                    unsafe { ctx.check(b::unary_op(ctx.raw(), UnaryOp::$op, self.as_raw())) }
                }
            )*
        }
    };
}

unary! {
    /// `-self` (`HPy_Negative`).
    neg => Negative;
    /// `+self` (`HPy_Positive`).
    pos => Positive;
    /// `abs(self)` (`HPy_Absolute`).
    abs => Absolute;
    /// `~self` (`HPy_Invert`).
    invert => Invert;
    /// `operator.index(self)` (`HPy_Index`): an int, or `TypeError`.
    index => Index;
    /// `int(self)` (`HPy_Long`).
    to_int => Long;
    /// `float(self)` (`HPy_Float`).
    to_float => Float;
}

impl<'c> Handle<'c> {
    #[inline(always)]
    fn binary<V: IntoHandle<'c>>(
        &self,
        op: BinaryOp,
        other: V,
        inplace: bool,
    ) -> Result<Handle<'c>> {
        let ctx = self.ctx();
        let o = other.__into_arg(ctx)?;
        // SAFETY: both handles are live; the result is NULL or a new reference.
        unsafe {
            ctx.check(if inplace {
                b::inplace_op(ctx.raw(), op, self.as_raw(), o.raw())
            } else {
                b::binary_op(ctx.raw(), op, self.as_raw(), o.raw())
            })
        }
    }

    /// `divmod(self, other)` (`HPy_Divmod`): a `(quotient, remainder)` tuple.
    pub fn divmod<V: IntoHandle<'c>>(&self, other: V) -> Result<Handle<'c>> {
        self.binary(BinaryOp::Divmod, other, false)
    }

    /// `pow(self, exp, modulus)` (`HPy_Power`); pass `()` (None) for no modulus.
    pub fn pow<E: IntoHandle<'c>, M: IntoHandle<'c>>(
        &self,
        exp: E,
        modulus: M,
    ) -> Result<Handle<'c>> {
        self.power(exp, modulus, false)
    }

    /// `self **= exp` (`HPy_InPlacePower`; `()` for no modulus).
    pub fn inplace_pow<E: IntoHandle<'c>, M: IntoHandle<'c>>(
        &self,
        exp: E,
        modulus: M,
    ) -> Result<Handle<'c>> {
        self.power(exp, modulus, true)
    }

    fn power<E: IntoHandle<'c>, M: IntoHandle<'c>>(
        &self,
        exp: E,
        modulus: M,
        inplace: bool,
    ) -> Result<Handle<'c>> {
        let ctx = self.ctx();
        let e = exp.__into_arg(ctx)?;
        let m = modulus.__into_arg(ctx)?;
        // SAFETY: all handles are live; the result is NULL or a new reference.
        unsafe {
            ctx.check(b::power(
                ctx.raw(),
                self.as_raw(),
                e.raw(),
                m.raw(),
                inplace,
            ))
        }
    }

    /// The low 32 bits of an int, wrapping like `x & 0xFFFFFFFF` (`HPyLong_AsUInt32_tMask`).
    pub fn as_u32_mask(&self) -> Result<u32> {
        let c = self.ctx().raw();
        // SAFETY: the handle is live.
        let v = unsafe { b::long_as_u32_mask(c, self.as_raw()) };
        // SAFETY: the context is live.
        if v == u32::MAX && unsafe { b::err_occurred(c) } {
            return Err(Error::pending());
        }
        Ok(v)
    }

    /// The low 64 bits of an int, wrapping (`HPyLong_AsUInt64_tMask`).
    pub fn as_u64_mask(&self) -> Result<u64> {
        let c = self.ctx().raw();
        // SAFETY: the handle is live.
        let v = unsafe { b::long_as_u64_mask(c, self.as_raw()) };
        // SAFETY: the context is live.
        if v == u64::MAX && unsafe { b::err_occurred(c) } {
            return Err(Error::pending());
        }
        Ok(v)
    }

    /// An int as a pointer (`HPyLong_AsVoidPtr`), e.g. an address a Python library hands out.
    /// Reading through it is up to you (and `unsafe`).
    pub fn as_void_ptr(&self) -> Result<*mut c_void> {
        let c = self.ctx().raw();
        // SAFETY: the handle is live.
        let v = unsafe { b::long_as_void_ptr(c, self.as_raw()) };
        // SAFETY: the context is live.
        if v.is_null() && unsafe { b::err_occurred(c) } {
            return Err(Error::pending());
        }
        Ok(v)
    }

    /// An int as the nearest `f64` (`HPyLong_AsDouble`; `OverflowError` beyond `f64`'s range,
    /// `TypeError` for a non-int). `extract::<f64>()` also accepts floats.
    pub fn int_to_f64(&self) -> Result<f64> {
        let c = self.ctx().raw();
        // SAFETY: the handle is live.
        let v = unsafe { b::long_as_f64(c, self.as_raw()) };
        // SAFETY: the context is live.
        if v == -1.0 && unsafe { b::err_occurred(c) } {
            return Err(Error::pending());
        }
        Ok(v)
    }
}
