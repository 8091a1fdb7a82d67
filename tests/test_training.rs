//! Training: the examples reach their stated results (seeded, so never flaky), and the three
//! ways to train, schedules, callbacks and errors behave as documented.

use nn::prelude::*;
use nn::train::{DataError, Summary, evaluate};

#[allow(dead_code)]
#[path = "../examples/02_xor.rs"]
mod xor;

#[allow(dead_code)]
#[path = "../examples/03_iris.rs"]
mod iris;

#[allow(dead_code)]
#[path = "../examples/04_sine.rs"]
mod sine;

#[test]
fn xor_is_learned_by_gradient_descent() {
    let outcome = xor::train().unwrap();
    assert!(outcome.initial_loss > 0.5, "{}", outcome.initial_loss);
    assert!(outcome.final_loss < 0.01, "{}", outcome.final_loss);
    for (x, y) in xor::INPUTS.iter().zip(xor::TARGETS) {
        let p = outcome.net.forward(&SVector::from(*x))[0];
        assert!((p - y[0]).abs() < 0.05, "{x:?}: {p}");
    }
}

#[test]
fn iris_reaches_95_percent_on_held_out_data() {
    let outcome = iris::train().unwrap();
    assert!(
        outcome.held_out.accuracy >= 0.95,
        "held-out accuracy {}",
        outcome.held_out.accuracy
    );
    assert!(
        outcome.train.accuracy >= 0.95,
        "training accuracy {}",
        outcome.train.accuracy
    );
}

#[test]
fn sine_regression_reaches_mse_below_1e_3() {
    let outcome = sine::train().unwrap();
    assert!(outcome.mse < 1e-3, "{}", outcome.mse);
    assert!(outcome.mse_between < 1e-3, "{}", outcome.mse_between);
}

network! {
    #[derive(Clone, Debug, PartialEq)]
    struct Small {
        input: 2,
        hidden: Dense<6, Tanh>,
        output: Dense<1, Identity>,
    }
}

/// Ten samples of a simple function.
fn data() -> ([[f32; 2]; 10], [[f32; 1]; 10]) {
    let x: [[f32; 2]; 10] = core::array::from_fn(|i| [i as f32 / 10.0, 1.0 - i as f32 / 5.0]);
    let y = x.map(|x| [x[0] * x[1] + 0.5]);
    (x, y)
}

fn fit<S: nn::train::Batching>(
    epochs: usize,
    lr: f64,
    batching: S,
) -> (Small, Result<Summary, TrainError>) {
    let (x, y) = data();
    let data = Dataset::new(&x, &y).unwrap();
    let mut net = Small::random(4);
    let mut opt = Sgd::new(lr);
    let result = Fit::new(epochs)
        .seed(9)
        .run(&mut net, &mut opt, &Mse, &data, batching, |_| ());
    (net, result)
}

#[test]
fn steps_per_epoch_for_each_way_to_train() {
    // Full batch: one step per epoch. SGD: one per sample. Mini-batches of 4 over 10 samples:
    // 4 + 4 + 2, the last partial batch is used.
    assert_eq!(fit(5, 0.1, FullBatch::<4>).1.unwrap().steps, 5);
    assert_eq!(fit(5, 0.1, Stochastic).1.unwrap().steps, 50);
    assert_eq!(fit(5, 0.1, MiniBatch::<4>).1.unwrap().steps, 15);
    assert_eq!(fit(5, 0.1, MiniBatch::<16>).1.unwrap().steps, 5);
}

#[test]
fn every_way_to_train_lowers_the_loss() {
    let (x, y) = data();
    let data = Dataset::new(&x, &y).unwrap();
    let before = evaluate(&Small::random(4), &Mse, &data).loss;
    for (name, net) in [
        ("full batch", fit(200, 0.2, FullBatch::<4>).0),
        ("stochastic", fit(200, 0.02, Stochastic).0),
        ("mini-batch", fit(200, 0.05, MiniBatch::<4>).0),
    ] {
        let after = evaluate(&net, &Mse, &data).loss;
        assert!(after < before / 5.0, "{name}: {before} -> {after}");
    }
}

