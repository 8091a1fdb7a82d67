use nn::prelude::*;

const HIDDEN: usize = 16;

network! {
    struct Net {
        input: 4,
        hidden: Dense<HIDDEN, Relu>,
        output: Dense<1, Sigmoid>,
    }
}

fn main() {}
