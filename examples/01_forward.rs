//! 01: declare a network and run forward propagation.
//!
//! The quick-start network: 4 input features (iris measurements), one hidden layer of 16 ReLU
//! nodes, and 3 softmax outputs (one probability per species). The weights are random here; the
//! training examples show how they are learned.
//!
//! Run with `cargo run --release --example 01_forward`.

use nn::prelude::*;

network! {
    /// Classifies iris flowers from 4 measurements.
    #[derive(Clone, Debug)]
    pub struct Iris {
        input: 4,                     // the input layer: 4 features
        hidden: Dense<16, Relu>,      // hidden layers: zero or more
        output: Dense<3, Softmax>,    // the last layer is the output layer
    }
}

fn main() -> Result<(), ParamsError> {
    println!(
        "Iris: {} inputs -> {} outputs, {} layers with parameters, {} parameters ({} bytes as f32)",
        Iris::INPUTS,
        Iris::OUTPUTS,
        Iris::LAYERS,
        Iris::PARAMS,
        core::mem::size_of::<Iris>()
    );

    // Seeded random weights: He initialisation before the ReLU layer, Xavier before softmax.
    let net = Iris::random(42);
    println!(
        "hidden.weight is {}x{} (out x in), hidden.bias has {} entries",
        net.hidden.weight.nrows(),
        net.hidden.weight.ncols(),
        net.hidden.bias.len()
    );

    // Forward propagation of one sample: weighted sums, activation, layer after layer.
    let x = SVector::<f32, 4>::new(5.1, 3.5, 1.4, 0.2);
    let z = net.hidden.weight * x + net.hidden.bias; // the hidden layer's weighted sums
    let active = z.iter().filter(|&&v| v > 0.0).count();
    let y = net.forward(&x);
    println!(
        "{active} of 16 hidden ReLU nodes fire for {:?}",
        x.as_slice()
    );
    println!(
        "class probabilities: {:.4} {:.4} {:.4} (sum {:.6})",
        y[0],
        y[1],
        y[2],
        y.sum()
    );

    // A batch: one sample per column. Same answers as sample by sample.
    let batch = SMatrix::<f32, 4, 3>::from_columns(&[
        x,
        SVector::<f32, 4>::new(6.4, 3.2, 4.5, 1.5),
        SVector::<f32, 4>::new(6.3, 3.3, 6.0, 2.5),
    ]);
    let ys = net.forward_batch(&batch);
    for (i, col) in ys.column_iter().enumerate() {
        println!("sample {i}: {:.4} {:.4} {:.4}", col[0], col[1], col[2]);
    }

    // All parameters as one flat slice (PyTorch order), and back.
    let mut flat = [0.0f32; Iris::PARAMS];
    net.write_params(&mut flat)?;
    let copy = Iris::from_params(&flat)?;
    assert_eq!(copy.forward(&x), y);
    println!("exported and re-imported {} parameters", flat.len());

    // A slice of the wrong length is an error, not a panic.
    match Iris::from_params(&flat[..100]) {
        Ok(_) => unreachable!("100 parameters cannot make an Iris"),
        Err(e) => println!("from_params(&flat[..100]): {e}"),
    }
    Ok(())
}
