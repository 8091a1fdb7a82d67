use nn::prelude::*;

network! {
    struct Net {
        hidden: Dense<8, Relu>,
        output: Dense<1, Sigmoid>,
    }
}

fn main() {}
