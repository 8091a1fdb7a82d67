use nn::prelude::*;

// Every mistake in a definition is reported in one run, each at its own tokens.
network! {
    struct Net {
        input: 4,
        a: Dense<-3, Relu>,
        b: Dense<8, Rleu>,
        b: Dense<8 -> 6, Tanh>,
        output: Dense<1, Softmax>,
    }
}

fn main() {}
