use nn::prelude::*;

network! {
    struct Net {
        input: 4,
        hidden: Conv2d<8, Relu>,
        output: Dense<1, Sigmoid>,
    }
}

fn main() {}
