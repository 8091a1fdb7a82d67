//! Hand-written reference implementations, the baselines of the benchmarks: the same networks
//! written the straightforward way, once with static nalgebra matrices and once with plain arrays.

use nn::nalgebra::{SMatrix, SVector};

/// A dense layer written by hand with static nalgebra matrices.
#[derive(Clone)]
pub struct Layer<const I: usize, const O: usize> {
    pub w: SMatrix<f32, O, I>,
    pub b: SVector<f32, O>,
}

impl<const I: usize, const O: usize> Layer<I, O> {
    pub fn from_flat(p: &[f32]) -> Self {
        Self {
            w: SMatrix::from_fn(|r, c| p[r * I + c]),
            b: SVector::from_fn(|r, _| p[O * I + r]),
        }
    }
}

pub fn relu<const R: usize, const C: usize>(m: &mut SMatrix<f32, R, C>) {
    m.apply(|v| *v = v.max(0.0));
}

pub fn softmax_cols<const R: usize, const C: usize>(m: &mut SMatrix<f32, R, C>) {
    for mut col in m.column_iter_mut() {
        let max = col.max();
        col.apply(|v| *v = (*v - max).exp());
        let s = col.sum();
        col /= s;
    }
}

/// Adam state for one layer, written by hand.
pub struct AdamLayer<const I: usize, const O: usize> {
    pub mw: SMatrix<f32, O, I>,
    pub vw: SMatrix<f32, O, I>,
    pub mb: SVector<f32, O>,
    pub vb: SVector<f32, O>,
}

impl<const I: usize, const O: usize> AdamLayer<I, O> {
    pub fn zeros() -> Self {
        Self {
            mw: SMatrix::zeros(),
            vw: SMatrix::zeros(),
            mb: SVector::zeros(),
            vb: SVector::zeros(),
        }
    }

    /// One Adam update (lr 1e-3, PyTorch defaults) of `layer` from `gw`, `gb` at step `t`.
    pub fn step(
        &mut self,
        layer: &mut Layer<I, O>,
        gw: &SMatrix<f32, O, I>,
        gb: &SVector<f32, O>,
        t: i32,
    ) {
        let (b1, b2, lr, eps) = (0.9f32, 0.999f32, 1e-3f32, 1e-8f32);
        let (bc1, bc2) = (1.0 - b1.powi(t), 1.0 - b2.powi(t));
        let update = |p: &mut [f32], m: &mut [f32], v: &mut [f32], g: &[f32]| {
            for i in 0..p.len() {
                m[i] = b1 * m[i] + (1.0 - b1) * g[i];
                v[i] = b2 * v[i] + (1.0 - b2) * g[i] * g[i];
                p[i] -= lr * (m[i] / bc1) / ((v[i] / bc2).sqrt() + eps);
            }
        };
        update(
            layer.w.as_mut_slice(),
            self.mw.as_mut_slice(),
            self.vw.as_mut_slice(),
            gw.as_slice(),
        );
        update(
            layer.b.as_mut_slice(),
            self.mb.as_mut_slice(),
            self.vb.as_mut_slice(),
            gb.as_slice(),
        );
    }
}

/// `input -> hidden (ReLU) -> output (softmax)`, by hand with static nalgebra.
pub struct Mlp1<const I: usize, const H: usize, const O: usize> {
    pub l1: Layer<I, H>,
    pub l2: Layer<H, O>,
}

impl<const I: usize, const H: usize, const O: usize> Mlp1<I, H, O> {
    pub fn forward(&self, x: &SVector<f32, I>) -> SVector<f32, O> {
        let mut a1 = self.l1.w * x + self.l1.b;
        relu(&mut a1);
        let mut a2 = self.l2.w * a1 + self.l2.b;
        softmax_cols(&mut a2);
        a2
    }

    pub fn forward_batch<const B: usize>(&self, x: &SMatrix<f32, I, B>) -> SMatrix<f32, O, B> {
        let mut a1 = self.l1.w * x;
        for mut c in a1.column_iter_mut() {
            c += &self.l1.b;
        }
        relu(&mut a1);
        let mut a2 = self.l2.w * a1;
        for mut c in a2.column_iter_mut() {
            c += &self.l2.b;
        }
        softmax_cols(&mut a2);
        a2
    }

    /// One training step: forward, cross-entropy backprop, Adam.
    pub fn adam_step<const B: usize>(
        &mut self,
        x: &SMatrix<f32, I, B>,
        y: &SMatrix<f32, O, B>,
        opt: &mut (AdamLayer<I, H>, AdamLayer<H, O>),
        t: i32,
    ) -> f32 {
        let mut a1 = self.l1.w * x;
        for mut c in a1.column_iter_mut() {
            c += &self.l1.b;
        }
        relu(&mut a1);
        let mut p = self.l2.w * a1;
        for mut c in p.column_iter_mut() {
            c += &self.l2.b;
        }
        softmax_cols(&mut p);
        let loss = -(y.component_mul(&p.map(|v| v.max(1e-30).ln()))).sum() / B as f32;
        let d2 = (p - y) / B as f32;
        let gw2 = d2 * a1.transpose();
        let gb2 = d2.column_sum();
        let mut d1 = self.l2.w.transpose() * d2;
        d1.zip_apply(&a1, |d, a| {
            if a <= 0.0 {
                *d = 0.0
            }
        });
        let gw1 = d1 * x.transpose();
        let gb1 = d1.column_sum();
        opt.0.step(&mut self.l1, &gw1, &gb1, t);
        opt.1.step(&mut self.l2, &gw2, &gb2, t);
        loss
    }
}

