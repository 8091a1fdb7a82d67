//! Nothing allocates: forward and backward propagation, every loss, every optimizer step and
//! whole training runs, measured with a counting global allocator.
//!
//! The counter is thread-local, so tests running in parallel on other threads do not disturb a
//! measurement. Everything a measured region needs (networks, data, optimizers) is built before
//! it.

use nn::prelude::*;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::hint::black_box;

/// The system allocator, counting allocations (and reallocations) made on each thread.
struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn count_one() {
    // `try_with`: the allocator may run while the thread-local is being torn down.
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

// SAFETY: every call is forwarded unchanged to `System`.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_one();
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count_one();
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_one();
        // SAFETY: the caller upholds `GlobalAlloc::realloc`'s contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller upholds `GlobalAlloc::dealloc`'s contract.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs `f` and returns its result and how many allocations it made on this thread.
fn allocations<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let before = ALLOCATIONS.with(Cell::get);
    let result = black_box(f());
    let after = ALLOCATIONS.with(Cell::get);
    (result, after - before)
}

/// Runs `f` and asserts it allocated nothing.
#[track_caller]
fn no_alloc<R>(what: &str, f: impl FnOnce() -> R) -> R {
    let (result, n) = allocations(f);
    assert_eq!(n, 0, "{what} allocated {n} times");
    result
}

network! {
    /// A classifier: softmax output, for cross-entropy.
    struct Classifier {
        input: 4,
        hidden: Dense<8, Relu>,
        output: Dense<3, Softmax>,
    }
}

network! {
    /// Sigmoid outputs, for binary cross-entropy; the other hidden activations.
    struct Binary {
        input: 4,
        a: Dense<8, Tanh>,
        b: Dense<6, LeakyRelu(0.2)>,
        c: Dense<5, LeakyRelu>,
        d: Dense<5, Sigmoid>,
        e: Dense<4, Identity>,
        output: Dense<2, Sigmoid>,
    }
}

/// `R x C` uniform numbers in [-1, 1].
fn random_matrix<T: Float, const R: usize, const C: usize>(seed: u64) -> SMatrix<T, R, C> {
    let mut rng = Rng::new(seed);
    SMatrix::from_fn(|_, _| rng.uniform(-1.0, 1.0))
}

/// One-hot targets, one sample per column.
fn one_hot<T: Float, const R: usize, const C: usize>() -> SMatrix<T, R, C> {
    SMatrix::from_fn(|r, c| if r == c % R { T::ONE } else { T::ZERO })
}

/// 0/1 targets, one sample per column.
fn binary<T: Float, const R: usize, const C: usize>() -> SMatrix<T, R, C> {
    SMatrix::from_fn(|r, c| if (r + c) % 2 == 0 { T::ONE } else { T::ZERO })
}

#[test]
fn the_counter_counts() {
    let (v, n) = allocations(|| Vec::<u8>::with_capacity(8));
    assert_eq!(n, 1, "Vec::with_capacity(8) must count one allocation");
    drop(v);
    let (b, n) = allocations(|| Box::new(black_box([0u64; 4])));
    assert_eq!(n, 1, "Box::new must count one allocation");
    drop(b);
    let ((), n) = allocations(|| ());
    assert_eq!(n, 0);
}

/// Construction, parameters, forward, backprop and the loss of the classifier, in scalar `T`.
fn classifier_propagation<T: Float>() {
    let x1 = black_box(random_matrix::<T, 4, 1>(1).column(0).into_owned());
    let x = black_box(random_matrix::<T, 4, 5>(2));
    let y = black_box(one_hot::<T, 3, 5>());
    let mut flat = [T::ZERO; Classifier::PARAMS];

    let mut net = no_alloc("random", || Classifier::<T>::random(black_box(3)));
    no_alloc("params", || {
        net.write_params(&mut flat).unwrap();
        net.read_params(&flat).unwrap();
        Classifier::<T>::from_array(&flat)
    });
    no_alloc("forward", || net.forward(&x1));
    no_alloc("forward_batch", || net.forward_batch(&x));
    no_alloc("backprop with CrossEntropy", || {
        net.backprop(&x, &y, &CrossEntropy)
    });
    no_alloc("backprop with Mse", || net.backprop(&x, &y, &Mse));
    no_alloc("loss", || net.loss(&x, &y, &CrossEntropy));
    let mut grads = Classifier::<T>::zeroed();
    no_alloc("backprop_masked", || {
        <Classifier<T> as Network<4, 3>>::backprop_masked(
            &net,
            &x,
            &y,
            3,
            &CrossEntropy,
            &mut grads,
        )
    });
    no_alloc("loss_masked", || {
        <Classifier<T> as Network<4, 3>>::loss_masked(&net, &x, &y, 3, &Mse)
    });
    no_alloc("init_random", || net.init_random(black_box(4)));
}

