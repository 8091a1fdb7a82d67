use nn::prelude::*;

network! {
    struct Net {
        input: 4,
        output: Dense<1, Sigmoid,
    }
}

fn main() {}
