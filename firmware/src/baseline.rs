//! The reference for instruction counts: the same networks written by hand, as straightforward
//! nalgebra code (static `SMatrix` products), with the same math as `network!`'s generated code:
//! forward propagation, softmax cross-entropy from the logits, backpropagation, and Adam with
//! PyTorch's defaults. `src/bin/bench.rs` runs both on the same data and checks that they agree.

use nn::nalgebra::{ComplexField, SMatrix, SVector};

fn relu(v: f32) -> f32 {
    if v > 0.0 { v } else { 0.0 }
}

/// Zeroes `d` where ReLU's output `a` is 0.
fn relu_mask(d: &mut f32, a: f32) {
    if a <= 0.0 {
        *d = 0.0;
    }
}

/// `w x + b` for each column of `x`.
fn affine<const I: usize, const O: usize, const B: usize>(
    w: &SMatrix<f32, O, I>,
    b: &SVector<f32, O>,
    x: &SMatrix<f32, I, B>,
) -> SMatrix<f32, O, B> {
    let mut z = w * x;
    for mut column in z.column_iter_mut() {
        column += b;
    }
    z
}

/// The 4-16-16-3 iris classifier (ReLU, ReLU, softmax), by hand.
#[derive(Clone, Debug, PartialEq)]
pub struct IrisMlp {
    pub w1: SMatrix<f32, 16, 4>,
    pub b1: SVector<f32, 16>,
    pub w2: SMatrix<f32, 16, 16>,
    pub b2: SVector<f32, 16>,
    pub w3: SMatrix<f32, 3, 16>,
    pub b3: SVector<f32, 3>,
}

impl IrisMlp {
    /// All zero.
    #[must_use]
    pub fn zeros() -> Self {
        Self {
            w1: SMatrix::zeros(),
            b1: SVector::zeros(),
            w2: SMatrix::zeros(),
            b2: SVector::zeros(),
            w3: SMatrix::zeros(),
            b3: SVector::zeros(),
        }
    }

    /// Class probabilities for one sample.
    #[must_use]
    pub fn forward(&self, x: &SVector<f32, 4>) -> SVector<f32, 3> {
        let h1 = (self.w1 * x + self.b1).map(relu);
        let h2 = (self.w2 * h1 + self.b2).map(relu);
        let z = self.w3 * h2 + self.b3;
        let max = z.max();
        let e = z.map(|v| (v - max).exp());
        e / e.sum()
    }

    /// The mean cross-entropy over a batch of one-hot targets, and its gradients in `g`.
    pub fn backprop<const B: usize>(
        &self,
        x: &SMatrix<f32, 4, B>,
        y: &SMatrix<f32, 3, B>,
        g: &mut IrisMlp,
    ) -> f32 {
        let mut a1 = affine(&self.w1, &self.b1, x);
        a1.apply(|v| *v = relu(*v));
        let mut a2 = affine(&self.w2, &self.b2, &a1);
        a2.apply(|v| *v = relu(*v));
        let z3 = affine(&self.w3, &self.b3, &a2);
        let inv_b = 1.0 / B as f32;
        // Softmax and cross-entropy together: loss = logsumexp(z) - y.z, dz = softmax(z) - y.
        let mut loss = 0.0;
        let mut d3 = SMatrix::<f32, 3, B>::zeros();
        for c in 0..B {
            let z = z3.column(c);
            let max = z.max();
            let e = z.map(|v| (v - max).exp());
            let sum = e.sum();
            loss += max + sum.ln() - y.column(c).dot(&z);
            d3.set_column(c, &((e / sum - y.column(c)) * inv_b));
        }
        // Backward: each layer's weight gradient is delta times its input, transposed; the
        // delta of the layer below is W^T delta, masked by ReLU's derivative.
        d3.mul_to(&a2.transpose(), &mut g.w3);
        g.b3 = d3.column_sum();
        let mut d2 = self.w3.tr_mul(&d3);
        d2.zip_apply(&a2, relu_mask);
        d2.mul_to(&a1.transpose(), &mut g.w2);
        g.b2 = d2.column_sum();
        let mut d1 = self.w2.tr_mul(&d2);
        d1.zip_apply(&a1, relu_mask);
        d1.mul_to(&x.transpose(), &mut g.w1);
        g.b1 = d1.column_sum();
        loss * inv_b
    }
}

