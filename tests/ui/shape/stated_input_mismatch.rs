use nn::prelude::*;

network! {
    struct Iris {
        input: 4,
        hidden: Dense<16, Relu>,
        output: Dense<8 -> 3, Softmax>,
    }
}

fn main() {}