#[test]
fn full_batch_gradient_does_not_depend_on_the_chunk_size() {
    let a = fit(20, 0.2, FullBatch::<3>).0;
    let b = fit(20, 0.2, FullBatch::<16>).0;
    let mut pa = [0.0f32; 25];
    let mut pb = [0.0f32; 25];
    a.write_params(&mut pa).unwrap();
    b.write_params(&mut pb).unwrap();
    for (u, v) in pa.iter().zip(&pb) {
        assert!((u - v).abs() < 1e-5, "{u} vs {v}");
    }
}

#[test]
fn training_is_bit_reproducible() {
    assert_eq!(
        fit(30, 0.05, MiniBatch::<4>).0,
        fit(30, 0.05, MiniBatch::<4>).0
    );
    assert_eq!(fit(30, 0.05, Stochastic).0, fit(30, 0.05, Stochastic).0);
    // A different seed visits the samples in another order.
    let (x, y) = data();
    let data = Dataset::new(&x, &y).unwrap();
    let mut other = Small::random(4);
    Fit::new(30)
        .seed(10)
        .run(
            &mut other,
            &mut Sgd::new(0.05),
            &Mse,
            &data,
            MiniBatch::<4>,
            |_| (),
        )
        .unwrap();
    assert_ne!(other, fit(30, 0.05, MiniBatch::<4>).0);
}

#[test]
fn a_diverging_loss_is_an_error_naming_epoch_and_step() {
    let (net, result) = fit(100, 1e6, MiniBatch::<4>);
    let Err(TrainError::Diverged { epoch, step, loss }) = result else {
        panic!("expected divergence, got {result:?}");
    };
    assert!(epoch >= 1 && step >= 1);
    assert!(!loss.is_finite() || loss > 1e10);
    let message = result.unwrap_err().to_string();
    assert!(
        message.contains(&format!("epoch {epoch}, step {step}")),
        "{message}"
    );
    assert!(message.contains("smaller learning rate"), "{message}");
    // The failing step was not applied: the parameters are all finite.
    assert!(net.all_finite());
}

#[test]
fn the_callback_reports_every_epoch_and_can_stop_early() {
    let (x, y) = data();
    let data = Dataset::new(&x, &y).unwrap();
    let mut net = Small::random(1);
    let mut history = LossHistory::<50>::new();
    let summary = Fit::new(50)
        .run(
            &mut net,
            &mut Sgd::new(0.1),
            &Mse,
            &data,
            FullBatch::<16>,
            |r| history.record(r),
        )
        .unwrap();
    assert_eq!(history.losses().len(), 50);
    assert_eq!(summary.final_loss, history.losses()[49]);
    assert!(history.losses()[49] < history.losses()[0]);
    assert!(!summary.stopped_early);

    let mut seen = 0;
    let summary = Fit::new(50)
        .run(
            &mut net,
            &mut Sgd::new(0.1),
            &Mse,
            &data,
            FullBatch::<16>,
            |r| {
                seen += 1;
                if r.epoch == 7 {
                    Control::Stop
                } else {
                    Control::Continue
                }
            },
        )
        .unwrap();
    assert_eq!((seen, summary.epochs, summary.stopped_early), (7, 7, true));
}

#[test]
fn step_decay_schedule() {
    let (x, y) = data();
    let data = Dataset::new(&x, &y).unwrap();
    let mut net = Small::random(1);
    let mut opt = Adam::new(0.1);
    let mut rates = [0.0; 7];
    Fit::new(7)
        .schedule(Schedule::StepDecay {
            every: 3,
            factor: 0.5,
        })
        .run(&mut net, &mut opt, &Mse, &data, MiniBatch::<4>, |r| {
            rates[r.epoch - 1] = r.learning_rate
        })
        .unwrap();
    assert_eq!(rates, [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025]);
    // The optimizer gets its own rate back afterwards.
    assert_eq!(Optimizer::<Small>::learning_rate(&opt), 0.1);
}

