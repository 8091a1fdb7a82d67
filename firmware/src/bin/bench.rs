//! Instructions of `network!`'s generated code against the same networks written by hand with
//! nalgebra (`nn_firmware::baseline`), in one run, on the same data:
//!
//! - one training step of the iris network (4-16-16-3) on a batch of 16: backpropagation, then
//!   Adam;
//! - one inference of the iris network and of the sine network (1-16-16-1).
//!
//! Both sides start from the same parameters, and the firmware checks that they compute the same
//! work (up to rounding): the same loss at every step, the same parameters after the last step
//! (compared through their sum and sum of squares), and the same predictions. It exits with
//! failure otherwise.
//!
//! Each measurement runs in its own function, so that only one network with its gradients and
//! Adam state is on the stack at a time: two at once would not fit in the micro:bit's 16 KB.
#![no_std]
#![no_main]

use core::hint::black_box;
use cortex_m_rt::entry;
use nn::prelude::*;
use nn_firmware::baseline::{self, IrisMlp, SineMlp};
use nn_firmware::data::{iris, sine};
use nn_firmware::nets::{Iris, SINE};
use nn_firmware::{clock::Clock, exit, mem, out};

/// Samples per training step.
const BATCH: usize = 16;
/// Training steps measured (the counts printed are per step).
const STEPS: usize = 10;

/// What a training run computed: the loss at each step, and checksums of the final parameters.
#[derive(Clone, Copy)]
struct Trace {
    losses: [f32; STEPS],
    sum: f32,
    sum_of_squares: f32,
}

impl Trace {
    fn new<'a>(losses: [f32; STEPS], params: impl Iterator<Item = &'a f32>) -> Self {
        let (mut sum, mut sum_of_squares) = (0.0, 0.0);
        for &p in params {
            sum += p;
            sum_of_squares += p * p;
        }
        Self {
            losses,
            sum,
            sum_of_squares,
        }
    }

    /// The largest difference between the two runs' losses, and between their checksums.
    fn difference(&self, other: &Self) -> (f32, f32) {
        let mut loss = 0.0f32;
        for (a, b) in self.losses.iter().zip(other.losses) {
            loss = loss.max((a - b).abs());
        }
        let params = (self.sum - other.sum)
            .abs()
            .max((self.sum_of_squares - other.sum_of_squares).abs());
        (loss, params)
    }
}

/// A batch: the first 16 training samples, one per column.
fn batch() -> (SMatrix<f32, 4, BATCH>, SMatrix<f32, 3, BATCH>) {
    let x = SMatrix::from_fn(|r, c| iris::TRAIN_INPUTS[c][r]);
    let y = SMatrix::from_fn(|r, c| iris::TRAIN_TARGETS[c][r]);
    (x, y)
}

fn by_hand(net: &Iris) -> IrisMlp {
    IrisMlp {
        w1: net.hidden1.weight,
        b1: net.hidden1.bias,
        w2: net.hidden2.weight,
        b2: net.hidden2.bias,
        w3: net.output.weight,
        b3: net.output.bias,
    }
}

fn tensors(net: &IrisMlp) -> [&[f32]; 6] {
    [
        net.w1.as_slice(),
        net.b1.as_slice(),
        net.w2.as_slice(),
        net.b2.as_slice(),
        net.w3.as_slice(),
        net.b3.as_slice(),
    ]
}

/// `STEPS` generated training steps from `Iris::random(3)`: what they computed, and their
/// instructions.
#[inline(never)]
fn generated_steps(clock: &Clock) -> (Trace, u64) {
    let (x, y) = batch();
    let mut net = Iris::random(3);
    let mut adam = Adam::new(0.01);
    let mut grads: Iris = Iris::zeros();
    let mut losses = [0.0; STEPS];
    let ((), instructions) = clock.measure(|| {
        for loss in &mut losses {
            *loss = net.backprop_masked(
                black_box(&x),
                black_box(&y),
                BATCH,
                &CrossEntropy,
                &mut grads,
            );
            adam.step(&mut net, &grads);
        }
    });
    let params = (0..<Iris as Params>::TENSORS).flat_map(|i| net.tensor(i));
    (Trace::new(losses, params), instructions)
}

