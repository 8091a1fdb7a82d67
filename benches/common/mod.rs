//! The workloads of the benchmarks and their timing and report code, shared by
//! `benches/compare.rs` and by `benches/peers`, which adds framework peers to the same rounds.
//!
//! Each workload is timed three ways or more: the code `network!` generates, the same network
//! hand-written with static nalgebra, for single samples of small networks with plain arrays, and
//! then each [`Peer`]. All variants start from the same parameters and data. They are timed in
//! interleaved rounds, so that machine noise hits all of them alike: compare ratios within one
//! run, not absolute times across runs.
//!
//! `NN_BENCH_QUICK=1` runs a few rounds only (CI uses it to check that the benchmarks work).

#[path = "../baseline.rs"]
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

/// Another implementation of the workloads (a framework), timed in the same rounds.
pub trait Peer {
    /// Its name in the table.
    fn name(&self) -> &'static str;

    /// Builds the peer's version of `w` from `w.params` and `w.x`, checks it once (untimed)
    /// against `w.expected`, and returns one call of the timed operation.
    fn prepare(&mut self, w: &Workload) -> Box<dyn FnMut()>;
}

/// One workload (a group of rows in the table) as a [`Peer`] sees it: the same parameters and
/// data that the generated network and the hand-written baselines use.
#[allow(dead_code, reason = "read by the peers in `benches/peers`")]
pub struct Workload<'a> {
    /// The label in the table, e.g. `784-128-10 forward, batch 32`.
    pub name: &'static str,
    /// The widths of the layers, input first: hidden layers are ReLU, the output layer is
    /// softmax (sigmoid for `[2, 8, 1]`).
    pub layers: &'static [usize],
    /// Samples per call.
    pub batch: usize,
    pub task: Task<'a>,
    /// The parameters in PyTorch's order: per layer the weight row by row (`[out][in]`), then
    /// the bias.
    pub params: &'a [f32],
    /// The inputs, one sample after another (a row per sample).
    pub x: &'a [f32],
    /// The generated network's outputs for `x` at `params`, one sample after another.
    pub expected: &'a [f32],
}

#[allow(dead_code, reason = "read by the peers in `benches/peers`")]
pub enum Task<'a> {
    /// Inputs to output activations.
    Forward,
    /// Forward, cross-entropy backprop, one Adam step (lr 1e-3, PyTorch's defaults).
    AdamStep {
        /// One-hot targets, one sample after another.
        targets: &'a [f32],
        /// The generated network's mean cross-entropy over the batch at `params`.
        loss: f32,
    },
}

/// A named variant: one call of the timed operation.
type Variant<'a> = (&'static str, &'a mut dyn FnMut());

/// Prints the table: a header, then every workload, each timed with the variants of this crate
/// and with the peers that `peers` makes (none for `benches/compare.rs`), which get a ratio
/// column each.
pub fn run(peers: impl FnOnce() -> Vec<Box<dyn Peer>> + Send + 'static) {
    // The big networks and their optimizer state are a few MB: run on a thread with room.
    let worker = std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || {
            let mut peers = peers();
            print!("| workload | variant | median time | GFLOP/s | ratio |");
            for peer in &peers {
                print!(" vs {} |", peer.name());
            }
            println!("\n|---|---|---|---|---|{}", "---|".repeat(peers.len()));
            tiny(&mut peers);
            iris(&mut peers);
            mnist(&mut peers);
            wide(&mut peers);
        });
    worker
        .expect("thread starts")
        .join()
        .expect("benchmarks ran");
}

