//! Backpropagation against central finite differences, in f64: every hidden activation, every
//! output activation with every loss it can follow, at depths 0 to 4.

use nn::prelude::*;

/// Checks `backprop`'s loss and gradients against the loss and central differences computed
/// through `loss` alone, on a random batch of 3 samples.
fn check<N, L, const I: usize, const O: usize>(loss: &L, seed: u64, targets: Targets)
where
    N: Network<I, O, Scalar = f64> + Params<Scalar = f64>,
    L: Loss<N::OutputActivation>,
{
    let mut net = N::random(seed);
    let mut rng = Rng::new(seed ^ 0xABCD);
    // Random biases too (they start at zero), so no ReLU sits exactly on its kink.
    let mut p = vec![0.0; N::PARAMS];
    net.write_params(&mut p).unwrap();
    p.iter_mut()
        .for_each(|v| *v += rng.uniform::<f64>(-0.2, 0.2));
    net.read_params(&p).unwrap();
    let x = SMatrix::<f64, I, 3>::from_fn(|_, _| rng.uniform(-2.0, 2.0));
    let y = SMatrix::<f64, O, 3>::from_fn(|r, c| match targets {
        Targets::Real => rng.uniform(-1.0, 1.0),
        Targets::Unit => rng.uniform(0.0, 1.0),
        Targets::OneHot => f64::from(u8::from(r == (c * 7 + 1) % O)),
    });
    let (value, grads) = net.backprop(&x, &y, loss);
    assert!((value - net.loss(&x, &y, loss)).abs() < 1e-14, "loss value");

    let mut g = vec![0.0; N::PARAMS];
    grads.write_params(&mut g).unwrap();
    let h = 1e-6;
    let mut probe = N::zeroed();
    let mut worst: f64 = 0.0;
    for i in 0..N::PARAMS {
        let orig = p[i];
        p[i] = orig + h;
        probe.read_params(&p).unwrap();
        let up = probe.loss(&x, &y, loss);
        p[i] = orig - h;
        probe.read_params(&p).unwrap();
        let down = probe.loss(&x, &y, loss);
        p[i] = orig;
        let fd = (up - down) / (2.0 * h);
        let err = (fd - g[i]).abs() / (1.0 + fd.abs().max(g[i].abs()));
        worst = worst.max(err);
        assert!(
            err < 1e-6,
            "parameter {i}: backprop {} vs finite difference {fd}",
            g[i]
        );
    }
    // The check must have something to check: some gradient is clearly non-zero.
    assert!(g.iter().any(|v| v.abs() > 1e-4), "all gradients vanish");
    assert!(worst < 1e-6);
}

#[derive(Clone, Copy)]
enum Targets {
    Real,
    Unit,
    OneHot,
}

/// Declares a network and a test that checks it with each listed loss.
macro_rules! gradcheck {
    ($test:ident: $in:literal => [$($layer:ident: $size:literal $act:ident $(($slope:literal))?),*] => $out_size:literal $out:ident; $($loss:ident $targets:ident),+) => {
        #[test]
        fn $test() {
            network! {
                struct Net {
                    input: $in,
                    $($layer: Dense<$size, $act $(($slope))?>,)*
                    output: Dense<$out_size, $out>,
                }
            }
            let mut seed = 1;
            $(
                check::<Net<f64>, _, $in, $out_size>(&$loss, seed, Targets::$targets);
                seed += 1;
            )+
            let _ = seed;
        }
    };
}

// Depth 0: every output activation with every loss it can follow.
gradcheck!(d0_identity: 3 => [] => 2 Identity; Mse Real);
gradcheck!(d0_relu: 3 => [] => 2 Relu; Mse Real);
gradcheck!(d0_leaky: 3 => [] => 2 LeakyRelu; Mse Real);
gradcheck!(d0_sigmoid: 3 => [] => 2 Sigmoid; Mse Unit, BinaryCrossEntropy Unit);
gradcheck!(d0_tanh: 3 => [] => 2 Tanh; Mse Real);
gradcheck!(d0_softmax: 3 => [] => 3 Softmax; Mse Unit, CrossEntropy OneHot, CrossEntropy Unit);

// Depth 1: every hidden activation.
gradcheck!(d1_relu: 3 => [h: 5 Relu] => 2 Identity; Mse Real);
gradcheck!(d1_leaky: 3 => [h: 5 LeakyRelu] => 2 Tanh; Mse Real);
gradcheck!(d1_leaky02: 3 => [h: 5 LeakyRelu(0.2)] => 3 Softmax; CrossEntropy OneHot, Mse Unit);
gradcheck!(d1_sigmoid: 3 => [h: 5 Sigmoid] => 2 Sigmoid; BinaryCrossEntropy Unit, Mse Unit);
gradcheck!(d1_tanh: 3 => [h: 5 Tanh] => 2 Relu; Mse Real);
gradcheck!(d1_identity: 3 => [h: 5 Identity] => 2 LeakyRelu; Mse Real);
gradcheck!(d1_softmax: 3 => [h: 5 Softmax] => 2 Identity; Mse Real);

// Depths 2 to 4: mixed hidden activations, each output/loss pairing.
gradcheck!(d2_a: 4 => [a: 6 Tanh, b: 5 Relu] => 3 Softmax; CrossEntropy OneHot, Mse Unit);
gradcheck!(d2_b: 2 => [a: 4 Sigmoid, b: 4 LeakyRelu(0.1)] => 1 Sigmoid; BinaryCrossEntropy Unit, Mse Unit);
gradcheck!(d3_a: 3 => [a: 5 LeakyRelu, b: 4 Softmax, c: 4 Tanh] => 2 Identity; Mse Real);
gradcheck!(d3_b: 3 => [a: 5 Relu, b: 4 Identity, c: 3 Sigmoid] => 3 Softmax; CrossEntropy Unit, Mse Unit);
gradcheck!(d3_c: 3 => [a: 6 Tanh, b: 6 Tanh, c: 4 Relu] => 2 Tanh; Mse Real);
gradcheck!(d4_a: 3 => [a: 5 Sigmoid, b: 5 LeakyRelu(0.2), c: 4 Softmax, d: 4 Relu] => 2 Sigmoid; BinaryCrossEntropy Unit, Mse Unit);
gradcheck!(d4_b: 4 => [a: 6 Relu, b: 5 Tanh, c: 5 Identity, d: 4 LeakyRelu] => 3 Softmax; CrossEntropy OneHot, Mse Unit);
gradcheck!(d4_c: 2 => [a: 4 Identity, b: 4 Sigmoid, c: 4 Tanh, d: 3 Relu] => 2 Relu; Mse Real);
gradcheck!(d4_d: 2 => [a: 4 Tanh, b: 4 Relu, c: 4 Sigmoid, d: 3 LeakyRelu] => 2 LeakyRelu; Mse Real);
