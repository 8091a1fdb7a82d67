use nn::prelude::*;

network! {
    struct Net<T> {
        input: 4,
        output: Dense<1, Sigmoid>,
    }
}

fn main() {}
