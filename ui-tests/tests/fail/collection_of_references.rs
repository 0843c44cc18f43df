#[hpy::module]
mod m {
    use hpy::{Handle, Result};
    use std::collections::HashMap;

    #[hpy::function]
    fn count<'c>(items: Vec<&Handle<'c>>) -> usize {
        items.len()
    }

    #[hpy::function]
    fn names(table: HashMap<&str, i64>) -> usize {
        table.len()
    }

    #[hpy::function]
    fn pairs(items: Option<Vec<(i64, &str)>>) -> Result<usize> {
        Ok(items.map_or(0, |v| v.len()))
    }
}

fn main() {}
