use nn::prelude::*;

network! {
    struct Net {
        input: 4,
        hidden: Dense<8, Relu(0.1)>,
        other: Dense<8, LeakyRelu(-0.1)>,
        output: Dense<1, LeakyRelu(slope)>,
    }
}

fn main() {}
