#[hpy::module]
mod m {
    use hpy::{Ctx, Result};

    /// The length of a greeting, read through a borrowed view of the string.
    #[hpy::function]
    fn greeting_len<'c>(ctx: Ctx<'c>, name: &str) -> Result<usize> {
        let greeting = ctx.str(&format!("Hello, {name}!"))?;
        let view: &str = greeting.to_str()?;
        drop(greeting);
        Ok(view.len())
    }
}

fn main() {}
