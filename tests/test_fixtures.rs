//! Forward outputs, losses, gradients and 3 steps of every optimizer against float64 reference
//! numbers from JAX + optax (`tests/fixtures/reference.json`, written by
//! `tests/fixtures/gen_fixtures.py`), in both f64 and f32.
//!
//! Every number is compared with `|ours - reference| / (1 + |reference|)`: an absolute error
//! for small values, a relative one for large values (the large-logit cases have parameters
//! near 1000).

use nn::prelude::*;
use serde_json::Value;

/// Tolerance of the f64 network (the reference is float64 too: only rounding differs).
const TOL_F64: f64 = 1e-10;
/// Tolerance of the f32 network (against the same float64 reference). The closest call is
/// `large_logits_softmax_ce`, RMSProp step 3, near 1e-4: in f32, logits near 1000 are rounded
/// to 6e-5, which moves the softmax (and the gradients) by about 1e-5 relative, and RMSProp's
/// division by the running RMS of the gradient amplifies that in its second and third steps.
const TOL_F32: f64 = 1e-4;

const REFERENCE: &str = include_str!("fixtures/reference.json");

/// The case called `name`, parsed from the reference file.
fn load(name: &str) -> Value {
    let all: Value = serde_json::from_str(REFERENCE).expect("tests/fixtures/reference.json parses");
    let cases = all["cases"]
        .as_array()
        .expect("reference.json has a `cases` list");
    cases
        .iter()
        .find(|c| c["name"] == name)
        .cloned()
        .unwrap_or_else(|| panic!("case `{name}` is missing from tests/fixtures/reference.json"))
}

fn num(v: &Value, what: &str) -> f64 {
    v.as_f64()
        .unwrap_or_else(|| panic!("`{what}` should be a number, is {v}"))
}

fn nums(v: &Value, what: &str) -> Vec<f64> {
    v.as_array()
        .unwrap_or_else(|| panic!("`{what}` should be a list, is {v}"))
        .iter()
        .map(|x| num(x, what))
        .collect()
}

/// A list of `C` samples of `R` numbers as a matrix with one sample per column.
fn batch<T: Float, const R: usize, const C: usize>(v: &Value, what: &str) -> SMatrix<T, R, C> {
    let samples: Vec<Vec<f64>> = v
        .as_array()
        .unwrap_or_else(|| panic!("`{what}` should be a list of samples"))
        .iter()
        .map(|s| nums(s, what))
        .collect();
    assert_eq!(samples.len(), C, "`{what}`: number of samples");
    for s in &samples {
        assert_eq!(s.len(), R, "`{what}`: sample length");
    }
    SMatrix::from_fn(|r, c| T::of_f64(samples[c][r]))
}

/// Checks the declared network against the case's sizes, activations, slopes and loss, so a
/// typo in a declaration below cannot go unnoticed.
fn check_declaration(
    case: &Value,
    sizes: &[usize],
    activations: &[(&str, Option<f64>)],
    loss: &str,
) {
    let name = case["name"].as_str().unwrap_or("?");
    let want_sizes: Vec<usize> = nums(&case["sizes"], "sizes")
        .into_iter()
        .map(|v| v as usize)
        .collect();
    assert_eq!(sizes, want_sizes, "{name}: sizes");
    let acts = case["activations"].as_array().expect("activations");
    let slopes = case["slopes"].as_array().expect("slopes");
    assert_eq!(activations.len(), acts.len(), "{name}: number of layers");
    for (l, (&(act, slope), (want, want_slope))) in
        activations.iter().zip(acts.iter().zip(slopes)).enumerate()
    {
        let snake = match act {
            "Identity" => "identity",
            "Relu" => "relu",
            "LeakyRelu" => "leaky_relu",
            "Sigmoid" => "sigmoid",
            "Tanh" => "tanh",
            "Softmax" => "softmax",
            other => panic!("unknown activation {other}"),
        };
        assert_eq!(
            snake,
            want.as_str().unwrap_or("?"),
            "{name}: activation of layer {l}"
        );
        if snake == "leaky_relu" {
            assert_eq!(
                slope.unwrap_or(0.01),
                num(want_slope, "slope"),
                "{name}: slope of layer {l}"
            );
        }
    }
    let want_loss = match loss {
        "Mse" => "mse",
        "CrossEntropy" => "cross_entropy",
        "BinaryCrossEntropy" => "binary_cross_entropy",
        other => panic!("unknown loss {other}"),
    };
    assert_eq!(case["loss"], want_loss, "{name}: loss");
}

/// The largest difference seen so far, and where.
struct Worst {
    value: f64,
    at: String,
}

