//! Training on the device, from data in flash, with no heap:
//!
//! 1. XOR (2-4-1, tanh and sigmoid) with full-batch gradient descent, as `examples/02_xor.rs`;
//! 2. iris (4-16-16-3, ReLU and softmax) with mini-batch Adam, as `examples/03_iris.rs`: 120
//!    training samples, 30 held out.
//!
//! Exits with success only if XOR gets all 4 cases right and iris reaches its accuracy on both
//! splits. Also counts the instructions of training and of one inference, and reports flash and
//! RAM: the networks, gradients and Adam's state are on the stack, each task in its own function
//! so that only one task's values are there at a time.
#![no_std]
#![no_main]

use core::hint::black_box;
use cortex_m_rt::entry;
use nn::prelude::*;
use nn::train::accuracy;
use nn_firmware::data::{XOR_INPUTS, XOR_TARGETS, iris};
use nn_firmware::nets::{Iris, Xor};
use nn_firmware::{clock::Clock, exit, mem, out};

/// Epochs of XOR (full batch, learning rate 1.0).
const XOR_EPOCHS: usize = 1000;
/// Epochs of iris (mini-batches of 16, Adam with learning rate 0.01).
const IRIS_EPOCHS: usize = 150;
/// Least iris accuracy on the training samples, in percent.
const MIN_TRAIN_ACCURACY: u64 = 95;
/// Least iris accuracy on the held-out samples, in percent (27 of 30).
const MIN_HELD_OUT_ACCURACY: u64 = 90;

/// Samples classified right, from an accuracy in [0, 1].
fn correct(accuracy: f64, samples: usize) -> u64 {
    (accuracy * samples as f64 + 0.5) as u64
}

/// Trains XOR; `true` if all 4 cases come out right.
#[inline(never)]
fn xor(clock: &Clock) -> bool {
    let Ok(data) = Dataset::new(&XOR_INPUTS, &XOR_TARGETS) else {
        return false;
    };
    let mut net = Xor::random(1);
    let (fit, instructions) = clock.measure(|| {
        Fit::new(XOR_EPOCHS).run(
            &mut net,
            &mut Sgd::new(1.0),
            &BinaryCrossEntropy,
            &data,
            FullBatch::<4>,
            |_| (),
        )
    });
    let Ok(summary) = fit else { return false };
    let right = correct(accuracy(&net, &data), data.len());
    out::kv("xor.correct", right);
    out::kv("xor.of", data.len() as u64);
    out::kv("xor.loss_ppm", (summary.final_loss * 1e6) as u64);
    out::kv("xor.step.instructions", instructions / summary.steps as u64);
    right == data.len() as u64
}

/// Trains iris; `true` if it reaches its accuracy on both splits.
#[inline(never)]
fn iris(clock: &Clock) -> bool {
    let (Ok(train), Ok(held_out)) = (
        Dataset::new(&iris::TRAIN_INPUTS, &iris::TRAIN_TARGETS),
        Dataset::new(&iris::HELD_OUT_INPUTS, &iris::HELD_OUT_TARGETS),
    ) else {
        return false;
    };
    let mut net = Iris::random(3);
    let mut adam = Adam::new(0.01);
    let (fit, instructions) = clock.measure(|| {
        Fit::new(IRIS_EPOCHS).seed(11).run(
            &mut net,
            &mut adam,
            &CrossEntropy,
            &train,
            MiniBatch::<16>,
            |_| (),
        )
    });
    let Ok(summary) = fit else { return false };
    let train_right = correct(accuracy(&net, &train), train.len());
    let held_out_right = correct(accuracy(&net, &held_out), held_out.len());
    out::kv("iris.train.correct", train_right);
    out::kv("iris.train.of", train.len() as u64);
    out::kv("iris.held_out.correct", held_out_right);
    out::kv("iris.held_out.of", held_out.len() as u64);
    out::kv("iris.loss_ppm", (summary.final_loss * 1e6) as u64);
    out::kv("iris.steps", summary.steps as u64);
    out::kv(
        "iris.step.instructions",
        instructions / summary.steps as u64,
    );

    // One inference with the trained network.
    let ((), instructions) = clock.measure(|| {
        for x in held_out.inputs() {
            black_box(net.forward(&SVector::from(*black_box(x))));
        }
    });
    out::kv(
        "iris.inference.instructions",
        instructions / held_out.len() as u64,
    );

    train_right * 100 >= MIN_TRAIN_ACCURACY * train.len() as u64
        && held_out_right * 100 >= MIN_HELD_OUT_ACCURACY * held_out.len() as u64
}

#[entry]
fn main() -> ! {
    let Some(peripherals) = cortex_m::Peripherals::take() else {
        exit(false)
    };
    let clock = Clock::start(peripherals.SYST);
    let ok = clock.running() & xor(&clock) & iris(&clock);
    mem::report();
    exit(ok)
}
