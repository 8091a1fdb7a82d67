use nn::prelude::*;

network! {
    struct Net {
        input: 4,
        hidden: Dense<8, ReLU>,
        output: Dense<1, Sigmiod>,
    }
}

fn main() {}
