//! Forward propagation against values computed by hand, batches against single samples,
//! parameter import/export, construction, f64, and depth 0 and 6.

use nn::prelude::*;

// One network per hidden activation: 2 inputs -> 3 hidden (ACT) -> 2 outputs (Identity).
// With fixed weights, the expected outputs are computed below with plain scalar arithmetic.
macro_rules! one_hidden {
    ($name:ident, $($act:tt)+) => {
        network! {
            #[derive(Clone, Debug, PartialEq)]
            struct $name {
                input: 2,
                hidden: Dense<3, $($act)+>,
                output: Dense<2, Identity>,
            }
        }
    };
}
one_hidden!(NetIdentity, Identity);
one_hidden!(NetRelu, Relu);
one_hidden!(NetLeaky, LeakyRelu);
one_hidden!(NetLeaky02, LeakyRelu(0.2));
one_hidden!(NetSigmoid, Sigmoid);
one_hidden!(NetTanh, Tanh);
one_hidden!(NetSoftmaxHidden, Softmax);

/// Flat parameters: W1 (3x2) row-major, b1, W2 (2x3) row-major, b2.
const P: [f64; 17] = [
    0.5, -1.0, // node 0
    1.5, 0.25, // node 1
    -0.75, 2.0, // node 2
    0.1, -0.2, 0.3, // b1
    1.0, -2.0, 0.5, // output node 0
    0.25, 0.75, -1.5, // output node 1
    0.05, -0.05, // b2
];

/// The network by hand: two loops, no nalgebra.
fn by_hand(x: [f64; 2], act: impl Fn([f64; 3]) -> [f64; 3]) -> [f64; 2] {
    let mut z = [0.0; 3];
    for (i, zi) in z.iter_mut().enumerate() {
        *zi = P[2 * i] * x[0] + P[2 * i + 1] * x[1] + P[6 + i];
    }
    let a = act(z);
    let mut y = [0.0; 2];
    for (o, yo) in y.iter_mut().enumerate() {
        *yo = (0..3).map(|i| P[9 + 3 * o + i] * a[i]).sum::<f64>() + P[15 + o];
    }
    y
}

fn map3(f: impl Fn(f64) -> f64) -> impl Fn([f64; 3]) -> [f64; 3] {
    move |z| z.map(&f)
}

const XS: [[f64; 2]; 4] = [[0.3, -0.7], [2.0, 1.0], [-1.5, 0.4], [0.0, 0.0]];

macro_rules! check_activation {
    ($test:ident, $net:ident, $act:expr) => {
        #[test]
        fn $test() {
            let p32: Vec<f32> = P.iter().map(|&v| v as f32).collect();
            let n32 = $net::from_params(&p32).unwrap();
            let n64 = <$net<f64> as Network<2, 2>>::from_params(&P).unwrap();
            for x in XS {
                let want = by_hand(x, $act);
                let got64 = n64.forward(&SVector::<f64, 2>::from(x));
                let got32 = n32.forward(&SVector::<f32, 2>::new(x[0] as f32, x[1] as f32));
                for o in 0..2 {
                    assert!(
                        (got64[o] - want[o]).abs() < 1e-12,
                        "f64 {x:?}[{o}]: {} vs {}",
                        got64[o],
                        want[o]
                    );
                    assert!(
                        (f64::from(got32[o]) - want[o]).abs() < 1e-5,
                        "f32 {x:?}[{o}]: {} vs {}",
                        got32[o],
                        want[o]
                    );
                }
            }
        }
    };
}

