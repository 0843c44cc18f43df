struct Opaque;

#[hpy::module]
mod m {
    #[hpy::function]
    fn takes_opaque(x: super::Opaque) {
        let _ = x;
    }

    #[hpy::function]
    fn returns_opaque() -> super::Opaque {
        super::Opaque
    }
}

fn main() {}
