use nn::prelude::*;

network! {
    struct Logistic {
        input: 2,
        output: Dense<1, Sigmoid>,
    }
}

static NET: Logistic = Logistic::from_array(&[0.5, -0.5]);

fn main() {
    let _ = &NET;
}
