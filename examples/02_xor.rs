//! 02: learn XOR with plain gradient descent.
//!
//! XOR is the classic problem a network without a hidden layer cannot solve: no single line
//! separates (0,1) and (1,0) from (0,0) and (1,1). One hidden layer with a non-linear activation
//! can. Training here is full-batch gradient descent: each epoch computes the loss over all four
//! samples (forward propagation), its gradient (backpropagation), and takes one step of size
//! `learning_rate * gradient` downhill.
//!
//! Run with `cargo run --release --example 02_xor`.

use nn::prelude::*;

network! {
    /// 2 inputs -> 4 tanh nodes -> 1 sigmoid output (the probability that XOR is 1).
    #[derive(Clone, Debug)]
    pub struct Xor {
        input: 2,
        hidden: Dense<4, Tanh>,
        output: Dense<1, Sigmoid>,
    }
}

/// The four cases of XOR.
pub const INPUTS: [[f32; 2]; 4] = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
/// Their answers.
pub const TARGETS: [[f32; 1]; 4] = [[0.0], [1.0], [1.0], [0.0]];

/// What training achieved.
pub struct Outcome {
    /// The trained network.
    pub net: Xor,
    /// Binary cross-entropy before training.
    pub initial_loss: f64,
    /// Binary cross-entropy after the last epoch.
    pub final_loss: f64,
    /// Epochs run.
    pub epochs: usize,
}

/// Trains XOR with full-batch gradient descent, learning rate 1.0, for 1000 epochs.
pub fn train() -> Result<Outcome, Box<dyn std::error::Error>> {
    let data = Dataset::new(&INPUTS, &TARGETS)?;
    let mut net = Xor::random(1);
    let initial_loss = nn::train::evaluate(&net, &BinaryCrossEntropy, &data).loss;
    let mut optimizer = Sgd::new(1.0);
    let summary = Fit::new(1000).run(
        &mut net,
        &mut optimizer,
        &BinaryCrossEntropy,
        &data,
        FullBatch::<4>,
        |r| {
            if r.epoch % 200 == 0 {
                println!("epoch {:4}: loss {:.5}", r.epoch, r.loss);
            }
        },
    )?;
    Ok(Outcome {
        net,
        initial_loss,
        final_loss: summary.final_loss,
        epochs: summary.epochs,
    })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let outcome = train()?;
    println!(
        "binary cross-entropy: {:.4} before, {:.5} after {} epochs",
        outcome.initial_loss, outcome.final_loss, outcome.epochs
    );
    for (x, y) in INPUTS.iter().zip(TARGETS) {
        let p = outcome.net.forward(&SVector::from(*x))[0];
        println!("{} XOR {} = {} (network says {p:.3})", x[0], x[1], y[0]);
    }
    Ok(())
}
