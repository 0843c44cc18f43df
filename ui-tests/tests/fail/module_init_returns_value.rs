// A `#[module_init]` that returns an object: reported at its return type.
#[hpy::module]
mod m {
    use hpy::{Ctx, Handle, Result};

    #[hpy::module_init]
    fn init<'c>(ctx: Ctx<'c>, module: &Handle<'c>) -> Result<Handle<'c>> {
        module.setattr("ABSOLUTE_ZERO", -273.15)?;
        Ok(ctx.none())
    }
}

fn main() {}