impl Worst {
    fn new() -> Self {
        Self {
            value: 0.0,
            at: String::from("nothing compared"),
        }
    }

    fn compare(&mut self, what: &str, ours: &[f64], reference: &[f64]) {
        assert_eq!(ours.len(), reference.len(), "{what}: length");
        for (i, (&o, &r)) in ours.iter().zip(reference).enumerate() {
            assert!(o.is_finite(), "{what}[{i}] is {o} (reference {r})");
            let d = (o - r).abs() / (1.0 + r.abs());
            if d >= self.value {
                self.value = d;
                self.at = format!("{what}[{i}]: ours {o:e}, reference {r:e}");
            }
        }
    }
}

/// The flat parameters (or gradients) of `net`, as f64.
fn flat<N: Network<I, O>, const I: usize, const O: usize>(net: &N) -> Vec<f64> {
    let mut out = vec![N::Scalar::ZERO; N::PARAMS];
    net.write_params(&mut out).expect("write_params");
    out.iter().map(|v| v.as_f64()).collect()
}

/// Takes 3 steps of `opt` from `params` on the batch, recomputing the gradient each time, and
/// returns the flat parameters after each step.
fn three_steps<N, L, Opt, const I: usize, const O: usize, const B: usize>(
    params: &[N::Scalar],
    mut opt: Opt,
    x: &SMatrix<N::Scalar, I, B>,
    y: &SMatrix<N::Scalar, O, B>,
    loss: &L,
) -> Vec<Vec<f64>>
where
    N: Network<I, O>,
    L: Loss<N::OutputActivation>,
    Opt: Optimizer<N>,
{
    let mut net = N::zeroed();
    net.read_params(params).expect("read_params");
    (0..3)
        .map(|_| {
            let (_, g) = net.backprop(x, y, loss);
            opt.step(&mut net, &g);
            flat::<N, I, O>(&net)
        })
        .collect()
}

/// Compares one case in the scalar of `N` (f32 or f64); returns the worst difference and where.
fn check_case<N, L, const I: usize, const O: usize, const B: usize>(
    case: &Value,
    loss: &L,
    tol: f64,
) -> Worst
where
    N: Network<I, O>,
    L: Loss<N::OutputActivation>,
{
    let name = case["name"].as_str().unwrap_or("?");
    let scalar = <N::Scalar as Float>::NAME;
    assert_eq!(case["batch_size"], B, "{name}: batch size");
    let of = <N::Scalar as Float>::of_f64;
    let params: Vec<N::Scalar> = nums(&case["params"], "params")
        .into_iter()
        .map(of)
        .collect();
    let net = N::from_params(&params).expect("the case has as many parameters as the network");
    let x = batch::<N::Scalar, I, B>(&case["x"], "x");
    let y = batch::<N::Scalar, O, B>(&case["y"], "y");
    let mut worst = Worst::new();

    // Forward propagation, sample by sample as the reference lists them.
    let out = net.forward_batch(&x);
    let out: Vec<f64> = (0..B)
        .flat_map(|c| (0..O).map(move |r| (r, c)))
        .map(|rc| out[rc].as_f64())
        .collect();
    let want: Vec<f64> = case["output"]
        .as_array()
        .expect("output")
        .iter()
        .flat_map(|s| nums(s, "output"))
        .collect();
    worst.compare("output", &out, &want);

    // Loss and gradients.
    let (value, grads) = net.backprop(&x, &y, loss);
    worst.compare(
        "loss",
        &[value.as_f64()],
        &[num(&case["loss_value"], "loss_value")],
    );
    worst.compare(
        "grads",
        &flat::<N, I, O>(&grads),
        &nums(&case["grads"], "grads"),
    );

    // Three steps of every optimizer, each from the case's parameters.
    let opts = case["optimizers"].as_object().expect("optimizers");
    let mut names: Vec<&str> = opts.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "adam",
            "adam_custom",
            "adamw",
            "momentum",
            "nesterov",
            "rmsprop",
            "sgd"
        ],
        "{name}: optimizers"
    );
    for (opt, h) in opts {
        let hp = |key: &str| num(&h[key], key);
        let lr = hp("lr");
        let steps = match opt.as_str() {
            "sgd" => three_steps::<N, _, _, I, O, B>(&params, Sgd::new(lr), &x, &y, loss),
            "momentum" => {
                let o = Sgd::new(lr).with_momentum::<N>(hp("momentum"));
                three_steps::<N, _, _, I, O, B>(&params, o, &x, &y, loss)
            }
            "nesterov" => {
                let o = Sgd::new(lr).with_momentum::<N>(hp("momentum")).nesterov();
                three_steps::<N, _, _, I, O, B>(&params, o, &x, &y, loss)
            }
            "adam" | "adam_custom" => {
                let o = Adam::<N>::new(lr)
                    .with_betas(hp("beta1"), hp("beta2"))
                    .with_eps(hp("eps"));
                three_steps::<N, _, _, I, O, B>(&params, o, &x, &y, loss)
            }
            "adamw" => {
                let o = Adam::<N>::adamw(lr, hp("weight_decay"))
                    .with_betas(hp("beta1"), hp("beta2"))
                    .with_eps(hp("eps"));
                three_steps::<N, _, _, I, O, B>(&params, o, &x, &y, loss)
            }
            "rmsprop" => {
                let o = RmsProp::<N>::new(lr)
                    .with_alpha(hp("alpha"))
                    .with_eps(hp("eps"));
                three_steps::<N, _, _, I, O, B>(&params, o, &x, &y, loss)
            }
            other => panic!("{name}: unknown optimizer {other}"),
        };
        let want = h["steps"].as_array().expect("steps");
        assert_eq!(want.len(), 3, "{name}: {opt} has 3 steps");
        for (t, (ours, want)) in steps.iter().zip(want).enumerate() {
            worst.compare(&format!("{opt} step {}", t + 1), ours, &nums(want, "steps"));
        }
    }

    assert!(
        worst.value <= tol,
        "{name} in {scalar}: worst difference {:.2e} exceeds {tol:.0e} at {}",
        worst.value,
        worst.at
    );
    worst
}