check_activation!(identity_by_hand, NetIdentity, map3(|z| z));
check_activation!(relu_by_hand, NetRelu, map3(|z| z.max(0.0)));
check_activation!(
    leaky_relu_default_by_hand,
    NetLeaky,
    map3(|z| if z > 0.0 { z } else { 0.01 * z })
);
check_activation!(
    leaky_relu_slope_by_hand,
    NetLeaky02,
    map3(|z| if z > 0.0 { z } else { 0.2 * z })
);
check_activation!(
    sigmoid_by_hand,
    NetSigmoid,
    map3(|z| 1.0 / (1.0 + (-z).exp()))
);
check_activation!(tanh_by_hand, NetTanh, map3(f64::tanh));
check_activation!(softmax_hidden_by_hand, NetSoftmaxHidden, |z: [f64; 3]| {
    let s: f64 = z.iter().map(|v| v.exp()).sum();
    z.map(|v| v.exp() / s)
});

network! {
    /// 3 inputs, softmax over 4 classes.
    struct Classifier {
        input: 3,
        output: Dense<4, Softmax>,
    }
}

#[test]
fn softmax_output_is_exact_with_logits_near_1000() {
    // Weights zero, biases 1000..1003: the logits are the biases whatever the input.
    let mut p = [0.0f32; 16];
    p[12..].copy_from_slice(&[1000.0, 1001.0, 1002.0, 1003.0]);
    let net = Classifier::from_params(&p).unwrap();
    let y = net.forward(&SVector::<f32, 3>::new(1.0, -2.0, 3.0));
    // Softmax is shift-invariant: the same as for logits 0, 1, 2, 3.
    let e: Vec<f64> = (0..4).map(|i| f64::from(i).exp()).collect();
    let s: f64 = e.iter().sum();
    for i in 0..4 {
        assert!(y[i].is_finite());
        assert!((f64::from(y[i]) - e[i] / s).abs() < 1e-6, "{i}: {}", y[i]);
    }
    assert!((y.sum() - 1.0).abs() < 1e-6);
}

network! {
    /// Iris-shaped: the README's quick-start network.
    #[derive(Clone, Debug, PartialEq)]
    pub struct Iris {
        input: 4,
        hidden: Dense<16, Relu>,
        output: Dense<3, Softmax>,
    }
}

#[test]
fn generated_constants() {
    assert_eq!(Iris::INPUTS, 4);
    assert_eq!(Iris::OUTPUTS, 3);
    assert_eq!(Iris::PARAMS, 4 * 16 + 16 + 16 * 3 + 3);
    assert_eq!(Iris::LAYERS, 2);
    assert_eq!(<Iris<f64> as Params>::PARAMS, Iris::PARAMS);
    assert_eq!(Iris::<f64>::TENSORS, 4);
    // The struct is exactly its parameters: the RAM bill is `PARAMS * size_of::<T>()`.
    assert_eq!(core::mem::size_of::<Iris>(), Iris::PARAMS * 4);
    assert_eq!(core::mem::size_of::<Iris<f64>>(), Iris::PARAMS * 8);
}

#[test]
fn forward_batch_equals_forward_column_by_column() {
    let net = Iris::random(3);
    let mut rng = Rng::new(9);
    let x = SMatrix::<f32, 4, 7>::from_fn(|_, _| rng.uniform(-2.0, 2.0));
    let batch = net.forward_batch(&x);
    for c in 0..7 {
        let single = net.forward(&x.column(c).into_owned());
        for r in 0..3 {
            assert!(
                (batch[(r, c)] - single[r]).abs() <= 1e-6,
                "({r},{c}): {} vs {}",
                batch[(r, c)],
                single[r]
            );
        }
    }
}

#[test]
fn params_round_trip_in_pytorch_order() {
    let net = Iris::random(11);
    let mut flat = [0.0f32; Iris::PARAMS];
    net.write_params(&mut flat).unwrap();
    // Order: hidden.weight row-major, hidden.bias, output.weight row-major, output.bias.
    assert_eq!(flat[1], net.hidden.weight[(0, 1)]);
    assert_eq!(flat[4], net.hidden.weight[(1, 0)]);
    assert_eq!(flat[64], net.hidden.bias[0]);
    assert_eq!(flat[80 + 16], net.output.weight[(1, 0)]);
    assert_eq!(flat[130], net.output.bias[2]);
    let back = Iris::from_params(&flat).unwrap();
    assert_eq!(back, net);
    let from_const = Iris::from_array(&flat);
    assert_eq!(from_const, net);
}

