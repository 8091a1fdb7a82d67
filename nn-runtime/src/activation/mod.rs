//! Activation functions: what a layer applies to its weighted sum.
//!
//! A dense layer computes the weighted sum `z = W x + b` and then an activation `a = f(z)`.
//! Without a non-linear activation, any stack of layers would collapse into one linear map.
//!
//! Every activation works in place on a matrix with one sample per column. Its backward pass is
//! written in terms of the activation's *output* `a`, so training only has to keep each layer's
//! output, not its weighted sum as well.

mod identity;
mod leaky_relu;
mod relu;
mod sigmoid;
pub(crate) use sigmoid::sigmoid;
mod softmax;
mod tanh;

pub use identity::Identity;
pub use leaky_relu::LeakyRelu;
pub use relu::Relu;
pub use sigmoid::Sigmoid;
pub use softmax::Softmax;
pub use tanh::Tanh;

use crate::Float;
use nalgebra::SMatrix;

/// An activation function applied element-wise (or, for [`Softmax`], per sample).
pub trait Activation: Copy + core::fmt::Debug {
    /// The name used in the `network!` DSL.
    const NAME: &'static str;
    /// `true` for ReLU-family activations: the layer before them gets He initialisation,
    /// the others Xavier/Glorot.
    const RELU_FAMILY: bool;

    /// Applies the activation in place: `z` (weighted sums, one sample per column) becomes `a`.
    fn forward<T: Float, const R: usize, const C: usize>(&self, z: &mut SMatrix<T, R, C>);

    /// Back-propagates through the activation in place: given its output `a` and the gradient of
    /// the loss with respect to `a` in `grad`, leaves the gradient with respect to `z` in `grad`.
    fn backward<T: Float, const R: usize, const C: usize>(
        &self,
        a: &SMatrix<T, R, C>,
        grad: &mut SMatrix<T, R, C>,
    );
}
