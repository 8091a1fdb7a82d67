//! Generated networks against the same networks written by hand, in one run.
//!
//! `cargo bench --bench compare` prints a Markdown table: the median time per operation of the
//! code `network!` generates, of hand-written static nalgebra code, and (for single samples of
//! small networks) of hand-written plain-array loops, with the ratios between them and the
//! achieved GFLOP/s. Variants are timed in interleaved rounds so that machine noise hits all of
//! them alike; compare ratios within one run, not absolute times across runs.
//!
//! `NN_BENCH_QUICK=1` runs a few rounds only (CI uses it to check that the benchmarks work).

#[path = "baseline.rs"]
mod baseline;

use baseline::{AdamLayer, Layer, Mlp1, Mlp2, arrays};
use nn::prelude::*;
use std::hint::black_box;
use std::time::Instant;

network! {
    struct Tiny { input: 2, hidden: Dense<8, Relu>, output: Dense<1, Sigmoid> }
}
network! {
    struct Iris { input: 4, h1: Dense<16, Relu>, h2: Dense<16, Relu>, output: Dense<3, Softmax> }
}
network! {
    struct Mnist { input: 784, hidden: Dense<128, Relu>, output: Dense<10, Softmax> }
}
network! {
    struct Wide { input: 64, h1: Dense<256, Relu>, h2: Dense<256, Relu>, output: Dense<10, Softmax> }
}

