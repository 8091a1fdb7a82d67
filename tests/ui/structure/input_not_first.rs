use nn::prelude::*;

network! {
    struct Net {
        hidden: Dense<8, Relu>,
        input: 4,
        output: Dense<1, Sigmoid>,
    }
}

fn main() {}