#[test]
fn bad_data_is_rejected_before_training() {
    let x = [[0.0f32, 1.0], [f32::NAN, 0.0]];
    let y = [[1.0f32], [0.0]];
    assert_eq!(
        Dataset::new(&x, &y).unwrap_err(),
        DataError::NonFinite {
            sample: 1,
            index: 0,
            in_target: false
        }
    );
    let x = [[0.0f32, 1.0]];
    let y = [[f32::INFINITY]];
    let err = Dataset::new(&x, &y).unwrap_err();
    assert_eq!(
        err.to_string(),
        "sample 0 has a non-finite value (NaN or infinite) in its target at index 0"
    );
    let y2 = [[1.0f32], [2.0]];
    assert!(matches!(
        Dataset::new(&x, &y2),
        Err(DataError::LengthMismatch {
            inputs: 1,
            targets: 2
        })
    ));
    let empty: [[f32; 2]; 0] = [];
    let none: [[f32; 1]; 0] = [];
    assert_eq!(Dataset::new(&empty, &none).unwrap_err(), DataError::Empty);
    let (x, y) = data();
    let d = Dataset::new(&x, &y).unwrap();
    assert!(d.split_at(10).is_err());
    assert_eq!(d.split_at(7).unwrap().1.len(), 3);
}

network! {
    struct Classifier {
        input: 2,
        output: Dense<3, Softmax>,
    }
}

#[test]
fn accuracy_counts_argmax_matches() {
    // Weights zero, biases favour class 2: every sample is predicted as class 2.
    let net = Classifier::from_params(&[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0]).unwrap();
    let x = [[1.0f32, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]];
    let y = [
        [0.0f32, 0.0, 1.0],
        [1.0, 0.0, 0.0],
        [0.0, 0.0, 1.0],
        [0.0, 1.0, 0.0],
    ];
    let data = Dataset::new(&x, &y).unwrap();
    assert_eq!(nn::train::accuracy(&net, &data), 0.5);
}

network! {
    #[derive(Debug)]
    struct Lin {
        input: 1,
        output: Dense<1, Identity>,
    }
}

#[test]
fn an_update_that_overflows_is_an_error_too() {
    // Finite loss and gradient, but the step itself overflows to infinity.
    let x = [[1.0f32]];
    let y = [[0.0f32]];
    let data = Dataset::new(&x, &y).unwrap();
    let mut net = Lin::from_params(&[1e15, 0.0]).unwrap();
    let result = Fit::new(1).run(
        &mut net,
        &mut Sgd::new(1e25),
        &Mse,
        &data,
        FullBatch::<4>,
        |_| (),
    );
    assert!(
        matches!(
            result,
            Err(TrainError::Diverged {
                epoch: 1,
                step: 1,
                ..
            })
        ),
        "{result:?}"
    );
}

#[test]
fn the_sample_order_is_close_to_uniform() {
    // Over many seeds, each sample is first equally often (a biased permutation fails this).
    for n in [3usize, 5, 8, 13] {
        let trials = 20_000;
        let mut first = vec![0usize; n];
        for seed in 0..trials {
            first[nn::init::Permutation::new(n, seed as u64).get(0)] += 1;
        }
        let expected = trials as f64 / n as f64;
        let chi2: f64 = first
            .iter()
            .map(|&c| (c as f64 - expected).powi(2) / expected)
            .sum();
        // The 99.9% point of chi-square with n - 1 <= 12 degrees of freedom is below 33.
        assert!(chi2 < 33.0, "n = {n}: {first:?}, chi2 {chi2}");
    }
}