#[test]
fn wrong_parameter_lengths_are_errors_that_change_nothing() {
    let err = Iris::from_params(&[0.0; 130]).unwrap_err();
    assert_eq!(
        err,
        ParamsError {
            expected: 131,
            found: 130
        }
    );
    assert_eq!(
        err.to_string(),
        "wrong number of parameters: the network has 131 but the slice holds 130"
    );
    let mut net = Iris::random(1);
    let before = net.clone();
    assert!(net.read_params(&[1.0; 132]).is_err());
    assert_eq!(net, before);
    let mut out = [7.0f32; 10];
    assert_eq!(
        net.write_params(&mut out),
        Err(ParamsError {
            expected: 131,
            found: 10
        })
    );
    assert_eq!(out, [7.0; 10]);
}

#[test]
fn random_is_seeded_and_scaled() {
    let a = Iris::random(42);
    assert_eq!(a, Iris::random(42));
    assert_ne!(a, Iris::random(43));
    // Biases start at zero.
    assert!(
        a.hidden
            .bias
            .iter()
            .chain(a.output.bias.iter())
            .all(|&b| b == 0.0)
    );
    // He before Relu: U(-sqrt(6/4), sqrt(6/4)); Xavier before Softmax: U(-sqrt(6/19), ..).
    let he = (6.0f32 / 4.0).sqrt();
    let xavier = (6.0f32 / 19.0).sqrt();
    let max_hidden = a.hidden.weight.iter().fold(0.0f32, |m, w| m.max(w.abs()));
    let max_output = a.output.weight.iter().fold(0.0f32, |m, w| m.max(w.abs()));
    assert!(
        max_hidden <= he && max_hidden > 0.7 * he,
        "{max_hidden} vs {he}"
    );
    assert!(
        max_output <= xavier && max_output > 0.7 * xavier,
        "{max_output} vs {xavier}"
    );
    // In place gives the same network.
    let mut b = Iris::zeros();
    b.init_random(42);
    assert_eq!(a, b);
}

#[test]
fn random_bits_are_pinned() {
    // The first weights for seed 0, as bits. They must never change between machines or
    // releases: saved experiments depend on them. (Reviewed by hand: xoshiro256** seeded by
    // SplitMix64, U(-b, b) with b = sqrt(6/4).)
    let net = Iris::random(0);
    let bits: Vec<u32> = net
        .hidden
        .weight
        .row(0)
        .iter()
        .map(|w| w.to_bits())
        .collect();
    let again: Vec<u32> = Iris::random(0)
        .hidden
        .weight
        .row(0)
        .iter()
        .map(|w| w.to_bits())
        .collect();
    assert_eq!(bits, again);
    let mut rng = Rng::new(0);
    let b = (6.0f64 / 4.0).sqrt();
    let expected: Vec<u32> = (0..4)
        .map(|_| rng.uniform::<f32>(-b, b).to_bits())
        .collect();
    assert_eq!(bits, expected);
}

static IN_FLASH: Iris = Iris::zeros();
const FROM_ARRAY: Iris = Iris::from_array(&[0.5; 131]);

#[test]
fn const_and_static_construction() {
    let y = IN_FLASH.forward(&SVector::<f32, 4>::new(1.0, 2.0, 3.0, 4.0));
    for i in 0..3 {
        assert!((y[i] - 1.0 / 3.0).abs() < 1e-6);
    }
    assert_eq!(FROM_ARRAY.hidden.weight[(15, 3)], 0.5);
    assert_eq!(FROM_ARRAY.output.bias[2], 0.5);
}

network! {
    /// Logistic regression: zero hidden layers.
    struct Logistic {
        input: 2,
        output: Dense<1, Sigmoid>,
    }
}

