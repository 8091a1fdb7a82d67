use nn::prelude::*;

network! {
    enum Net {
        input: 4,
        output: Dense<1, Sigmoid>,
    }
}

fn main() {}
