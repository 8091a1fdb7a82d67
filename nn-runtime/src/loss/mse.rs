use super::{Loss, valid};
use crate::{Activation, Float};
use nalgebra::SMatrix;

/// Mean squared error: the mean over the batch and the outputs of `(yhat - y)^2`.
///
/// The usual loss for regression. It may follow any output activation, `Softmax` included
/// (through its full Jacobian).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Mse;

impl<A: Activation> Loss<A> for Mse {
    fn loss_and_delta<T: Float, const R: usize, const C: usize>(
        &self,
        activation: &A,
        z: &SMatrix<T, R, C>,
        y: &SMatrix<T, R, C>,
        n: usize,
        delta: &mut SMatrix<T, R, C>,
    ) -> T {
        let (n, n_t) = valid::<T, C>(n);
        let mut a = *z;
        activation.forward(&mut a);
        let scale = T::ONE / (n_t * T::of_f64(R as f64));
        let two_scale = scale + scale;
        let mut sum = T::ZERO;
        for c in 0..C {
            for r in 0..R {
                delta[(r, c)] = if c < n {
                    let d = a[(r, c)] - y[(r, c)];
                    sum += d * d;
                    two_scale * d
                } else {
                    T::ZERO
                };
            }
        }
        activation.backward(&a, delta);
        sum * scale
    }
}