#[test]
fn propagation_allocates_nothing() {
    classifier_propagation::<f32>();
    classifier_propagation::<f64>();

    let net = Binary::<f32>::random(5);
    let x = black_box(random_matrix::<f32, 4, 7>(6));
    let y = black_box(binary::<f32, 2, 7>());
    let mut grads = Binary::<f32>::zeroed();
    no_alloc("forward", || net.forward(&x.column(0).into_owned()));
    no_alloc("forward_batch", || net.forward_batch(&x));
    no_alloc("backprop with BinaryCrossEntropy", || {
        net.backprop(&x, &y, &BinaryCrossEntropy)
    });
    no_alloc("backprop_masked with Mse", || {
        <Binary as Network<4, 2>>::backprop_masked(&net, &x, &y, 7, &Mse, &mut grads)
    });
}

/// `loss_and_delta` and `loss` of `loss` after activation `act`, on a 3 x 6 batch of which 4
/// samples count.
fn check_loss<A: Activation, L: Loss<A>>(name: &str, loss: L, act: A) {
    let z = black_box(random_matrix::<f32, 3, 6>(7) * 3.0);
    let y = black_box(SMatrix::<f32, 3, 6>::from_fn(|r, c| {
        ((r + c) % 3) as f32 / 2.0
    }));
    let mut delta = SMatrix::<f32, 3, 6>::zeros();
    no_alloc(name, || loss.loss_and_delta(&act, &z, &y, 4, &mut delta));
    no_alloc(name, || loss.loss(&act, &z, &y, 4));
    let z = z.cast::<f64>();
    let y = y.cast::<f64>();
    let mut delta = delta.cast::<f64>();
    no_alloc(name, || loss.loss_and_delta(&act, &z, &y, 4, &mut delta));
    no_alloc(name, || loss.loss(&act, &z, &y, 4));
}

#[test]
fn losses_allocate_nothing() {
    check_loss("CrossEntropy", CrossEntropy, Softmax);
    check_loss("BinaryCrossEntropy", BinaryCrossEntropy, Sigmoid);
    check_loss("Mse after Identity", Mse, Identity);
    check_loss("Mse after Relu", Mse, Relu);
    check_loss("Mse after LeakyRelu", Mse, LeakyRelu::new(0.2));
    check_loss("Mse after Sigmoid", Mse, Sigmoid);
    check_loss("Mse after Tanh", Mse, Tanh);
    check_loss("Mse after Softmax", Mse, Softmax);
}

/// Three steps of `opt` on the classifier, with gradients computed before.
fn check_steps<O: Optimizer<Classifier>>(name: &str, mut opt: O) {
    let mut net = Classifier::random(8);
    let x = random_matrix::<f32, 4, 5>(9);
    let y = one_hot::<f32, 3, 5>();
    let (_, grads) = net.backprop(&x, &y, &CrossEntropy);
    no_alloc(name, || {
        for _ in 0..3 {
            opt.step(&mut net, &grads);
        }
    });
    assert!(net.all_finite());
}

#[test]
fn optimizer_steps_allocate_nothing() {
    check_steps("Sgd", Sgd::new(0.1));
    check_steps("Momentum", Sgd::new(0.1).with_momentum(0.9));
    check_steps("Nesterov", Sgd::new(0.1).with_momentum(0.9).nesterov());
    check_steps("Adam", Adam::new(0.01));
    check_steps("AdamW", Adam::adamw(0.01, 0.1));
    check_steps("RmsProp", RmsProp::new(0.01));
}

/// 20 samples: not a multiple of the mini-batch (8) nor of the full-batch chunk (16).
const SAMPLES: usize = 20;

