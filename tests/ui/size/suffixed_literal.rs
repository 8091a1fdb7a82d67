use nn::prelude::*;

network! {
    struct Net {
        input: 2u8,
        output: Dense<300u8, Sigmoid>,
    }
}

fn main() {}