/// Adam (PyTorch's form and defaults), by hand.
pub struct Adam {
    lr: f32,
    beta1_t: f32,
    beta2_t: f32,
    m: IrisMlp,
    v: IrisMlp,
}

const BETA1: f32 = 0.9;
const BETA2: f32 = 0.999;
const EPS: f32 = 1e-8;

impl Adam {
    /// Adam with learning rate `lr`, moments zero.
    #[must_use]
    pub fn new(lr: f32) -> Self {
        Self {
            lr,
            beta1_t: 1.0,
            beta2_t: 1.0,
            m: IrisMlp::zeros(),
            v: IrisMlp::zeros(),
        }
    }

    /// One step.
    pub fn step(&mut self, net: &mut IrisMlp, g: &IrisMlp) {
        self.beta1_t *= BETA1;
        self.beta2_t *= BETA2;
        let c1 = 1.0 / (1.0 - self.beta1_t);
        let c2 = 1.0 / (1.0 - self.beta2_t);
        let lr = self.lr;
        let update = |p: &mut [f32], m: &mut [f32], v: &mut [f32], g: &[f32]| {
            for (((p, m), v), &g) in p.iter_mut().zip(m).zip(v).zip(g) {
                *m = BETA1 * *m + (1.0 - BETA1) * g;
                *v = BETA2 * *v + (1.0 - BETA2) * g * g;
                *p -= lr * (*m * c1) / ((*v * c2).sqrt() + EPS);
            }
        };
        let (m, v) = (&mut self.m, &mut self.v);
        update(
            net.w1.as_mut_slice(),
            m.w1.as_mut_slice(),
            v.w1.as_mut_slice(),
            g.w1.as_slice(),
        );
        update(
            net.b1.as_mut_slice(),
            m.b1.as_mut_slice(),
            v.b1.as_mut_slice(),
            g.b1.as_slice(),
        );
        update(
            net.w2.as_mut_slice(),
            m.w2.as_mut_slice(),
            v.w2.as_mut_slice(),
            g.w2.as_slice(),
        );
        update(
            net.b2.as_mut_slice(),
            m.b2.as_mut_slice(),
            v.b2.as_mut_slice(),
            g.b2.as_slice(),
        );
        update(
            net.w3.as_mut_slice(),
            m.w3.as_mut_slice(),
            v.w3.as_mut_slice(),
            g.w3.as_slice(),
        );
        update(
            net.b3.as_mut_slice(),
            m.b3.as_mut_slice(),
            v.b3.as_mut_slice(),
            g.b3.as_slice(),
        );
    }
}

/// One training step: backpropagation on a batch, then Adam. Returns the batch's mean loss.
pub fn train_step<const B: usize>(
    net: &mut IrisMlp,
    adam: &mut Adam,
    x: &SMatrix<f32, 4, B>,
    y: &SMatrix<f32, 3, B>,
    grads: &mut IrisMlp,
) -> f32 {
    let loss = net.backprop(x, y, grads);
    adam.step(net, grads);
    loss
}

/// The 1-16-16-1 sine model (tanh, tanh, identity), by hand: inference only.
pub struct SineMlp {
    pub w1: SVector<f32, 16>,
    pub b1: SVector<f32, 16>,
    pub w2: SMatrix<f32, 16, 16>,
    pub b2: SVector<f32, 16>,
    pub w3: SMatrix<f32, 1, 16>,
    pub b3: f32,
}

impl SineMlp {
    /// The prediction for `x`.
    #[must_use]
    pub fn forward(&self, x: f32) -> f32 {
        let h1 = (self.w1 * x + self.b1).map(|v| v.tanh());
        let h2 = (self.w2 * h1 + self.b2).map(|v| v.tanh());
        (self.w3 * h2)[0] + self.b3
    }
}
