//! A module written as a user would, through the renamed dependency, under strict lints.
#![deny(missing_docs, warnings)]
#![forbid(unsafe_code)]

/// The module.
#[hpy::module]
pub mod strict {
    use hpy::{Ctx, Handle, Result};

    /// A constant.
    #[hpy::constant]
    pub const ANSWER: i64 = 42;

    /// Set-up.
    #[hpy::module_init]
    fn init<'c>(ctx: Ctx<'c>, module: &Handle<'c>) -> Result<()> {
        module.setattr("BACKEND", ctx.name())
    }

    /// Every argument kind.
    #[hpy::function(signature = (a, b = 2, /, c = None, *args, d, e = "x", **kwargs))]
    #[allow(clippy::too_many_arguments)]
    pub fn everything<'c>(
        ctx: Ctx<'c>,
        a: i64,
        b: u8,
        c: Option<f64>,
        args: Vec<Handle<'c>>,
        d: &str,
        e: String,
        kwargs: Option<&Handle<'c>>,
    ) -> Result<Handle<'c>> {
        let _ = (a, b, c, args.len(), d, e, kwargs.is_some());
        Ok(ctx.none())
    }

    /// No arguments.
    #[hpy::function]
    pub fn nothing() {}
}

fn main() {}