/// Median nanoseconds per call of each variant, timed in interleaved rounds.
fn time(variants: &mut [Variant]) -> Vec<f64> {
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

/// Times `own` (ours first, the nalgebra baseline second, plain arrays third if present) and
/// the peers' versions of `w` together, and prints one row per variant.
fn report(w: &Workload, flops: f64, own: &mut [Variant], peers: &mut [Box<dyn Peer>]) {
    let mut peer_calls: Vec<_> = peers.iter_mut().map(|p| (p.name(), p.prepare(w))).collect();
    let n_own = own.len();
    let mut variants: Vec<Variant> = own
        .iter_mut()
        .map(|(name, f)| (*name, &mut **f as &mut dyn FnMut()))
        .collect();
    variants.extend(
        peer_calls
            .iter_mut()
            .map(|(name, f)| (*name, &mut **f as &mut dyn FnMut())),
    );
    let ns = time(&mut variants);
    for (i, (name, _)) in variants.iter().enumerate() {
        let vs_nalgebra = ns[0] / ns[1];
        let ratio = if i == 0 {
            format!("{vs_nalgebra:.2}x the time of nalgebra")
        } else {
            String::new()
        };
        let arrays = if i == 0 && n_own > 2 {
            format!(", {:.2}x arrays", ns[0] / ns[2])
        } else {
            String::new()
        };
        print!(
            "| {} | {name} | {} | {:.1} | {ratio}{arrays} |",
            w.name,
            human(ns[i]),
            flops / ns[i],
        );
        for (peer, peer_ns) in variants[n_own..].iter().zip(&ns[n_own..]) {
            if i == 0 {
                print!(
                    " {}x the time of {} |",
                    significant(ns[0] / peer_ns),
                    peer.0
                );
            } else {
                print!("  |");
            }
        }
        println!();
    }
}

/// A ratio with two decimals, or two significant digits below 0.1 (e.g. `0.0063`).
fn significant(ratio: f64) -> String {
    let decimals = if ratio >= 0.1 {
        2
    } else {
        (1.0 - ratio.log10().floor()) as usize
    };
    format!("{ratio:.decimals$}")
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

fn tiny(peers: &mut [Box<dyn Peer>]) {
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
    let out = net.forward(&x);
    let workload = Workload {
        name: "2-8-1 forward, 1 sample",
        layers: &[2, 8, 1],
        batch: 1,
        task: Task::Forward,
        params: &p,
        x: x.as_slice(),
        expected: out.as_slice(),
    };
    report(
        &workload,
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
        peers,
    );
}

fn iris(peers: &mut [Box<dyn Peer>]) {
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
    let out = net.forward(&x);
    let workload = Workload {
        name: "4-16-16-3 forward, 1 sample",
        layers: &[4, 16, 16, 3],
        batch: 1,
        task: Task::Forward,
        params: &p,
        x: x.as_slice(),
        expected: out.as_slice(),
    };
    report(
        &workload,
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
        peers,
    );

    let mut rng = Rng::new(2);
    let xb = batch::<4, 16>(&mut rng);
    let yb = onehot::<3, 16>();
    let out = net.forward_batch(&xb);
    let workload = Workload {
        name: "4-16-16-3 Adam step, batch 16",
        layers: &[4, 16, 16, 3],
        batch: 16,
        task: Task::AdamStep {
            targets: yb.as_slice(),
            loss: net.loss_masked(&xb, &yb, 16, &CrossEntropy),
        },
        params: &p,
        x: xb.as_slice(),
        expected: out.as_slice(),
    };
    let mut opt = Adam::new(1e-3);
    let mut grads = Iris::zeros();
    let mut hand_opt = (AdamLayer::zeros(), AdamLayer::zeros(), AdamLayer::zeros());
    let mut t = 0;
    report(
        &workload,
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
        peers,
    );
}

fn mnist(peers: &mut [Box<dyn Peer>]) {
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
    let out = net.forward(&x1);
    let workload = Workload {
        name: "784-128-10 forward, 1 sample",
        layers: &[784, 128, 10],
        batch: 1,
        task: Task::Forward,
        params: &p,
        x: x1.as_slice(),
        expected: out.as_slice(),
    };
    report(
        &workload,
        fwd,
        &mut [
            ("generated", &mut || {
                black_box(black_box(&net).forward(black_box(&x1)));
            }),
            ("static nalgebra", &mut || {
                black_box(black_box(&hand).forward(black_box(&x1)));
            }),
        ],
        peers,
    );
    let xb = batch::<784, 32>(&mut rng);
    let yb = onehot::<10, 32>();
    let out = net.forward_batch(&xb);
    let workload = Workload {
        name: "784-128-10 forward, batch 32",
        batch: 32,
        x: xb.as_slice(),
        expected: out.as_slice(),
        ..workload
    };
    report(
        &workload,
        fwd * 32.0,
        &mut [
            ("generated", &mut || {
                black_box(black_box(&net).forward_batch(black_box(&xb)));
            }),
            ("static nalgebra", &mut || {
                black_box(black_box(&hand).forward_batch(black_box(&xb)));
            }),
        ],
        peers,
    );
    let workload = Workload {
        name: "784-128-10 Adam step, batch 32",
        task: Task::AdamStep {
            targets: yb.as_slice(),
            loss: net.loss_masked(&xb, &yb, 32, &CrossEntropy),
        },
        ..workload
    };
    let mut opt = Adam::new(1e-3);
    let mut grads = Mnist::zeros();
    let mut hand_opt = (AdamLayer::zeros(), AdamLayer::zeros());
    let mut t = 0;
    // Forward, the weight gradients of both layers, and the input gradient of the second.
    let step = 2.0 * 32.0 * (3.0 * 784.0 * 128.0 + 3.0 * 128.0 * 10.0 - 784.0 * 128.0);
    report(
        &workload,
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
        peers,
    );
}

fn wide(peers: &mut [Box<dyn Peer>]) {
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
    let out = net.forward(&x1);
    let workload = Workload {
        name: "64-256-256-10 forward, 1 sample",
        layers: &[64, 256, 256, 10],
        batch: 1,
        task: Task::Forward,
        params: &p,
        x: x1.as_slice(),
        expected: out.as_slice(),
    };
    report(
        &workload,
        2.0 * macs,
        &mut [
            ("generated", &mut || {
                black_box(black_box(&net).forward(black_box(&x1)));
            }),
            ("static nalgebra", &mut || {
                black_box(black_box(&hand).forward(black_box(&x1)));
            }),
        ],
        peers,
    );
    let xb = batch::<64, 32>(&mut rng);
    let yb = onehot::<10, 32>();
    let out = net.forward_batch(&xb);
    let workload = Workload {
        name: "64-256-256-10 forward, batch 32",
        batch: 32,
        x: xb.as_slice(),
        expected: out.as_slice(),
        ..workload
    };
    report(
        &workload,
        2.0 * macs * 32.0,
        &mut [
            ("generated", &mut || {
                black_box(black_box(&net).forward_batch(black_box(&xb)));
            }),
            ("static nalgebra", &mut || {
                black_box(black_box(&hand).forward_batch(black_box(&xb)));
            }),
        ],
        peers,
    );
    let workload = Workload {
        name: "64-256-256-10 Adam step, batch 32",
        task: Task::AdamStep {
            targets: yb.as_slice(),
            loss: net.loss_masked(&xb, &yb, 32, &CrossEntropy),
        },
        ..workload
    };
    let mut opt = Adam::new(1e-3);
    let mut grads = Wide::zeros();
    let mut hand_opt = (AdamLayer::zeros(), AdamLayer::zeros(), AdamLayer::zeros());
    let mut t = 0;
    let step = 2.0 * 32.0 * (3.0 * macs - 64.0 * 256.0);
    report(
        &workload,
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
        peers,
    );
}
