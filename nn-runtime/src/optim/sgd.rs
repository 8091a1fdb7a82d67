use super::{Momentum, Optimizer};
use crate::{Float, Params};

/// Plain (stochastic) gradient descent: `p -= lr * g`. No state.
///
/// Whether this is full-batch gradient descent, stochastic gradient descent or mini-batch
/// gradient descent depends only on how many samples the gradients were computed from; see
/// the training module.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sgd {
    /// The learning rate.
    pub lr: f64,
}

impl Sgd {
    /// Gradient descent with learning rate `lr`.
    #[must_use]
    pub const fn new(lr: f64) -> Self {
        Self { lr }
    }

    /// The same with momentum `mu` (PyTorch's form: `v = mu v + g; p -= lr v`).
    #[must_use]
    pub fn with_momentum<N: Params>(self, mu: f64) -> Momentum<N> {
        Momentum::new(self.lr, mu)
    }
}

impl<N: Params> Optimizer<N> for Sgd {
    fn step(&mut self, net: &mut N, grads: &N) {
        net.add_scaled(-N::Scalar::of_f64(self.lr), grads);
    }

    fn learning_rate(&self) -> f64 {
        self.lr
    }

    fn set_learning_rate(&mut self, lr: f64) {
        self.lr = lr;
    }
}
