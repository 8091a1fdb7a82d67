//! The RAM bill of training, known at compile time, and locked here so that a layout change is
//! caught.
//!
//! With `T` the scalar (`f32`: 4 bytes, `f64`: 8) and `PARAMS` the number of parameters,
//! `PARAMS = Σ over layers (inputs × nodes + nodes)`:
//!
//! | what | type | bytes |
//! |---|---|---|
//! | a network | `Net` | `PARAMS × size_of::<T>()` (exactly its parameters: no padding, no header) |
//! | its gradients | `Net` (`backprop` returns the network's own type) | the same again |
//! | plain gradient descent | `Sgd` | 8: the learning rate, no per-parameter state |
//! | momentum, Nesterov | `Momentum<Net>` | `size_of::<Net>() + 17` (velocity, `lr`, `mu`, `nesterov`), rounded up to a multiple of 8 |
//! | Adam, AdamW | `Adam<Net>` | `2 × size_of::<Net>() + 64` (`m`, `v`, and 8 `f64`/`u64`: `lr`, `beta1`, `beta2`, `eps`, `weight_decay`, `t`, `beta1^t`, `beta2^t`), rounded up to a multiple of 8 |
//! | RMSProp | `RmsProp<Net>` | `size_of::<Net>() + 24` (`s`, `lr`, `alpha`, `eps`), rounded up to a multiple of 8 |
//! | `Fit`'s gradient buffers | `Workspace<Net>` | `2 × size_of::<Net>()` (the step's gradients, and the sum over chunks for `FullBatch`) |
//!
//! Training with `Fit` keeps the network, the optimizer's state and gradient buffers: with
//! `Fit::run`, one network-sized buffer on its stack (`FullBatch` adds a second in its own
//! frame); with `Fit::run_in`, a `Workspace` wherever the caller puts it. Add the stack of one
//! step: a batch, and each layer's outputs and deltas for it. For the 4-16-16-3 iris network in
//! `f32` with Adam and `Fit::run`, the first three are `1612 + 3288 + 1612 = 6512` bytes; the
//! firmware measures the whole under QEMU (`firmware/README.md`): about 13.4 KB with mini-batches
//! of 16.
//!
//! The `const` assertions below are checked by the compiler: this file does not build if a
//! figure changes.

use core::mem::size_of;
use nn::Momentum;
use nn::prelude::*;
use nn::train::Workspace;

network! {
    /// 2 -> 4 (tanh) -> 1 (sigmoid): `examples/02_xor.rs`.
    struct Xor { input: 2, hidden: Dense<4, Tanh>, output: Dense<1, Sigmoid> }
}

network! {
    /// 4 -> 16 (ReLU) -> 3 (softmax): the README's quick start.
    struct Quick { input: 4, hidden: Dense<16, Relu>, output: Dense<3, Softmax> }
}

network! {
    /// 4 -> 16 (ReLU) -> 16 (ReLU) -> 3 (softmax): `examples/03_iris.rs`, trained by the firmware.
    struct Iris {
        input: 4,
        hidden1: Dense<16, Relu>,
        hidden2: Dense<16, Relu>,
        output: Dense<3, Softmax>,
    }
}

network! {
    /// 1 -> 16 (tanh) -> 16 (tanh) -> 1: `examples/04_sine.rs`, the firmware's inference model.
    struct Sine {
        input: 1,
        hidden1: Dense<16, Tanh>,
        hidden2: Dense<16, Tanh>,
        output: Dense<1, Identity>,
    }
}

/// `n` rounded up to a multiple of 8 (the alignment of the optimizers' `f64` fields).
const fn align8(n: usize) -> usize {
    n.div_ceil(8) * 8
}

/// Bytes of a network: its parameters.
const fn net(params: usize, scalar: usize) -> usize {
    params * scalar
}

/// Bytes of `Momentum<N>`.
const fn momentum(net: usize) -> usize {
    align8(net + 2 * 8 + 1)
}

/// Bytes of `Adam<N>`.
const fn adam(net: usize) -> usize {
    align8(2 * net + 8 * 8)
}