/// Median nanoseconds per call of each variant, timed in interleaved rounds.
fn time(variants: &mut [(&'static str, &mut dyn FnMut())]) -> Vec<f64> {
    let quick = std::env::var_os("NN_BENCH_QUICK").is_some();
    let (rounds, target) = if quick { (3, 2e5) } else { (31, 4e6) };
    // Calibrate: enough calls per sample for about `target` ns.
    let iters: Vec<u64> = variants
        .iter_mut()
        .map(|(_, f)| {
            f();
            let start = Instant::now();
            f();
            let once = start.elapsed().as_nanos().max(1) as f64;
            ((target / once) as u64).clamp(1, 1_000_000)
        })
        .collect();
    let mut samples = vec![Vec::with_capacity(rounds); variants.len()];
    for _ in 0..rounds {
        for (i, (_, f)) in variants.iter_mut().enumerate() {
            let start = Instant::now();
            for _ in 0..iters[i] {
                f();
            }
            samples[i].push(start.elapsed().as_nanos() as f64 / iters[i] as f64);
        }
    }
    samples
        .into_iter()
        .map(|mut s| {
            s.sort_by(f64::total_cmp);
            s[s.len() / 2]
        })
        .collect()
}

/// Prints one workload's rows; the first variant is ours, the second the nalgebra baseline.
fn report(workload: &str, flops: f64, variants: &mut [(&'static str, &mut dyn FnMut())]) {
    let ns = time(variants);
    for (i, (name, _)) in variants.iter().enumerate() {
        let vs_nalgebra = ns[0] / ns[1];
        let ratio = if i == 0 {
            format!("{vs_nalgebra:.2}x the time of nalgebra")
        } else {
            String::new()
        };
        let arrays = if i == 0 && variants.len() > 2 {
            format!(", {:.2}x arrays", ns[0] / ns[2])
        } else {
            String::new()
        };
        println!(
            "| {workload} | {name} | {} | {:.1} | {ratio}{arrays} |",
            human(ns[i]),
            flops / ns[i],
        );
    }
}

fn human(ns: f64) -> String {
    if ns < 1e3 {
        format!("{ns:.1} ns")
    } else if ns < 1e6 {
        format!("{:.2} us", ns / 1e3)
    } else {
        format!("{:.2} ms", ns / 1e6)
    }
}

fn params<N: Network<I, O, Scalar = f32>, const I: usize, const O: usize>(net: &N) -> Vec<f32> {
    let mut p = vec![0.0; N::PARAMS];
    net.write_params(&mut p).expect("length is PARAMS");
    p
}

fn batch<const R: usize, const B: usize>(rng: &mut Rng) -> SMatrix<f32, R, B> {
    SMatrix::from_fn(|_, _| rng.uniform(-1.0, 1.0))
}

fn onehot<const O: usize, const B: usize>() -> SMatrix<f32, O, B> {
    SMatrix::from_fn(|r, c| if r == c % O { 1.0 } else { 0.0 })
}

fn tiny() {
    let net = Tiny::random(1);
    let p = params(&net);
    let hand = (
        Layer::<2, 8>::from_flat(&p[..24]),
        Layer::<8, 1>::from_flat(&p[24..]),
    );
    let (w1, b1) = arrays::row_major::<2, 8>(&p[..24]);
    let (w2, b2) = arrays::row_major::<8, 1>(&p[24..]);
    let x = SVector::<f32, 2>::new(0.3, -0.7);
    let xa = [0.3f32, -0.7];
    report(
        "2-8-1 forward, 1 sample",
        2.0 * (2.0 * 8.0 + 8.0),
        &mut [
            ("generated", &mut || {
                black_box(black_box(&net).forward(black_box(&x)));
            }),
            ("static nalgebra", &mut || {
                let mut a = hand.0.w * black_box(&x) + hand.0.b;
                baseline::relu(&mut a);
                let z = hand.1.w * a + hand.1.b;
                black_box(z.map(|v| 1.0 / (1.0 + (-v).exp())));
            }),
            ("plain arrays", &mut || {
                let mut a = arrays::dense(&w1, &b1, black_box(&xa));
                arrays::relu(&mut a);
                let z = arrays::dense(&w2, &b2, &a);
                black_box(z.map(|v| 1.0 / (1.0 + (-v).exp())));
            }),
        ],
    );
}

fn iris() {
    let mut net = Iris::random(1);
    let p = params(&net);
    let (s1, s2) = (4 * 16 + 16, 4 * 16 + 16 + 16 * 16 + 16);
    let mut hand = Mlp2 {
        l1: Layer::<4, 16>::from_flat(&p[..s1]),
        l2: Layer::<16, 16>::from_flat(&p[s1..s2]),
        l3: Layer::<16, 3>::from_flat(&p[s2..]),
    };
    let (w1, b1) = arrays::row_major::<4, 16>(&p[..s1]);
    let (w2, b2) = arrays::row_major::<16, 16>(&p[s1..s2]);
    let (w3, b3) = arrays::row_major::<16, 3>(&p[s2..]);
    let x = SVector::<f32, 4>::new(5.1, 3.5, 1.4, 0.2);
    let xa = [5.1f32, 3.5, 1.4, 0.2];
    let fwd = 2.0 * (4.0 * 16.0 + 16.0 * 16.0 + 16.0 * 3.0);
    report(
        "4-16-16-3 forward, 1 sample",
        fwd,
        &mut [
            ("generated", &mut || {
                black_box(black_box(&net).forward(black_box(&x)));
            }),
            ("static nalgebra", &mut || {
                black_box(black_box(&hand).forward(black_box(&x)));
            }),
            ("plain arrays", &mut || {
                let mut a = arrays::dense(&w1, &b1, black_box(&xa));
                arrays::relu(&mut a);
                let mut a = arrays::dense(&w2, &b2, &a);
                arrays::relu(&mut a);
                let mut z = arrays::dense(&w3, &b3, &a);
                arrays::softmax(&mut z);
                black_box(z);
            }),
        ],
    );

    let mut rng = Rng::new(2);
    let xb = batch::<4, 16>(&mut rng);
    let yb = onehot::<3, 16>();
    let mut opt = Adam::new(1e-3);
    let mut grads = Iris::zeros();
    let mut hand_opt = (AdamLayer::zeros(), AdamLayer::zeros(), AdamLayer::zeros());
    let mut t = 0;
    report(
        "4-16-16-3 Adam step, batch 16",
        3.0 * fwd * 16.0,
        &mut [
            ("generated", &mut || {
                let l = net.backprop_masked(black_box(&xb), &yb, 16, &CrossEntropy, &mut grads);
                opt.step(&mut net, &grads);
                black_box(l);
            }),
            ("static nalgebra", &mut || {
                t += 1;
                black_box(hand.adam_step(black_box(&xb), &yb, &mut hand_opt, t));
            }),
        ],
    );
}

fn mnist() {
    let mut net = Mnist::random(1);
    let p = params(&net);
    let s1 = 784 * 128 + 128;
    let mut hand = Mlp1 {
        l1: Layer::<784, 128>::from_flat(&p[..s1]),
        l2: Layer::<128, 10>::from_flat(&p[s1..]),
    };
    let mut rng = Rng::new(3);
    let x1: SVector<f32, 784> = batch::<784, 1>(&mut rng);
    let fwd = 2.0 * (784.0 * 128.0 + 128.0 * 10.0);
    report(
        "784-128-10 forward, 1 sample",
        fwd,
        &mut [
            ("generated", &mut || {
                black_box(black_box(&net).forward(black_box(&x1)));
            }),
            ("static nalgebra", &mut || {
                black_box(black_box(&hand).forward(black_box(&x1)));
            }),
        ],
    );
    let xb = batch::<784, 32>(&mut rng);
    let yb = onehot::<10, 32>();
    report(
        "784-128-10 forward, batch 32",
        fwd * 32.0,
        &mut [
            ("generated", &mut || {
                black_box(black_box(&net).forward_batch(black_box(&xb)));
            }),
            ("static nalgebra", &mut || {
                black_box(black_box(&hand).forward_batch(black_box(&xb)));
            }),
        ],
    );
    let mut opt = Adam::new(1e-3);
    let mut grads = Mnist::zeros();
    let mut hand_opt = (AdamLayer::zeros(), AdamLayer::zeros());
    let mut t = 0;
    // Forward, the weight gradients of both layers, and the input gradient of the second.
    let step = 2.0 * 32.0 * (3.0 * 784.0 * 128.0 + 3.0 * 128.0 * 10.0 - 784.0 * 128.0);
    report(
        "784-128-10 Adam step, batch 32",
        step,
        &mut [
            ("generated", &mut || {
                let l = net.backprop_masked(black_box(&xb), &yb, 32, &CrossEntropy, &mut grads);
                opt.step(&mut net, &grads);
                black_box(l);
            }),
            ("static nalgebra", &mut || {
                t += 1;
                black_box(hand.adam_step(black_box(&xb), &yb, &mut hand_opt, t));
            }),
        ],
    );
}

fn wide() {
    let mut net = Wide::random(1);
    let p = params(&net);
    let (s1, s2) = (64 * 256 + 256, 64 * 256 + 256 + 256 * 256 + 256);
    let mut hand = Mlp2 {
        l1: Layer::<64, 256>::from_flat(&p[..s1]),
        l2: Layer::<256, 256>::from_flat(&p[s1..s2]),
        l3: Layer::<256, 10>::from_flat(&p[s2..]),
    };
    let mut rng = Rng::new(4);
    let x1: SVector<f32, 64> = batch::<64, 1>(&mut rng);
    let macs = 64.0 * 256.0 + 256.0 * 256.0 + 256.0 * 10.0;
    report(
        "64-256-256-10 forward, 1 sample",
        2.0 * macs,
        &mut [
            ("generated", &mut || {
                black_box(black_box(&net).forward(black_box(&x1)));
            }),
            ("static nalgebra", &mut || {
                black_box(black_box(&hand).forward(black_box(&x1)));
            }),
        ],
    );
    let xb = batch::<64, 32>(&mut rng);
    let yb = onehot::<10, 32>();
    report(
        "64-256-256-10 forward, batch 32",
        2.0 * macs * 32.0,
        &mut [
            ("generated", &mut || {
                black_box(black_box(&net).forward_batch(black_box(&xb)));
            }),
            ("static nalgebra", &mut || {
                black_box(black_box(&hand).forward_batch(black_box(&xb)));
            }),
        ],
    );
    let mut opt = Adam::new(1e-3);
    let mut grads = Wide::zeros();
    let mut hand_opt = (AdamLayer::zeros(), AdamLayer::zeros(), AdamLayer::zeros());
    let mut t = 0;
    let step = 2.0 * 32.0 * (3.0 * macs - 64.0 * 256.0);
    report(
        "64-256-256-10 Adam step, batch 32",
        step,
        &mut [
            ("generated", &mut || {
                let l = net.backprop_masked(black_box(&xb), &yb, 32, &CrossEntropy, &mut grads);
                opt.step(&mut net, &grads);
                black_box(l);
            }),
            ("static nalgebra", &mut || {
                t += 1;
                black_box(hand.adam_step(black_box(&xb), &yb, &mut hand_opt, t));
            }),
        ],
    );
}

fn main() {
    // The big networks and their optimizer state are a few MB: run on a thread with room.
    let worker = std::thread::Builder::new().stack_size(64 << 20).spawn(|| {
        println!("| workload | variant | median time | GFLOP/s | ratio |");
        println!("|---|---|---|---|---|");
        tiny();
        iris();
        mnist();
        wide();
    });
    worker
        .expect("thread starts")
        .join()
        .expect("benchmarks ran");
}
