//! Loss functions: how far the network's outputs are from the targets.
//!
//! A loss takes the output layer's weighted sums `z` (its *logits*), the output activation and
//! the targets, and returns the mean loss over the batch together with its gradient with respect
//! to `z`. Working from the logits lets [`CrossEntropy`] and [`BinaryCrossEntropy`] use the
//! numerically stable fused forms (log-sum-exp), so logits near 1000 stay exact.
//!
//! Which loss may follow which output activation is checked at compile time: [`Mse`] follows
//! any activation, [`CrossEntropy`] needs [`Softmax`](crate::Softmax), and
//! [`BinaryCrossEntropy`] needs [`Sigmoid`](crate::Sigmoid).

mod binary_cross_entropy;
mod cross_entropy;
mod mse;

pub use binary_cross_entropy::{BinaryCrossEntropy, SigmoidOutput};
pub use cross_entropy::{CrossEntropy, SoftmaxOutput};
pub use mse::Mse;

use crate::{Activation, Float};
use nalgebra::SMatrix;

/// A loss that can follow the output activation `A`.
pub trait Loss<A: Activation> {
    /// The mean loss over the first `n` columns (samples) of the batch, and its gradient with
    /// respect to the logits `z` in `delta`. Columns from `n` on are ignored: their `delta` is
    /// zero, so they contribute nothing to the gradients. `n` is at most `C` and at least 1.
    fn loss_and_delta<T: Float, const R: usize, const C: usize>(
        &self,
        activation: &A,
        z: &SMatrix<T, R, C>,
        y: &SMatrix<T, R, C>,
        n: usize,
        delta: &mut SMatrix<T, R, C>,
    ) -> T;

    /// The mean loss over the first `n` samples, without the gradient.
    fn loss<T: Float, const R: usize, const C: usize>(
        &self,
        activation: &A,
        z: &SMatrix<T, R, C>,
        y: &SMatrix<T, R, C>,
        n: usize,
    ) -> T {
        let mut delta = SMatrix::<T, R, C>::zeros();
        self.loss_and_delta(activation, z, y, n, &mut delta)
    }
}

/// `n` clamped to `1..=C`, as a scalar.
#[inline]
fn valid<T: Float, const C: usize>(n: usize) -> (usize, T) {
    let n = n.clamp(1, C.max(1));
    (n, T::of_f64(n as f64))
}
