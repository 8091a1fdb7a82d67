//! A `#![no_std]` library that uses `network!` under `#![deny(warnings)]`, with user items that
//! shadow every name generated code could accidentally rely on. It must build for the host and
//! for `thumbv7em-none-eabihf` / `thumbv6m-none-eabi` (CI does both).
#![no_std]
#![deny(warnings, missing_docs, unused_qualifications)]

// Items that shadow prelude and crate names. Generated code must use absolute paths to be
// immune to them.
#[allow(dead_code)]
mod shadows {
    pub struct Result;
    pub struct Option;
    pub struct Vec;
    pub struct Box;
    pub struct Ok;
    pub struct Err;
    pub struct Some;
    pub struct String;
    pub mod core {}
    pub mod nalgebra {}
    pub trait Float {}
    pub trait Network {}
    pub struct Dense;
    pub struct SVector;
    pub struct SMatrix;
    pub type T = u8;
    pub const INPUTS: u8 = 0;
    pub static PARAMS: u8 = 0;
    pub fn forward() {}
}
#[allow(unused_imports)]
use shadows::*;

use nn::network;

/// Even the primitive types the generated code names can be shadowed by user types.
pub mod shadowed_primitives {
    #[allow(dead_code, non_camel_case_types)]
    mod prims {
        pub struct usize;
        pub struct u64;
        pub struct f32;
    }
    #[allow(unused_imports)]
    use prims::*;

    nn::network! {
        /// A network defined where `usize`, `u64` and `f32` name user types.
        pub struct Shadowed {
            input: 2,
            hidden: Dense<3, Relu>,
            output: Dense<1, Sigmoid>,
        }
    }
}

network! {
    /// Logistic regression: no hidden layer.
    #[derive(Clone, Debug)]
    pub struct Logistic {
        input: 2,
        output: Dense<1, Sigmoid>,
    }
}

network! {
    /// A small classifier with every activation the DSL knows.
    #[derive(Clone, Debug, PartialEq)]
    pub struct Everything {
        input: 3,
        /// The first hidden layer.
        a: Dense<8, Relu>,
        b: Dense<8 -> 8, LeakyRelu>,
        c: Dense<6, LeakyRelu(0.2)>,
        d: Dense<6, Tanh>,
        e: Dense<5, Sigmoid>,
        f: Dense<5, Identity>,
        output: Dense<4, Softmax>,
    }
}

/// Weights that live in flash: built at compile time.
pub static LOGISTIC: Logistic = Logistic::from_array(&[1.0, -1.0, 0.5]);

/// An all-zero network in a `static`.
pub static EVERYTHING: Everything = Everything::zeros();

/// Runs both networks once; used so the firmware build keeps the code.
pub fn probe(x: f32) -> f32 {
    let p = LOGISTIC.forward(&nn::SVector::<f32, 2>::new(x, 1.0));
    let q = EVERYTHING.forward(&nn::SVector::<f32, 3>::new(x, 0.0, 1.0));
    p[0] + q[0] + Logistic::PARAMS as f32
}

/// Iris-sized training in `no_std`: backprop, an Adam step, and a mini-batch epoch.
pub fn train_a_little(inputs: &[[f32; 3]], targets: &[[f32; 4]]) -> f32 {
    use nn::prelude::{Adam, CrossEntropy, Dataset, Fit, MiniBatch, Optimizer};
    let mut net = Everything::zeros();
    net.init_random(1);
    let mut adam = Adam::new(0.01);
    let x = nn::SMatrix::<f32, 3, 2>::repeat(0.5);
    let y = nn::SMatrix::<f32, 4, 2>::repeat(0.25);
    let (loss, grads) = net.backprop(&x, &y, &CrossEntropy);
    adam.step(&mut net, &grads);
    if let ::core::result::Result::Ok(data) = Dataset::new(inputs, targets) {
        let _ = Fit::new(1).run(
            &mut net,
            &mut adam,
            &CrossEntropy,
            &data,
            MiniBatch::<4>,
            |_| (),
        );
    }
    loss
}
