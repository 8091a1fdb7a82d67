use super::{Loss, valid};
use crate::{Activation, Float, Sigmoid, activation::sigmoid};
use nalgebra::SMatrix;

/// Binary cross-entropy for yes/no outputs with a [`Sigmoid`] activation: the mean over all
/// outputs of all samples of `-(y log p + (1 - y) log(1 - p))`, `p = sigmoid(z)`.
///
/// Computed from the logits in the stable form `max(z, 0) - z y + ln(1 + e^-|z|)`, fused with
/// the sigmoid, so it is exact for logits of any size; its gradient is `sigmoid(z) - y`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BinaryCrossEntropy;

/// Output activations [`BinaryCrossEntropy`] can follow: only [`Sigmoid`].
#[diagnostic::on_unimplemented(
    message = "`BinaryCrossEntropy` needs a `Sigmoid` output layer, but this network's output layer uses `{Self}`",
    label = "`BinaryCrossEntropy` cannot follow `{Self}`",
    note = "declare the output layer as `output: Dense<N, Sigmoid>`, or use `Mse`, which follows any activation"
)]
pub trait SigmoidOutput: Activation {}

impl SigmoidOutput for Sigmoid {}

impl<A: SigmoidOutput> Loss<A> for BinaryCrossEntropy {
    fn loss_and_delta<T: Float, const R: usize, const C: usize>(
        &self,
        _activation: &A,
        z: &SMatrix<T, R, C>,
        y: &SMatrix<T, R, C>,
        n: usize,
        delta: &mut SMatrix<T, R, C>,
    ) -> T {
        let (n, n_t) = valid::<T, C>(n);
        let scale = T::ONE / (n_t * T::of_f64(R as f64));
        let mut total = T::ZERO;
        for c in 0..C {
            for r in 0..R {
                delta[(r, c)] = if c < n {
                    let (zi, yi) = (z[(r, c)], y[(r, c)]);
                    let relu = if zi > T::ZERO { zi } else { T::ZERO };
                    total += relu - zi * yi + (-zi.abs()).exp().ln_1p();
                    (sigmoid(zi) - yi) * scale
                } else {
                    T::ZERO
                };
            }
        }
        total * scale
    }
}
