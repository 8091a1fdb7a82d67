//! 04: regression: fit sin(x) with mean squared error.
//!
//! A regression network predicts a number, so its output layer has no activation (`Identity`)
//! and the loss is the mean squared error between prediction and target. Two tanh hidden layers
//! give a smooth fit. Training uses Adam on mini-batches with a step-decay learning-rate
//! schedule: the rate halves every 500 epochs, so late steps refine instead of jumping around.
//!
//! Run with `cargo run --release --example 04_sine`.

use nn::prelude::*;
use nn::train::evaluate;

network! {
    /// x -> sin(x).
    #[derive(Clone, Debug)]
    pub struct Sine {
        input: 1,
        hidden1: Dense<16, Tanh>,
        hidden2: Dense<16, Tanh>,
        output: Dense<1, Identity>,
    }
}

/// Number of training samples, evenly spaced on [-pi, pi].
pub const SAMPLES: usize = 128;
/// Epochs of training.
pub const EPOCHS: usize = 1500;

/// What training achieved.
pub struct Outcome {
    /// The trained network.
    pub net: Sine,
    /// Mean squared error on the training samples after training.
    pub mse: f64,
    /// Mean squared error on 1000 points between the training samples.
    pub mse_between: f64,
}

fn samples(n: usize, offset: f32) -> (Vec<[f32; 1]>, Vec<[f32; 1]>) {
    let pi = std::f32::consts::PI;
    let xs: Vec<[f32; 1]> = (0..n)
        .map(|i| [-pi + 2.0 * pi * (i as f32 + offset) / (n - 1) as f32])
        .collect();
    let ys = xs.iter().map(|x| [x[0].sin()]).collect();
    (xs, ys)
}

/// Trains the regression.
pub fn train() -> Result<Outcome, Box<dyn std::error::Error>> {
    let (xs, ys) = samples(SAMPLES, 0.0);
    let data = Dataset::new(&xs, &ys)?;
    let mut net = Sine::random(5);
    let mut optimizer = Adam::new(0.01);
    let schedule = Schedule::StepDecay {
        every: 500,
        factor: 0.5,
    };
    Fit::new(EPOCHS).seed(2).schedule(schedule).run(
        &mut net,
        &mut optimizer,
        &Mse,
        &data,
        MiniBatch::<16>,
        |r| {
            if r.epoch % 300 == 0 {
                println!(
                    "epoch {:4}: mse {:.6} (learning rate {})",
                    r.epoch, r.loss, r.learning_rate
                );
            }
        },
    )?;
    let mse = evaluate(&net, &Mse, &data).loss;
    // Points halfway between the training samples: does the fit hold between them?
    let (bx, by) = samples(SAMPLES - 1, 0.5);
    let between = Dataset::new(&bx[..SAMPLES - 2], &by[..SAMPLES - 2])?;
    let mse_between = evaluate(&net, &Mse, &between).loss;
    Ok(Outcome {
        net,
        mse,
        mse_between,
    })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let outcome = train()?;
    println!(
        "final mse {:.2e} on the training samples, {:.2e} between them",
        outcome.mse, outcome.mse_between
    );
    for x in [-3.0f32, -1.5, 0.0, 0.5, 2.0] {
        let y = outcome.net.forward(&SVector::from([x]))[0];
        println!("sin({x:5.2}) = {:7.4}, network says {y:7.4}", x.sin());
    }
    Ok(())
}
