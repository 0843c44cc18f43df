//! Leaving the interpreter while pure Rust code runs: [`Ctx::allow_threads`].

use crate::backend as b;
use crate::handle::Ctx;

/// Re-enters the interpreter when dropped, including while a panic unwinds out of the
/// closure (the panic then reaches the function's guard with the lock held again).
struct Reenter<'c> {
    ctx: Ctx<'c>,
    state: Option<b::ThreadState>,
}

impl Drop for Reenter<'_> {
    fn drop(&mut self) {
        if let Some(state) = self.state.take() {
            // SAFETY: `state` came from `leave_python` on this thread with this context.
            unsafe { b::reenter_python(self.ctx.raw(), state) }
        }
    }
}

impl<'c> Ctx<'c> {
    /// Runs `f` with the interpreter released (`HPy_LeavePythonExecution` /
    /// `HPy_ReenterPythonExecution`; the GIL on CPython), so that other Python threads run
    /// meanwhile. Use it around long pure-Rust work: hashing, compression, number crunching,
    /// blocking I/O.
    ///
    /// ```
    /// # fn demo<'c>(ctx: hpy_core::Ctx<'c>, data: &hpy_core::Handle<'c>) -> hpy_core::Result<u64> {
    /// let bytes: &[u8] = data.as_bytes()?; // borrowed from an immutable `bytes` object
    /// let sum = ctx.allow_threads(|| bytes.iter().map(|&b| u64::from(b)).sum::<u64>());
    /// # Ok(sum) }
    /// ```
    ///
    /// # Why `F: Send` is enough
    ///
    /// Touching Python without the interpreter lock is undefined behaviour, so `f` must not
    /// be able to reach any handle. [`Ctx`] and [`Handle`](crate::Handle) are neither `Send`
    /// nor `Sync` (they hold a `PhantomData` of a raw pointer), so a `Send` closure can capture neither
    /// them nor references to them (`&Handle: Send` would need `Handle: Sync`), nor anything
    /// that contains one. Nothing else gives access to the interpreter: making a `Ctx` is
    /// `unsafe`, and handles cannot be stored in `static`s or thread-locals (they borrow the
    /// call). What `f` *can* capture is plain Rust data, including data borrowed from Python
    /// objects that cannot change while they are alive (a `&str` of a `str`, a `&[u8]` of a
    /// `bytes`); this crate hands out no borrowed view of a mutable object.
    ///
    /// A panic in `f` re-enters the interpreter first, then continues to unwind.
    ///
    /// Under PyPy's HPy debug mode (7.3.19) `f` runs *without* releasing the interpreter: that
    /// mode's leave/re-enter functions are not thread-safe (they abort the process when
    /// another thread uses the context meanwhile). CPython's debug mode is not affected.
    pub fn allow_threads<T, F: FnOnce() -> T + Send>(self, f: F) -> T {
        // SAFETY: the context is live.
        if !unsafe { b::can_leave_python(self.raw()) } {
            return f();
        }
        // SAFETY: the interpreter lock is held (we have a live context); `Reenter` takes it
        // back on this thread before anything else can touch Python.
        let _reenter = Reenter {
            ctx: self,
            state: Some(unsafe { b::leave_python(self.raw()) }),
        };
        f()
    }
}
