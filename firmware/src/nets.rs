//! The networks the firmware runs, declared with `network!` as on the host.

use nn::network;

network! {
    /// x -> sin(x), as in `examples/04_sine.rs`: 321 parameters.
    pub struct Sine {
        input: 1,
        hidden1: Dense<16, Tanh>,
        hidden2: Dense<16, Tanh>,
        output: Dense<1, Identity>,
    }
}

network! {
    /// Iris species from 4 measurements, as in `examples/03_iris.rs`: 403 parameters.
    pub struct Iris {
        input: 4,
        hidden1: Dense<16, Relu>,
        hidden2: Dense<16, Relu>,
        output: Dense<3, Softmax>,
    }
}

network! {
    /// XOR, as in `examples/02_xor.rs`: 17 parameters.
    pub struct Xor {
        input: 2,
        hidden: Dense<4, Tanh>,
        output: Dense<1, Sigmoid>,
    }
}

/// The trained sine model, built at compile time: its parameters are in flash, not RAM.
pub static SINE: Sine = Sine::from_array(&crate::data::sine::PARAMS);