/// `input -> h1 (ReLU) -> h2 (ReLU) -> output (softmax)`, by hand with static nalgebra.
pub struct Mlp2<const I: usize, const H1: usize, const H2: usize, const O: usize> {
    pub l1: Layer<I, H1>,
    pub l2: Layer<H1, H2>,
    pub l3: Layer<H2, O>,
}

impl<const I: usize, const H1: usize, const H2: usize, const O: usize> Mlp2<I, H1, H2, O> {
    pub fn forward(&self, x: &SVector<f32, I>) -> SVector<f32, O> {
        let mut a1 = self.l1.w * x + self.l1.b;
        relu(&mut a1);
        let mut a2 = self.l2.w * a1 + self.l2.b;
        relu(&mut a2);
        let mut a3 = self.l3.w * a2 + self.l3.b;
        softmax_cols(&mut a3);
        a3
    }

    pub fn forward_batch<const B: usize>(&self, x: &SMatrix<f32, I, B>) -> SMatrix<f32, O, B> {
        let mut a1 = self.l1.w * x;
        for mut c in a1.column_iter_mut() {
            c += &self.l1.b;
        }
        relu(&mut a1);
        let mut a2 = self.l2.w * a1;
        for mut c in a2.column_iter_mut() {
            c += &self.l2.b;
        }
        relu(&mut a2);
        let mut a3 = self.l3.w * a2;
        for mut c in a3.column_iter_mut() {
            c += &self.l3.b;
        }
        softmax_cols(&mut a3);
        a3
    }

    /// One training step: forward, cross-entropy backprop, Adam.
    #[allow(clippy::type_complexity)]
    pub fn adam_step<const B: usize>(
        &mut self,
        x: &SMatrix<f32, I, B>,
        y: &SMatrix<f32, O, B>,
        opt: &mut (AdamLayer<I, H1>, AdamLayer<H1, H2>, AdamLayer<H2, O>),
        t: i32,
    ) -> f32 {
        let mut a1 = self.l1.w * x;
        for mut c in a1.column_iter_mut() {
            c += &self.l1.b;
        }
        relu(&mut a1);
        let mut a2 = self.l2.w * a1;
        for mut c in a2.column_iter_mut() {
            c += &self.l2.b;
        }
        relu(&mut a2);
        let mut p = self.l3.w * a2;
        for mut c in p.column_iter_mut() {
            c += &self.l3.b;
        }
        softmax_cols(&mut p);
        let loss = -(y.component_mul(&p.map(|v| v.max(1e-30).ln()))).sum() / B as f32;
        let d3 = (p - y) / B as f32;
        let gw3 = d3 * a2.transpose();
        let gb3 = d3.column_sum();
        let mut d2 = self.l3.w.transpose() * d3;
        d2.zip_apply(&a2, |d, a| {
            if a <= 0.0 {
                *d = 0.0
            }
        });
        let gw2 = d2 * a1.transpose();
        let gb2 = d2.column_sum();
        let mut d1 = self.l2.w.transpose() * d2;
        d1.zip_apply(&a1, |d, a| {
            if a <= 0.0 {
                *d = 0.0
            }
        });
        let gw1 = d1 * x.transpose();
        let gb1 = d1.column_sum();
        opt.0.step(&mut self.l1, &gw1, &gb1, t);
        opt.1.step(&mut self.l2, &gw2, &gb2, t);
        opt.2.step(&mut self.l3, &gw3, &gb3, t);
        loss
    }
}

/// Plain-array forward passes (row-major weights, straightforward loops).
pub mod arrays {
    pub fn dense<const I: usize, const O: usize>(
        w: &[[f32; I]; O],
        b: &[f32; O],
        x: &[f32; I],
    ) -> [f32; O] {
        let mut z = *b;
        for (zo, row) in z.iter_mut().zip(w) {
            for (wi, xi) in row.iter().zip(x) {
                *zo += wi * xi;
            }
        }
        z
    }

    pub fn relu<const N: usize>(v: &mut [f32; N]) {
        for x in v.iter_mut() {
            *x = x.max(0.0);
        }
    }

    pub fn softmax<const N: usize>(v: &mut [f32; N]) {
        let max = v.iter().fold(f32::NEG_INFINITY, |m, &x| m.max(x));
        let mut s = 0.0;
        for x in v.iter_mut() {
            *x = (*x - max).exp();
            s += *x;
        }
        for x in v.iter_mut() {
            *x /= s;
        }
    }

    pub fn row_major<const I: usize, const O: usize>(p: &[f32]) -> ([[f32; I]; O], [f32; O]) {
        let w = core::array::from_fn(|r| core::array::from_fn(|c| p[r * I + c]));
        let b = core::array::from_fn(|r| p[O * I + r]);
        (w, b)
    }
}
