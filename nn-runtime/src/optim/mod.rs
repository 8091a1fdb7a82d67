//! Optimizers: how gradients change the parameters.
//!
//! Gradient descent moves every parameter a small step against its gradient:
//! `p = p - learning_rate * g`. The learning rate sets the step size: too large and training
//! overshoots and diverges, too small and it crawls. The optimizers here refine that rule; all
//! follow PyTorch's conventions, so results are comparable with it, JAX/optax and Keras.
//!
//! An optimizer's state is plain data shaped like the network (the network's own type), so its
//! size is a compile-time constant: [`Sgd`] has none, [`Momentum`] one network-sized buffer,
//! [`Adam`] and [`RmsProp`] two and one. Nothing is allocated.

mod adam;
mod momentum;
mod rmsprop;
mod sgd;

pub use adam::Adam;
pub use momentum::Momentum;
pub use rmsprop::RmsProp;
pub use sgd::Sgd;

use crate::Params;

/// Something that updates a network's parameters from their gradients.
pub trait Optimizer<N: Params> {
    /// Applies one update: `grads` are the gradients of the loss for `net`'s current
    /// parameters (as `backprop` returns them).
    fn step(&mut self, net: &mut N, grads: &N);

    /// The current learning rate.
    fn learning_rate(&self) -> f64;

    /// Changes the learning rate (for schedules); the state is kept.
    fn set_learning_rate(&mut self, lr: f64);
}
