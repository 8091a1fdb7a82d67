use super::Optimizer;
use crate::{Float, Params};

/// Gradient descent with momentum: `v = mu v + g; p -= lr v`, or with Nesterov momentum
/// `p -= lr (g + mu v)` (PyTorch's forms, no dampening).
///
/// Made by `Sgd::new(lr).with_momentum(mu)`; its state is one velocity per parameter, held in a
/// value of the network's type.
#[derive(Clone, Debug, PartialEq)]
pub struct Momentum<N> {
    /// The learning rate.
    pub lr: f64,
    /// The momentum factor `mu`.
    pub mu: f64,
    /// Nesterov momentum.
    pub nesterov: bool,
    /// The velocity, shaped like the network.
    pub velocity: N,
}

impl<N> Momentum<N> {
    /// Momentum `mu` with learning rate `lr` and the given velocity buffer (zero for a fresh
    /// start); a `const fn`, so the optimizer of a large network can live in a `static`.
    #[must_use]
    pub const fn with_state(lr: f64, mu: f64, velocity: N) -> Self {
        Self {
            lr,
            mu,
            nesterov: false,
            velocity,
        }
    }

    /// Switches to Nesterov momentum.
    #[must_use]
    pub const fn nesterov(mut self) -> Self {
        self.nesterov = true;
        self
    }
}

impl<N: Params> Momentum<N> {
    /// Momentum `mu` with learning rate `lr`, velocity zero.
    #[must_use]
    pub fn new(lr: f64, mu: f64) -> Self {
        Self::with_state(lr, mu, N::zeroed())
    }
}

impl<N: Params> Optimizer<N> for Momentum<N> {
    fn step(&mut self, net: &mut N, grads: &N) {
        let lr = N::Scalar::of_f64(self.lr);
        let mu = N::Scalar::of_f64(self.mu);
        for i in 0..N::TENSORS {
            let v = self.velocity.tensor_mut(i);
            let p = net.tensor_mut(i);
            for ((p, v), &g) in p.iter_mut().zip(v.iter_mut()).zip(grads.tensor(i)) {
                *v = mu * *v + g;
                let d = if self.nesterov { g + mu * *v } else { *v };
                *p -= lr * d;
            }
        }
    }

    fn learning_rate(&self) -> f64 {
        self.lr
    }

    fn set_learning_rate(&mut self, lr: f64) {
        self.lr = lr;
    }
}