/// Declares each case's network in a module of the case's name, with a test comparing it in
/// f64 and f32, and a test over all cases that prints the worst differences.
macro_rules! cases {
    ($(
        $case:ident: $in:literal => [$($layer:ident: $size:literal $act:ident $(($slope:literal))?),*]
            => $out:literal $out_act:ident, $loss:ident, batch $b:literal;
    )+) => {
        $(
            mod $case {
                use super::*;

                network! {
                    pub struct Net {
                        input: $in,
                        $($layer: Dense<$size, $act $(($slope))?>,)*
                        output: Dense<$out, $out_act>,
                    }
                }

                /// The worst differences in f64 and f32, and where they are.
                pub fn run() -> (Worst, Worst) {
                    let case = load(stringify!($case));
                    check_declaration(
                        &case,
                        &[$in, $($size,)* $out],
                        &[$((stringify!($act), None$(.or(Some($slope)))?),)* (stringify!($out_act), None)],
                        stringify!($loss),
                    );
                    (
                        check_case::<Net<f64>, _, $in, $out, $b>(&case, &$loss, TOL_F64),
                        check_case::<Net<f32>, _, $in, $out, $b>(&case, &$loss, TOL_F32),
                    )
                }

                #[test]
                fn matches_reference() {
                    let (f64_worst, f32_worst) = run();
                    println!("{}: worst f64 difference {:.1e} at {}", stringify!($case), f64_worst.value, f64_worst.at);
                    println!("{}: worst f32 difference {:.1e} at {}", stringify!($case), f32_worst.value, f32_worst.at);
                }
            }
        )+

        #[test]
        fn worst_differences() {
            let (mut f64_worst, mut f32_worst) = (0.0f64, 0.0f64);
            $(
                let (a, b) = $case::run();
                f64_worst = f64_worst.max(a.value);
                f32_worst = f32_worst.max(b.value);
            )+
            println!("worst f64 difference: {f64_worst:.1e}; worst f32 difference: {f32_worst:.1e}");
            assert!(f64_worst <= TOL_F64 && f32_worst <= TOL_F32);
        }
    };
}

cases! {
    logreg_sigmoid_bce: 2 => [] => 1 Sigmoid, BinaryCrossEntropy, batch 4;
    linear_identity_mse: 3 => [] => 2 Identity, Mse, batch 3;
    d1_relu_identity_mse: 3 => [h: 5 Relu] => 2 Identity, Mse, batch 4;
    d1_tanh_softmax_ce_onehot: 4 => [h: 5 Tanh] => 3 Softmax, CrossEntropy, batch 8;
    d1_sigmoid_sigmoid_bce_soft: 4 => [h: 3 Sigmoid] => 2 Sigmoid, BinaryCrossEntropy, batch 8;
    d2_leaky_tanh_sigmoid_mse: 3 => [a: 4 LeakyRelu, b: 4 Tanh] => 2 Sigmoid, Mse, batch 3;
    d2_sigmoid_leaky02_tanh_mse_b1: 2 => [a: 4 Sigmoid, b: 3 LeakyRelu(0.2)] => 2 Tanh, Mse, batch 1;
    d2_tanh_leaky_relu_out_mse: 3 => [a: 4 Tanh, b: 3 LeakyRelu] => 2 Relu, Mse, batch 4;
    d3_identity_relu_tanh_softmax_mse:
        4 => [a: 5 Identity, b: 4 Relu, c: 3 Tanh] => 3 Softmax, Mse, batch 4;
    d4_mixed_softmax_ce_soft:
        3 => [a: 5 Tanh, b: 4 Softmax, c: 4 LeakyRelu(0.2), d: 3 Sigmoid] => 3 Softmax, CrossEntropy, batch 8;
    large_logits_softmax_ce: 3 => [h: 4 Tanh] => 3 Softmax, CrossEntropy, batch 4;
    large_logits_sigmoid_bce: 3 => [h: 4 Relu] => 2 Sigmoid, BinaryCrossEntropy, batch 4;
    dead_relu: 3 => [hidden: 4 Relu] => 2 Identity, Mse, batch 4;
}

