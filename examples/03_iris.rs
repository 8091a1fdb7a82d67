//! 03: classify iris flowers with mini-batch Adam, and check on held-out data.
//!
//! 150 flowers, 4 measurements each, 3 species. The data is shuffled (seeded) and split into
//! 120 training and 30 held-out samples; the network never sees the held-out ones while it
//! learns, so its accuracy on them tells how well it generalises. Features are standardised
//! with the training set's mean and standard deviation. Training uses mini-batches of 16,
//! reshuffled every epoch, the cross-entropy loss (fused with the softmax output) and Adam.
//!
//! Run with `cargo run --release --example 03_iris`.

use nn::prelude::*;
use nn::train::{evaluate, shuffle_together};

network! {
    /// Iris species from sepal and petal length and width.
    #[derive(Clone, Debug)]
    pub struct Iris {
        input: 4,
        hidden1: Dense<16, Relu>,
        hidden2: Dense<16, Relu>,
        output: Dense<3, Softmax>,
    }
}

/// The data set shipped with the examples (see examples/data/README.md for its source).
const CSV: &str = include_str!("data/iris.csv");

/// Number of training samples; the remaining 30 are held out.
pub const TRAIN: usize = 120;
/// Epochs of training.
pub const EPOCHS: usize = 150;

/// Features (sepal length and width, petal length and width) and one-hot species.
pub type Samples = (Vec<[f32; 4]>, Vec<[f32; 3]>);

/// Parses the CSV into features and one-hot targets.
pub fn load() -> Result<Samples, String> {
    let mut inputs = Vec::new();
    let mut targets = Vec::new();
    for (n, line) in CSV.lines().enumerate().skip(1) {
        let fields: Vec<&str> = line.split(',').collect();
        let [a, b, c, d, species] = fields.as_slice() else {
            return Err(format!(
                "line {}: expected 5 fields, found {}",
                n + 1,
                fields.len()
            ));
        };
        let num = |s: &str| {
            s.trim()
                .parse::<f32>()
                .map_err(|e| format!("line {}: {e}", n + 1))
        };
        inputs.push([num(a)?, num(b)?, num(c)?, num(d)?]);
        let mut onehot = [0.0; 3];
        let class: usize = species
            .trim()
            .parse()
            .map_err(|e| format!("line {}: {e}", n + 1))?;
        *onehot
            .get_mut(class)
            .ok_or(format!("line {}: class {class}", n + 1))? = 1.0;
        targets.push(onehot);
    }
    Ok((inputs, targets))
}

/// What training achieved.
pub struct Outcome {
    /// The trained network.
    pub net: Iris,
    /// Loss and accuracy on the training split.
    pub train: nn::train::Metrics,
    /// Loss and accuracy on the held-out split.
    pub held_out: nn::train::Metrics,
    /// Wall-clock seconds spent in training.
    pub seconds: f64,
}

/// Shuffles, splits, standardises and trains.
pub fn train() -> Result<Outcome, Box<dyn std::error::Error>> {
    let (mut inputs, mut targets) = load()?;
    shuffle_together(&mut inputs, &mut targets, 7);
    standardise(&mut inputs, TRAIN);
    let all = Dataset::new(&inputs, &targets)?;
    let (train_set, held_out_set) = all.split_at(TRAIN)?;

    let mut net = Iris::random(3);
    let mut optimizer = Adam::new(0.01);
    let start = std::time::Instant::now();
    Fit::new(EPOCHS).seed(11).run(
        &mut net,
        &mut optimizer,
        &CrossEntropy,
        &train_set,
        MiniBatch::<16>,
        |r| {
            if r.epoch % 25 == 0 {
                println!("epoch {:3}: training loss {:.4}", r.epoch, r.loss);
            }
        },
    )?;
    let seconds = start.elapsed().as_secs_f64();
    let train = evaluate(&net, &CrossEntropy, &train_set);
    let held_out = evaluate(&net, &CrossEntropy, &held_out_set);
    Ok(Outcome {
        net,
        train,
        held_out,
        seconds,
    })
}

/// Scales each feature to mean 0 and standard deviation 1, using the first `n` samples' statistics.
pub fn standardise(inputs: &mut [[f32; 4]], n: usize) {
    for f in 0..4 {
        let mean = inputs[..n].iter().map(|x| x[f]).sum::<f32>() / n as f32;
        let var = inputs[..n]
            .iter()
            .map(|x| (x[f] - mean).powi(2))
            .sum::<f32>()
            / n as f32;
        let std = var.sqrt().max(1e-6);
        for x in inputs.iter_mut() {
            x[f] = (x[f] - mean) / std;
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let outcome = train()?;
    println!(
        "training:  loss {:.4}, accuracy {:.1}% ({TRAIN} samples)",
        outcome.train.loss,
        100.0 * outcome.train.accuracy
    );
    println!(
        "held out:  loss {:.4}, accuracy {:.1}% ({} samples)",
        outcome.held_out.loss,
        100.0 * outcome.held_out.accuracy,
        150 - TRAIN
    );
    println!(
        "{EPOCHS} epochs in {:.3} s: {:.0} epochs per second",
        outcome.seconds,
        EPOCHS as f64 / outcome.seconds
    );
    Ok(())
}