/// The same steps by hand.
#[inline(never)]
fn by_hand_steps(clock: &Clock) -> (Trace, u64) {
    let (x, y) = batch();
    let mut net = by_hand(&Iris::random(3));
    let mut adam = baseline::Adam::new(0.01);
    let mut grads = IrisMlp::zeros();
    let mut losses = [0.0; STEPS];
    let ((), instructions) = clock.measure(|| {
        for loss in &mut losses {
            *loss = baseline::train_step(
                &mut net,
                &mut adam,
                black_box(&x),
                black_box(&y),
                &mut grads,
            );
        }
    });
    (
        Trace::new(losses, tensors(&net).into_iter().flatten()),
        instructions,
    )
}

/// Iris inference over the held-out samples: instructions per inference, generated and by
/// hand, and the largest difference between their outputs.
#[inline(never)]
fn iris_inference(clock: &Clock) -> (u64, u64, f32) {
    let net = Iris::random(3);
    let hand = by_hand(&net);
    let inputs = &iris::HELD_OUT_INPUTS;
    let ((), generated) = clock.measure(|| {
        for x in inputs {
            black_box(net.forward(&SVector::from(*black_box(x))));
        }
    });
    let ((), by_hand) = clock.measure(|| {
        for x in inputs {
            black_box(hand.forward(&SVector::from(*black_box(x))));
        }
    });
    let mut difference = 0.0f32;
    for x in inputs {
        let x = SVector::from(*x);
        difference = difference.max((net.forward(&x) - hand.forward(&x)).amax());
    }
    let n = inputs.len() as u64;
    (generated / n, by_hand / n, difference)
}

/// Sine inference over the check points: as [`iris_inference`].
#[inline(never)]
fn sine_inference(clock: &Clock) -> (u64, u64, f32) {
    let hand = SineMlp {
        w1: SINE.hidden1.weight,
        b1: SINE.hidden1.bias,
        w2: SINE.hidden2.weight,
        b2: SINE.hidden2.bias,
        w3: SINE.output.weight,
        b3: SINE.output.bias[0],
    };
    let checks = &sine::CHECKS;
    let ((), generated) = clock.measure(|| {
        for check in checks {
            black_box(SINE.forward(&SVector::from([black_box(check[0])])));
        }
    });
    let ((), by_hand) = clock.measure(|| {
        for check in checks {
            black_box(hand.forward(black_box(check[0])));
        }
    });
    let mut difference = 0.0f32;
    for check in checks {
        let a = SINE.forward(&SVector::from([check[0]]))[0];
        difference = difference.max((a - hand.forward(check[0])).abs());
    }
    let n = checks.len() as u64;
    (generated / n, by_hand / n, difference)
}

#[entry]
fn main() -> ! {
    let Some(peripherals) = cortex_m::Peripherals::take() else {
        exit(false)
    };
    let clock = Clock::start(peripherals.SYST);
    let mut ok = clock.running();

    let (trace, generated) = generated_steps(&clock);
    let (trace_by_hand, by_hand) = by_hand_steps(&clock);
    let (loss_difference, param_difference) = trace.difference(&trace_by_hand);
    let steps = STEPS as u64;
    out::kv("bench.train_step.generated.instructions", generated / steps);
    out::kv("bench.train_step.by_hand.instructions", by_hand / steps);
    out::kv(
        "bench.train_step.loss_difference_ppm",
        out::ppm(loss_difference),
    );
    out::kv(
        "bench.train_step.param_difference_ppm",
        out::ppm(param_difference),
    );
    ok &= loss_difference < 1e-4 && param_difference < 1e-3;

    let (generated, by_hand, difference) = iris_inference(&clock);
    out::kv("bench.iris_inference.generated.instructions", generated);
    out::kv("bench.iris_inference.by_hand.instructions", by_hand);
    out::kv("bench.iris_inference.difference_ppm", out::ppm(difference));
    ok &= difference < 1e-5;

    let (generated, by_hand, difference) = sine_inference(&clock);
    out::kv("bench.sine_inference.generated.instructions", generated);
    out::kv("bench.sine_inference.by_hand.instructions", by_hand);
    out::kv("bench.sine_inference.difference_ppm", out::ppm(difference));
    ok &= difference < 1e-5;

    mem::report();
    exit(ok)
}