/// Loads a case into `N` and back-propagates its batch.
fn backprop_case<N, L, const I: usize, const O: usize, const B: usize>(
    case: &Value,
    loss: &L,
) -> (N::Scalar, N)
where
    N: Network<I, O>,
    L: Loss<N::OutputActivation>,
{
    let of = <N::Scalar as Float>::of_f64;
    let params: Vec<N::Scalar> = nums(&case["params"], "params")
        .into_iter()
        .map(of)
        .collect();
    let mut net = N::zeroed();
    net.read_params(&params).expect("read_params");
    let x = batch::<N::Scalar, I, B>(&case["x"], "x");
    let y = batch::<N::Scalar, O, B>(&case["y"], "y");
    net.backprop(&x, &y, loss)
}

/// Hidden unit 1 of `dead_relu` is negative for every sample: its incoming weights, its bias
/// and its outgoing weights get exactly zero gradient, as in the reference.
#[test]
fn dead_relu_unit_gets_exactly_zero_gradient() {
    use dead_relu::Net;
    let case = load("dead_relu");
    let (_, g64) = backprop_case::<Net<f64>, _, 3, 2, 4>(&case, &Mse);
    let (_, g32) = backprop_case::<Net<f32>, _, 3, 2, 4>(&case, &Mse);
    assert!(
        g64.hidden.weight.row(1).iter().all(|&v| v == 0.0),
        "{}",
        g64.hidden.weight
    );
    assert!(
        g32.hidden.weight.row(1).iter().all(|&v| v == 0.0),
        "{}",
        g32.hidden.weight
    );
    assert_eq!((g64.hidden.bias[1], g32.hidden.bias[1]), (0.0, 0.0));
    assert!(g64.output.weight.column(1).iter().all(|&v| v == 0.0));
    assert!(g32.output.weight.column(1).iter().all(|&v| v == 0.0));
    // The other units are alive.
    assert!(g64.hidden.bias.iter().filter(|&&v| v != 0.0).count() == 3);
    // And the reference agrees.
    let reference = nums(&case["grads"], "grads");
    assert!(reference[3..6].iter().all(|&v| v == 0.0) && reference[12 + 1] == 0.0);
}

/// With logits near ±1000, every loss and gradient stays finite in f64 and f32.
#[test]
fn large_logits_stay_finite() {
    fn finite<N: Params>(value: N::Scalar, grads: &N) -> bool {
        value.as_f64().is_finite() && grads.all_finite()
    }
    let case = load("large_logits_softmax_ce");
    let (v, g) =
        backprop_case::<large_logits_softmax_ce::Net<f64>, _, 3, 3, 4>(&case, &CrossEntropy);
    assert!(finite(v, &g), "softmax/cross-entropy in f64: loss {v}");
    let (v, g) =
        backprop_case::<large_logits_softmax_ce::Net<f32>, _, 3, 3, 4>(&case, &CrossEntropy);
    assert!(finite(v, &g), "softmax/cross-entropy in f32: loss {v}");

    let case = load("large_logits_sigmoid_bce");
    let bce = BinaryCrossEntropy;
    let (v, g) = backprop_case::<large_logits_sigmoid_bce::Net<f64>, _, 3, 2, 4>(&case, &bce);
    assert!(
        finite(v, &g),
        "sigmoid/binary cross-entropy in f64: loss {v}"
    );
    let (v, g) = backprop_case::<large_logits_sigmoid_bce::Net<f32>, _, 3, 2, 4>(&case, &bce);
    assert!(
        finite(v, &g),
        "sigmoid/binary cross-entropy in f32: loss {v}"
    );
}

#[test]
#[should_panic(expected = "case `no_such_case` is missing from tests/fixtures/reference.json")]
fn a_missing_case_is_a_clear_error() {
    load("no_such_case");
}
