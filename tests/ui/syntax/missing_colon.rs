use nn::prelude::*;

network! {
    struct Net {
        input: 4,
        hidden Dense<8, Relu>,
        output: Dense<1, Sigmoid>,
    }
}

fn main() {}
