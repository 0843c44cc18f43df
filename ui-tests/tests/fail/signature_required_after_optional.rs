#[hpy::module]
mod m {
    #[hpy::function(signature = (sep = ",", items))]
    fn join(sep: &str, items: Vec<String>) -> String {
        items.join(sep)
    }
}

fn main() {}
