// A `&T` parameter whose `T` is a plain struct (forgotten `#[class]`): one error each, at the
// type, for `&T`, `&mut T` and `Option<&T>`.
#[hpy::module]
mod m {
    pub struct Account {
        pub balance: i64,
    }

    #[hpy::function]
    fn balance(account: &Account) -> i64 {
        account.balance
    }

    #[hpy::function]
    fn deposit(account: &mut Account, amount: i64) {
        account.balance += amount;
    }

    #[hpy::function]
    fn maybe(account: Option<&Account>) -> i64 {
        account.map_or(0, |a| a.balance)
    }
}

fn main() {}
