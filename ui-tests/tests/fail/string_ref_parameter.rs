#[hpy::module]
mod m {
    #[hpy::function]
    fn shout(text: &String, times: &Vec<i64>) -> String {
        text.repeat(times.len())
    }
}

fn main() {}
