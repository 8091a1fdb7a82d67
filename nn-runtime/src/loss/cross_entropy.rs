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
            let mut arg = 0;
            for (i, &v) in zc.iter().enumerate() {
                if v > zc[arg] {
                    arg = i;
                }
            }
            let max = zc[arg];
            // One exponential per logit: e_i = exp(z_i - max) is kept in `delta` until the
            // sum is known, then turned into softmax_i = e_i / sum. The largest contributes
            // exactly 1; the others are summed apart, so `ln(sum) = ln_1p(others)` keeps its
            // precision when the loss is tiny.
            let mut others = T::ZERO;
            for (i, (d, &v)) in col.iter_mut().zip(zc.iter()).enumerate() {
                *d = (v - max).exp();
                if i != arg {
                    others += *d;
                }
            }
            let sum_exp = T::ONE + others;
            // Relative to the largest logit, so that no two large, nearly equal numbers are
            // subtracted: the loss is `sum y * ln(sum_exp) - sum y (z - max)`.
            let mut y_sum = T::ZERO;
            let mut y_dot_shifted = T::ZERO;
            for (&yi, &zi) in yc.iter().zip(zc.iter()) {
                y_sum += yi;
                y_dot_shifted += yi * (zi - max);
            }
            total += y_sum * others.ln_1p() - y_dot_shifted;
            let scale = y_sum * inv_n / sum_exp;
            for (d, &yi) in col.iter_mut().zip(yc.iter()) {
                *d = *d * scale - yi * inv_n;
            }
        }
        total * inv_n
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::SVector;

    #[test]
    fn small_losses_keep_their_precision_in_f32() {
        // Two classes, the right one far ahead: the loss is ln(1 + e^-(a - b)), tiny but not 0.
        for (a, b) in [(30.0f32, 16.0f32), (1000.0, 985.0), (1000.0, 990.0)] {
            let z = SVector::<f32, 2>::new(a, b);
            let y = SVector::<f32, 2>::new(1.0, 0.0);
            let got = f64::from(Loss::<Softmax>::loss(&CrossEntropy, &Softmax, &z, &y, 1));
            let exact = (f64::from(b) - f64::from(a)).exp().ln_1p();
            assert!(
                (got - exact).abs() <= 1e-3 * exact,
                "({a}, {b}): {got} vs {exact}"
            );
        }
    }
}
