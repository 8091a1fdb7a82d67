//! The workloads of `benches/compare.rs` with dfdx (CPU) as a third variant, timed in the same
//! interleaved rounds, with a ratio column "generated vs dfdx".
//!
//! `cd benches/peers && cargo run --release`. dfdx's matrix products run on rayon; they get one
//! thread like every other variant, unless `RAYON_NUM_THREADS` says otherwise.

#[path = "../../common/mod.rs"]
mod common;

use common::{Peer, Task, Workload};
use dfdx::nn::modules::Linear;
use dfdx::optim::Adam;
use dfdx::prelude::*;
use std::hint::black_box;

/// The version of dfdx in `Cargo.lock`, the one this binary was built with.
fn dfdx_version() -> &'static str {
    let lock = include_str!("../Cargo.lock");
    let entry = lock
        .split("[[package]]")
        .find(|p| p.contains("name = \"dfdx\"\n"));
    let version = entry.and_then(|p| p.lines().find_map(|l| l.strip_prefix("version = ")));
    version.map_or("unknown", |v| v.trim_matches('"'))
}

fn main() {
    let threads = match std::env::var("RAYON_NUM_THREADS") {
        Ok(_) => rayon::current_num_threads(), // rayon reads the variable itself
        Err(_) => {
            rayon::ThreadPoolBuilder::new()
                .num_threads(1)
                .build_global()
                .expect("the global pool is built once, first");
            1
        }
    };
    let yes = |on: bool| if on { "on" } else { "off" };
    println!(
        "dfdx {} (CPU, {threads} rayon thread{}); compile-time target features: avx2 {}, fma {}, \
         avx512f {} ({})",
        dfdx_version(),
        if threads == 1 { "" } else { "s" },
        yes(cfg!(target_feature = "avx2")),
        yes(cfg!(target_feature = "fma")),
        yes(cfg!(target_feature = "avx512f")),
        if cfg!(target_feature = "avx2") {
            "built with target-cpu=native or similar"
        } else {
            "default target, no target-cpu=native"
        },
    );
    println!();
    common::run(|| vec![Box::new(Dfdx(Cpu::default()))]);
}

/// dfdx on the CPU: the same layers as `dfdx` modules, loaded with the same parameters.
struct Dfdx(Cpu);

impl Peer for Dfdx {
    fn name(&self) -> &'static str {
        "dfdx"
    }

    fn prepare(&mut self, w: &Workload) -> Box<dyn FnMut()> {
        let dev = &self.0;
        let p = w.params;
        match (w.layers, w.batch, &w.task) {
            ([2, 8, 1], 1, Task::Forward) => forward(
                w,
                (mlp1::<2, 8, 1>(dev, p), Sigmoid),
                tensor::<Rank1<2>>(dev, w.x),
            ),
            ([4, 16, 16, 3], 1, Task::Forward) => forward(
                w,
                (mlp2::<4, 16, 16, 3>(dev, p), Softmax),
                tensor::<Rank1<4>>(dev, w.x),
            ),
            ([4, 16, 16, 3], 16, Task::AdamStep { targets, loss }) => adam_step(
                w,
                mlp2::<4, 16, 16, 3>(dev, p),
                tensor::<Rank2<16, 4>>(dev, w.x),
                tensor::<Rank2<16, 3>>(dev, targets),
                *loss,
            ),
            ([784, 128, 10], 1, Task::Forward) => forward(
                w,
                (mlp1::<784, 128, 10>(dev, p), Softmax),
                tensor::<Rank1<784>>(dev, w.x),
            ),
            ([784, 128, 10], 32, Task::Forward) => forward(
                w,
                (mlp1::<784, 128, 10>(dev, p), Softmax),
                tensor::<Rank2<32, 784>>(dev, w.x),
            ),
            ([784, 128, 10], 32, Task::AdamStep { targets, loss }) => adam_step(
                w,
                mlp1::<784, 128, 10>(dev, p),
                tensor::<Rank2<32, 784>>(dev, w.x),
                tensor::<Rank2<32, 10>>(dev, targets),
                *loss,
            ),
            ([64, 256, 256, 10], 1, Task::Forward) => forward(
                w,
                (mlp2::<64, 256, 256, 10>(dev, p), Softmax),
                tensor::<Rank1<64>>(dev, w.x),
            ),
            ([64, 256, 256, 10], 32, Task::Forward) => forward(
                w,
                (mlp2::<64, 256, 256, 10>(dev, p), Softmax),
                tensor::<Rank2<32, 64>>(dev, w.x),
            ),
            ([64, 256, 256, 10], 32, Task::AdamStep { targets, loss }) => adam_step(
                w,
                mlp2::<64, 256, 256, 10>(dev, p),
                tensor::<Rank2<32, 64>>(dev, w.x),
                tensor::<Rank2<32, 10>>(dev, targets),
                *loss,
            ),
            _ => panic!("no dfdx version of {}", w.name),
        }
    }
}

