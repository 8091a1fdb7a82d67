use super::Optimizer;
use crate::{Float, Params};
use nalgebra::ComplexField;

/// RMSProp: `s = a s + (1 - a) g^2; p -= lr g / (sqrt(s) + eps)`, with `a = 0.99` and
/// `eps = 1e-8` by default (PyTorch's).
#[derive(Clone, Debug, PartialEq)]
pub struct RmsProp<N> {
    /// The learning rate.
    pub lr: f64,
    /// Decay rate of the squared-gradient mean.
    pub alpha: f64,
    /// Added to the denominator, after the square root.
    pub eps: f64,
    /// The running mean of squared gradients, shaped like the network.
    pub s: N,
}

impl<N> RmsProp<N> {
    /// RMSProp with learning rate `lr` and the given squared-gradient buffer (zero for a fresh
    /// start); a `const fn`, so the optimizer of a large network can live in a `static`.
    #[must_use]
    pub const fn with_state(lr: f64, s: N) -> Self {
        Self {
            lr,
            alpha: 0.99,
            eps: 1e-8,
            s,
        }
    }

    /// Sets the decay rate `alpha`.
    #[must_use]
    pub const fn with_alpha(mut self, alpha: f64) -> Self {
        self.alpha = alpha;
        self
    }

    /// Sets eps.
    #[must_use]
    pub const fn with_eps(mut self, eps: f64) -> Self {
        self.eps = eps;
        self
    }
}

impl<N: Params> RmsProp<N> {
    /// RMSProp with learning rate `lr`.
    #[must_use]
    pub fn new(lr: f64) -> Self {
        Self::with_state(lr, N::zeroed())
    }
}

impl<N: Params> Optimizer<N> for RmsProp<N> {
    fn step(&mut self, net: &mut N, grads: &N) {
        let of = N::Scalar::of_f64;
        let (a, c) = (of(self.alpha), of(1.0 - self.alpha));
        let (lr, eps) = (of(self.lr), of(self.eps));
        for i in 0..N::TENSORS {
            let s = self.s.tensor_mut(i);
            let p = net.tensor_mut(i);
            for ((p, s), &g) in p.iter_mut().zip(s.iter_mut()).zip(grads.tensor(i)) {
                *s = a * *s + c * g * g;
                *p -= lr * g / (s.sqrt() + eps);
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
