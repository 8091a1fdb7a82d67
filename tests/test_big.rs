//! A 784-128-10 network with Adam trains in a debug test, on a test thread's 2 MB stack: the
//! network, the optimizer state and the gradient buffers (2 MB together) live in `static`s,
//! built at compile time, and never pass through the stack.

use nn::prelude::*;
use nn::train::{Workspace, evaluate};
use std::sync::Mutex;

network! {
    /// MNIST-sized: 784 pixels, 128 hidden nodes, 10 classes.
    pub struct Mnist {
        input: 784,
        hidden: Dense<128, Relu>,
        output: Dense<10, Softmax>,
    }
}

static NET: Mutex<Mnist> = Mutex::new(Mnist::zeros());
static ADAM: Mutex<Adam<Mnist>> =
    Mutex::new(Adam::with_state(1e-3, Mnist::zeros(), Mnist::zeros()));
static WORKSPACE: Mutex<Workspace<Mnist>> =
    Mutex::new(Workspace::new(Mnist::zeros(), Mnist::zeros()));

#[test]
fn mnist_sized_network_trains_without_overflowing_the_stack() {
    // 2 MB is the default for test threads; say so explicitly so the test means it.
    let worker = std::thread::Builder::new().stack_size(2 << 20).spawn(|| {
        assert!(
            std::mem::size_of::<Mnist>()
                + std::mem::size_of::<Adam<Mnist>>()
                + std::mem::size_of::<Workspace<Mnist>>()
                > 2_000_000
        );
        // A learnable toy task: the class is which tenth of the image is brightest.
        let mut rng = Rng::new(5);
        let mut inputs = vec![[0.0f32; 784]; 96];
        let mut targets = vec![[0.0f32; 10]; 96];
        for (i, (x, y)) in inputs.iter_mut().zip(targets.iter_mut()).enumerate() {
            let class = i % 10;
            for (p, v) in x.iter_mut().enumerate() {
                *v = rng.uniform::<f32>(0.0, 0.2) + if p / 79 == class { 0.8 } else { 0.0 };
            }
            y[class] = 1.0;
        }
        let data = Dataset::new(&inputs, &targets).unwrap();

        let mut net = NET.lock().unwrap();
        let mut adam = ADAM.lock().unwrap();
        let mut workspace = WORKSPACE.lock().unwrap();
        net.init_random(1);
        let before = evaluate(&*net, &CrossEntropy, &data);
        let fit = Fit::new(3).seed(2);
        fit.run_in(
            &mut workspace,
            &mut net,
            &mut *adam,
            &CrossEntropy,
            &data,
            MiniBatch::<32>,
            |_| (),
        )
        .unwrap();
        fit.run_in(
            &mut workspace,
            &mut net,
            &mut *adam,
            &CrossEntropy,
            &data,
            FullBatch::<16>,
            |_| (),
        )
        .unwrap();
        let after = evaluate(&*net, &CrossEntropy, &data);
        assert!(
            after.loss < before.loss / 2.0,
            "{} -> {}",
            before.loss,
            after.loss
        );
        assert!(after.accuracy > 0.9, "{}", after.accuracy);
    });
    worker.unwrap().join().unwrap();
}