#[test]
fn zero_hidden_layers() {
    let net = Logistic::from_params(&[2.0, -1.0, 0.5]).unwrap();
    let y = net.forward(&SVector::<f32, 2>::new(1.0, 3.0));
    let z: f64 = 2.0 - 3.0 + 0.5;
    assert!((f64::from(y[0]) - 1.0 / (1.0 + (-z).exp())).abs() < 1e-7);
    assert_eq!(Logistic::LAYERS, 1);
}

network! {
    /// Six hidden layers, stated input sizes on some.
    struct Deep {
        input: 3,
        h1: Dense<5, Tanh>,
        h2: Dense<5 -> 4, Relu>,
        h3: Dense<4 -> 6, LeakyRelu(0.1)>,
        h4: Dense<3, Sigmoid>,
        h5: Dense<3 -> 3, Identity>,
        h6: Dense<2, Tanh>,
        output: Dense<2, Softmax>,
    }
}

#[test]
fn six_hidden_layers_match_a_layer_by_layer_computation() {
    let net = <Deep<f64> as Network<3, 2>>::random(5);
    let x = SVector::<f64, 3>::new(0.2, -0.4, 0.9);
    let tanh = |v: f64| v.tanh();
    let a1 = (net.h1.weight * x + net.h1.bias).map(tanh);
    let a2 = (net.h2.weight * a1 + net.h2.bias).map(|v| v.max(0.0));
    let a3 = (net.h3.weight * a2 + net.h3.bias).map(|v| if v > 0.0 { v } else { 0.1 * v });
    let a4 = (net.h4.weight * a3 + net.h4.bias).map(|v| 1.0 / (1.0 + (-v).exp()));
    let a5 = net.h5.weight * a4 + net.h5.bias;
    let a6 = (net.h6.weight * a5 + net.h6.bias).map(tanh);
    let z = net.output.weight * a6 + net.output.bias;
    let s = z[0].exp() + z[1].exp();
    let y = net.forward(&x);
    assert!((y[0] - z[0].exp() / s).abs() < 1e-14);
    assert!((y[1] - z[1].exp() / s).abs() < 1e-14);
    assert_eq!(Deep::LAYERS, 7);
    assert_eq!(
        Deep::PARAMS,
        (3 * 5 + 5)
            + (5 * 4 + 4)
            + (4 * 6 + 6)
            + (6 * 3 + 3)
            + (3 * 3 + 3)
            + (3 * 2 + 2)
            + (2 * 2 + 2)
    );
}

/// Generic code over any generated network, through the `Network` trait.
fn mean_output<N: Network<I, O>, const I: usize, const O: usize>(
    net: &N,
    x: &SVector<N::Scalar, I>,
) -> N::Scalar {
    let y = net.forward(x);
    y.sum() / <N::Scalar as Float>::of_f64(O as f64)
}

#[test]
fn generic_code_works_with_any_network() {
    let iris = Iris::random(1);
    let m = mean_output(&iris, &SVector::<f32, 4>::new(5.1, 3.5, 1.4, 0.2));
    assert!((m - 1.0 / 3.0).abs() < 1e-6);
    let deep = <Deep<f64> as Network<3, 2>>::random(1);
    let m = mean_output(&deep, &SVector::<f64, 3>::new(0.0, 1.0, 2.0));
    assert!((m - 0.5).abs() < 1e-12);
    let count: usize = (0..<Iris as Params>::TENSORS)
        .map(|i| iris.tensor(i).len())
        .sum();
    assert_eq!(count, Iris::PARAMS);
    assert!(iris.tensor(<Iris as Params>::TENSORS).is_empty());
}

network! {
    /// Compiled out: the `cfg` must remove the impls too, or they would name a missing type.
    #[cfg(any())]
    pub struct Gated {
        input: 2,
        output: Dense<1, Sigmoid>,
    }
}

network! {
    /// Compiled in.
    #[cfg(all())]
    pub struct Kept {
        input: 2,
        output: Dense<1, Sigmoid>,
    }
}

#[test]
fn cfg_on_the_struct_gates_everything() {
    assert_eq!(Kept::PARAMS, 3);
}
