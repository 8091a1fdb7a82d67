use super::{Loss, valid};
use crate::{Activation, Float, Softmax};
use nalgebra::SMatrix;

/// Cross-entropy for classifiers with a [`Softmax`] output: the mean over the batch of
/// `-sum_i y_i log softmax(z)_i`.
///
/// Computed from the logits with log-sum-exp, fused with the softmax, so it is exact for logits
/// near 1000 and its gradient is simply `softmax(z) * sum(y) - y`. Targets are class
/// probabilities: one-hot vectors, or soft labels.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CrossEntropy;

/// Output activations [`CrossEntropy`] can follow: only [`Softmax`].
#[diagnostic::on_unimplemented(
    message = "`CrossEntropy` needs a `Softmax` output layer, but this network's output layer uses `{Self}`",
    label = "`CrossEntropy` cannot follow `{Self}`",
    note = "declare the output layer as `output: Dense<N, Softmax>`, or use `Mse`, which follows any activation"
)]
pub trait SoftmaxOutput: Activation {}

impl SoftmaxOutput for Softmax {}

impl<A: SoftmaxOutput> Loss<A> for CrossEntropy {
    fn loss_and_delta<T: Float, const R: usize, const C: usize>(
        &self,
        _activation: &A,
        z: &SMatrix<T, R, C>,
        y: &SMatrix<T, R, C>,
        n: usize,
        delta: &mut SMatrix<T, R, C>,
    ) -> T {
        let (n, n_t) = valid::<T, C>(n);
        let inv_n = T::ONE / n_t;
        let mut total = T::ZERO;
        for c in 0..C {
            let mut col = delta.column_mut(c);
            if c >= n {
                col.fill(T::ZERO);
                continue;
            }
            let zc = z.column(c);
            let yc = y.column(c);
            let mut max = zc[0];
            for &v in zc.iter() {
                if v > max {
                    max = v;
                }
            }
            // One exponential per logit: e_i = exp(z_i - max) is kept in `delta` until the
            // sum is known, then turned into softmax_i = e_i / sum.
            let mut sum_exp = T::ZERO;
            for (d, &v) in col.iter_mut().zip(zc.iter()) {
                *d = (v - max).exp();
                sum_exp += *d;
            }
            let lse = max + sum_exp.ln();
            let mut y_sum = T::ZERO;
            let mut y_dot_z = T::ZERO;
            for (&yi, &zi) in yc.iter().zip(zc.iter()) {
                y_sum += yi;
                y_dot_z += yi * zi;
            }
            total += y_sum * lse - y_dot_z;
            let scale = y_sum * inv_n / sum_exp;
            for (d, &yi) in col.iter_mut().zip(yc.iter()) {
                *d = *d * scale - yi * inv_n;
            }
        }
        total * inv_n
    }
}
