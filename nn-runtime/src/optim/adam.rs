use super::Optimizer;
use crate::{Float, Params};
use nalgebra::ComplexField;

/// Adam (Kingma and Ba, 2015), optionally with decoupled weight decay (AdamW, Loshchilov and
/// Hutter, 2019).
///
/// Keeps running means of the gradients (`m`) and of their squares (`v`), so each parameter
/// gets its own adaptive step:
/// `m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;`
/// `p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)`.
/// With weight decay `wd` (AdamW), `p -= lr * wd * p` as well, from the parameters before the
/// step. Defaults: `b1 = 0.9`, `b2 = 0.999`, `eps = 1e-8`, no weight decay (PyTorch's).
#[derive(Clone, Debug, PartialEq)]
pub struct Adam<N> {
    /// The learning rate.
    pub lr: f64,
    /// Decay rate of the gradient mean.
    pub beta1: f64,
    /// Decay rate of the squared-gradient mean.
    pub beta2: f64,
    /// Added to the denominator, after the square root.
    pub eps: f64,
    /// Decoupled weight decay (0 for plain Adam).
    pub weight_decay: f64,
    /// Steps taken so far.
    pub t: u64,
    /// `beta1^t`, for the bias correction.
    pub beta1_t: f64,
    /// `beta2^t`, for the bias correction.
    pub beta2_t: f64,
    /// First moment, shaped like the network.
    pub m: N,
    /// Second moment, shaped like the network.
    pub v: N,
}

impl<N> Adam<N> {
    /// Adam with learning rate `lr`, the default betas and eps, and the given moment buffers,
    /// which should be zero for a fresh start. A `const fn`: for a large network, build the
    /// optimizer in a `static` (e.g. `Adam::with_state(1e-3, Net::zeros(), Net::zeros())`) so
    /// that it never passes through the stack.
    #[must_use]
    pub const fn with_state(lr: f64, m: N, v: N) -> Self {
        Self {
            lr,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: 0.0,
            t: 0,
            beta1_t: 1.0,
            beta2_t: 1.0,
            m,
            v,
        }
    }

    /// Sets the decay rates of the two moments.
    #[must_use]
    pub const fn with_betas(mut self, beta1: f64, beta2: f64) -> Self {
        self.beta1 = beta1;
        self.beta2 = beta2;
        self
    }

    /// Sets eps.
    #[must_use]
    pub const fn with_eps(mut self, eps: f64) -> Self {
        self.eps = eps;
        self
    }

    /// Sets decoupled weight decay (making this AdamW).
    #[must_use]
    pub const fn with_weight_decay(mut self, weight_decay: f64) -> Self {
        self.weight_decay = weight_decay;
        self
    }
}

impl<N: Params> Adam<N> {
    /// Adam with learning rate `lr` and the default betas and eps.
    #[must_use]
    pub fn new(lr: f64) -> Self {
        Self::with_state(lr, N::zeroed(), N::zeroed())
    }

    /// AdamW: Adam with decoupled weight decay `weight_decay` (PyTorch's default is 0.01).
    #[must_use]
    pub fn adamw(lr: f64, weight_decay: f64) -> Self {
        Self::new(lr).with_weight_decay(weight_decay)
    }
}

impl<N: Params> Optimizer<N> for Adam<N> {
    fn step(&mut self, net: &mut N, grads: &N) {
        self.t += 1;
        // beta^t by repeated multiplication: the same bits on every machine.
        self.beta1_t *= self.beta1;
        self.beta2_t *= self.beta2;
        let of = N::Scalar::of_f64;
        let (b1, b2) = (of(self.beta1), of(self.beta2));
        let (c1, c2) = (of(1.0 - self.beta1), of(1.0 - self.beta2));
        let inv_bc1 = of(1.0 / (1.0 - self.beta1_t));
        let inv_bc2 = of(1.0 / (1.0 - self.beta2_t));
        let (lr, eps) = (of(self.lr), of(self.eps));
        // With no weight decay this multiplies by exactly 1, which changes nothing and keeps
        // the loop free of branches.
        let decay = of(1.0 - self.lr * self.weight_decay);
        for i in 0..N::TENSORS {
            let p = net.tensor_mut(i);
            let n = p.len();
            let (m, v, g) = (
                &mut self.m.tensor_mut(i)[..n],
                &mut self.v.tensor_mut(i)[..n],
                &grads.tensor(i)[..n],
            );
            for k in 0..n {
                m[k] = b1 * m[k] + c1 * g[k];
                v[k] = b2 * v[k] + c2 * g[k] * g[k];
                let update = (m[k] * inv_bc1) / ((v[k] * inv_bc2).sqrt() + eps);
                p[k] = p[k] * decay - lr * update;
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