fn inputs() -> [[f32; 4]; SAMPLES] {
    let mut rng = Rng::new(10);
    core::array::from_fn(|_| core::array::from_fn(|_| rng.uniform(-1.0, 1.0)))
}

#[test]
fn training_allocates_nothing() {
    let inputs = inputs();
    let classes: [[f32; 3]; SAMPLES] =
        core::array::from_fn(|i| core::array::from_fn(|c| f32::from(u8::from(c == i % 3))));
    let bits: [[f32; 2]; SAMPLES] =
        core::array::from_fn(|i| core::array::from_fn(|c| f32::from(u8::from((i >> c) & 1 == 1))));

    let mut net = Classifier::random(11);
    let mut sgd = Sgd::new(0.1);
    let mut adam = Adam::new(0.01);
    let mut nesterov = Sgd::new(0.05).with_momentum(0.9).nesterov();
    let mut history = LossHistory::<3>::new();
    let fit = Fit::new(3);

    let summary = no_alloc("Fit with MiniBatch::<8>", || {
        let data = Dataset::new(&inputs, &classes).unwrap();
        fit.run(
            &mut net,
            &mut sgd,
            &CrossEntropy,
            &data,
            MiniBatch::<8>,
            |_| (),
        )
        .unwrap()
    });
    assert_eq!((summary.epochs, summary.steps), (3, 9));
    let summary = no_alloc("Fit with FullBatch::<16>", || {
        let data = Dataset::new(&inputs, &classes).unwrap();
        fit.run(
            &mut net,
            &mut adam,
            &CrossEntropy,
            &data,
            FullBatch::<16>,
            |_| (),
        )
        .unwrap()
    });
    assert_eq!((summary.epochs, summary.steps), (3, 3));
    let summary = no_alloc("Fit with Stochastic", || {
        let data = Dataset::new(&inputs, &classes).unwrap();
        fit.run(
            &mut net,
            &mut nesterov,
            &CrossEntropy,
            &data,
            Stochastic,
            |r| history.record(r),
        )
        .unwrap()
    });
    assert_eq!((summary.epochs, summary.steps), (3, 3 * SAMPLES));
    assert_eq!(history.losses().len(), 3);

    let mut net = Binary::random(12);
    let mut rmsprop = RmsProp::new(0.01);
    let mut adamw = Adam::adamw(0.01, 0.01);
    no_alloc("Fit with BinaryCrossEntropy and MiniBatch::<8>", || {
        let data = Dataset::new(&inputs, &bits).unwrap();
        fit.run(
            &mut net,
            &mut rmsprop,
            &BinaryCrossEntropy,
            &data,
            MiniBatch::<8>,
            |_| (),
        )
        .unwrap()
    });
    no_alloc("Fit with Mse and FullBatch::<16>", || {
        let data = Dataset::new(&inputs, &bits).unwrap();
        fit.run(&mut net, &mut adamw, &Mse, &data, FullBatch::<16>, |_| ())
            .unwrap()
    });
    assert!(net.all_finite());
}

network! {
    /// Large enough that every product of a batch of 32 takes the register-blocked GEMM kernel.
    struct Wide {
        input: 64,
        hidden: Dense<256, Relu>,
        output: Dense<40, Softmax>,
    }
}

#[test]
fn the_gemm_kernel_allocates_nothing() {
    // Big values live on the heap, built before the measured region.
    let mut net = Box::new(Wide::random(9));
    let mut grads = Box::new(Wide::zeros());
    let mut adam = Box::new(Adam::<Wide>::new(1e-3));
    let x = Box::new(random_matrix::<f32, 64, 32>(10));
    let y = Box::new(one_hot::<f32, 40, 32>());
    const {
        assert!(
            64 * 256 * 32 >= nn::kernels::GEMM_MIN_MACS
                && 256 * 40 * 32 >= nn::kernels::GEMM_MIN_MACS
        );
    }
    no_alloc("forward_batch through the GEMM kernel", || {
        net.forward_batch(&x)
    });
    no_alloc("backprop through the GEMM kernel", || {
        <Wide as Network<64, 40>>::backprop_masked(&net, &x, &y, 32, &CrossEntropy, &mut grads)
    });
    no_alloc("Adam step on a wide network", || {
        adam.step(&mut net, &grads)
    });
}
