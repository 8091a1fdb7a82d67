//! The parameters of a network as a fixed list of tensors, for code that works element by
//! element: optimizers, gradient accumulation, checks.

use crate::Float;
use nalgebra::ComplexField;

/// A value made of parameter tensors: a network, its gradients, or an optimizer's state (which
/// all have the network's type).
///
/// Implemented by `network!`. Tensor `2 * l` is layer `l`'s weight matrix and `2 * l + 1` its
/// bias, each in storage (column-major) order: optimizers do not care about the order, so they
/// use the storage directly.
pub trait Params: Sized {
    /// The scalar type, `f32` or `f64`.
    type Scalar: Float;
    /// Number of parameters (all weights and biases).
    const PARAMS: usize;
    /// Number of tensors: two per layer.
    const TENSORS: usize;

    /// A value with every parameter zero.
    fn zeroed() -> Self;

    /// Tensor `i`; empty if `i >= TENSORS`.
    fn tensor(&self, i: usize) -> &[Self::Scalar];

    /// Tensor `i`, mutably; empty if `i >= TENSORS`.
    fn tensor_mut(&mut self, i: usize) -> &mut [Self::Scalar];

    /// Sets every parameter to zero.
    fn fill_zero(&mut self) {
        for i in 0..Self::TENSORS {
            self.tensor_mut(i).fill(Self::Scalar::ZERO);
        }
    }

    /// `self += alpha * other`, element by element.
    fn add_scaled(&mut self, alpha: Self::Scalar, other: &Self) {
        for i in 0..Self::TENSORS {
            for (p, &o) in self.tensor_mut(i).iter_mut().zip(other.tensor(i)) {
                *p += alpha * o;
            }
        }
    }

    /// `true` if no parameter is NaN or infinite.
    fn all_finite(&self) -> bool {
        (0..Self::TENSORS).all(|i| self.tensor(i).iter().all(|v| v.is_finite()))
    }
}