/// Bytes of `RmsProp<N>`.
const fn rmsprop(net: usize) -> usize {
    align8(net + 3 * 8)
}

// Parameter counts, from the layer sizes.
const _: () = assert!(Xor::PARAMS == (2 * 4 + 4) + (4 + 1));
const _: () = assert!(Quick::PARAMS == (4 * 16 + 16) + (16 * 3 + 3));
const _: () = assert!(Iris::PARAMS == (4 * 16 + 16) + (16 * 16 + 16) + (16 * 3 + 3));
const _: () = assert!(Sine::PARAMS == (16 + 16) + (16 * 16 + 16) + (16 + 1));

// The formulas of the table above, checked by the compiler for every network and both scalars.
macro_rules! bill {
    ($($net:ident),*) => {$(
        const _: () = {
            let p = $net::PARAMS;
            assert!(size_of::<$net>() == net(p, 4));
            assert!(size_of::<$net<f64>>() == net(p, 8));
            assert!(size_of::<Sgd>() == 8);
            assert!(size_of::<Momentum<$net>>() == momentum(net(p, 4)));
            assert!(size_of::<Adam<$net>>() == adam(net(p, 4)));
            assert!(size_of::<RmsProp<$net>>() == rmsprop(net(p, 4)));
            assert!(size_of::<Momentum<$net<f64>>>() == momentum(net(p, 8)));
            assert!(size_of::<Adam<$net<f64>>>() == adam(net(p, 8)));
            assert!(size_of::<RmsProp<$net<f64>>>() == rmsprop(net(p, 8)));
            assert!(size_of::<Workspace<$net>>() == 2 * net(p, 4));
        };
    )*};
}
bill!(Xor, Quick, Iris, Sine);

/// The bill of one network in `f32`: parameters, network, gradients, SGD, momentum, Adam, RMSProp.
fn bill_f32<N: Params>() -> [usize; 7] {
    [
        N::PARAMS,
        size_of::<N>(),
        size_of::<N>(), // the gradients have the network's type
        size_of::<Sgd>(),
        size_of::<Momentum<N>>(),
        size_of::<Adam<N>>(),
        size_of::<RmsProp<N>>(),
    ]
}

#[test]
fn figures_for_f32_networks() {
    // params, network, gradients, Sgd, Momentum, Adam, RmsProp
    assert_eq!(bill_f32::<Xor>(), [17, 68, 68, 8, 88, 200, 96]);
    assert_eq!(bill_f32::<Quick>(), [131, 524, 524, 8, 544, 1112, 552]);
    assert_eq!(bill_f32::<Iris>(), [403, 1612, 1612, 8, 1632, 3288, 1640]);
    assert_eq!(bill_f32::<Sine>(), [321, 1284, 1284, 8, 1304, 2632, 1312]);
}

#[test]
fn figures_for_f64_networks() {
    assert_eq!(size_of::<Iris<f64>>(), 3224);
    assert_eq!(size_of::<Adam<Iris<f64>>>(), 6512);
    assert_eq!(size_of::<Sine<f64>>(), 2568);
    assert_eq!(size_of::<Adam<Sine<f64>>>(), 5200);
}

#[test]
fn gradients_have_the_network_type_and_size() {
    let net = Iris::random(1);
    let x = SMatrix::<f32, 4, 2>::zeros();
    let y = SMatrix::<f32, 3, 2>::from_column_slice(&[1.0, 0.0, 0.0, 0.0, 1.0, 0.0]);
    let (_, grads): (f32, Iris) = net.backprop(&x, &y, &CrossEntropy);
    assert_eq!(size_of_val(&grads), Iris::PARAMS * size_of::<f32>());
}

#[test]
fn training_with_fit_and_adam_keeps_network_optimizer_and_workspace() {
    fn bill<N: Params>() -> usize {
        size_of::<N>() + size_of::<Adam<N>>() + size_of::<Workspace<N>>()
    }
    assert_eq!(bill::<Iris>(), 1612 + 3288 + 3224);
    assert_eq!(bill::<Sine>(), 1284 + 2632 + 2568);
    assert_eq!(bill::<Xor>(), 68 + 200 + 136);
}