type Dense<const I: usize, const O: usize> = Linear<I, O, f32, Cpu>;

/// `input -> ReLU -> output`, without the output activation: logits.
fn mlp1<const I: usize, const H: usize, const O: usize>(
    dev: &Cpu,
    p: &[f32],
) -> (Dense<I, H>, ReLU, Dense<H, O>) {
    let (l1, p) = linear(dev, p);
    let (l2, p) = linear(dev, p);
    assert!(p.is_empty(), "every parameter is used");
    (l1, ReLU, l2)
}

/// `input -> ReLU -> ReLU -> output`, without the output activation: logits.
#[allow(clippy::type_complexity)]
fn mlp2<const I: usize, const H1: usize, const H2: usize, const O: usize>(
    dev: &Cpu,
    p: &[f32],
) -> (Dense<I, H1>, ReLU, Dense<H1, H2>, ReLU, Dense<H2, O>) {
    let (l1, p) = linear(dev, p);
    let (l2, p) = linear(dev, p);
    let (l3, p) = linear(dev, p);
    assert!(p.is_empty(), "every parameter is used");
    (l1, ReLU, l2, ReLU, l3)
}

/// A dense layer from the front of `p` (PyTorch's order: the `[out, in]` weight row by row, then
/// the bias; dfdx stores the weight as `[out, in]` too) and the rest of `p`.
fn linear<'p, const I: usize, const O: usize>(dev: &Cpu, p: &'p [f32]) -> (Dense<I, O>, &'p [f32]) {
    let mut layer = dev.build_module::<builders::Linear<I, O>, f32>();
    let (weight, p) = p.split_at(O * I);
    let (bias, p) = p.split_at(O);
    layer.weight.copy_from(weight);
    layer.bias.copy_from(bias);
    (layer, p)
}

/// A tensor of shape `S` from numbers in row-major order (a row per sample).
fn tensor<S: ConstShape>(dev: &Cpu, numbers: &[f32]) -> Tensor<S, f32, Cpu> {
    dev.tensor_from_vec(numbers.to_vec(), S::default())
}

fn assert_close(what: &str, got: &[f32], expected: &[f32], w: &Workload) {
    assert_eq!(got.len(), expected.len(), "{what} of {}", w.name);
    for (i, (g, e)) in got.iter().zip(expected).enumerate() {
        assert!(
            (g - e).abs() <= 1e-4,
            "{}: dfdx {what}[{i}] = {g}, nn {e}",
            w.name
        );
    }
}

/// Checks dfdx's output against nn's, then times `model.forward(x)`.
fn forward<M, S: Shape, Out: Shape>(
    w: &Workload,
    model: M,
    x: Tensor<S, f32, Cpu>,
) -> Box<dyn FnMut()>
where
    M: Module<Tensor<S, f32, Cpu>, Output = Tensor<Out, f32, Cpu>> + 'static,
{
    assert_close("output", &model.forward(x.clone()).as_vec(), w.expected, w);
    Box::new(move || {
        black_box(model.forward(black_box(x.clone())));
    })
}

type Taped = OwnedTape<f32, Cpu>;

/// Checks dfdx's output and loss against nn's, then times one training step: forward with a
/// tape, cross-entropy on the logits, backward, Adam (lr 1e-3, defaults), gradients zeroed.
fn adam_step<M, const B: usize, const I: usize, const O: usize>(
    w: &Workload,
    mut model: M,
    x: Tensor<Rank2<B, I>, f32, Cpu>,
    y: Tensor<Rank2<B, O>, f32, Cpu>,
    loss: f32,
) -> Box<dyn FnMut()>
where
    M: Module<Tensor<Rank2<B, I>, f32, Cpu>, Output = Tensor<Rank2<B, O>, f32, Cpu>>
        + ModuleMut<
            Tensor<Rank2<B, I>, f32, Cpu, Taped>,
            Output = Tensor<Rank2<B, O>, f32, Cpu, Taped>,
        > + TensorCollection<f32, Cpu>
        + 'static,
{
    let logits = model.forward(x.clone());
    assert_close(
        "output",
        &logits.clone().softmax::<Axis<1>>().as_vec(),
        w.expected,
        w,
    );
    let dfdx_loss = cross_entropy_with_logits_loss(logits, y.clone()).array();
    assert_close("loss", &[dfdx_loss], &[loss], w);
    let mut opt = Adam::new(
        &model,
        AdamConfig {
            lr: 1e-3,
            ..Default::default()
        },
    );
    let mut grads = Some(model.alloc_grads());
    Box::new(move || {
        let taped = black_box(&x).trace(grads.take().expect("returned by the last step"));
        let loss = cross_entropy_with_logits_loss(model.forward_mut(taped), y.clone());
        black_box(loss.array());
        let mut g = loss.backward();
        opt.update(&mut model, &g)
            .expect("every parameter has a gradient");
        model.zero_grads(&mut g);
        grads = Some(g);
    })
}
