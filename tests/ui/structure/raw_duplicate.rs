use nn::prelude::*;

network! {
    struct Net {
        input: 2,
        layer: Dense<4, Relu>,
        r#layer: Dense<4, Relu>,
        output: Dense<1, Sigmoid>,
    }
}

fn main() {}
