use super::Activation;
use crate::Float;
use nalgebra::SMatrix;

/// Rectified linear unit, `f(z) = max(0, z)`: the usual choice for hidden layers.
///
/// Its derivative is taken as 0 at `z = 0`, as PyTorch and JAX do.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Relu;

impl Activation for Relu {
    const NAME: &'static str = "Relu";
    const RELU_FAMILY: bool = true;

    #[inline]
    fn forward<T: Float, const R: usize, const C: usize>(&self, z: &mut SMatrix<T, R, C>) {
        for v in z.as_mut_slice() {
            // Written as a select so NaN propagates and LLVM emits a vector max.
            *v = if *v > T::ZERO { *v } else { T::ZERO };
        }
    }

    #[inline]
    fn backward<T: Float, const R: usize, const C: usize>(
        &self,
        a: &SMatrix<T, R, C>,
        grad: &mut SMatrix<T, R, C>,
    ) {
        for (g, &a) in grad.as_mut_slice().iter_mut().zip(a.as_slice()) {
            if a <= T::ZERO {
                *g = T::ZERO;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::SVector;

    #[test]
    fn clamps_negatives_and_masks_gradient() {
        let mut z = SVector::<f64, 4>::new(-2.0, 0.0, 0.5, 3.0);
        Relu.forward(&mut z);
        assert_eq!(z, SVector::<f64, 4>::new(0.0, 0.0, 0.5, 3.0));
        let mut g = SVector::<f64, 4>::new(1.0, 1.0, 1.0, 2.0);
        Relu.backward(&z, &mut g);
        assert_eq!(g, SVector::<f64, 4>::new(0.0, 0.0, 1.0, 2.0));
    }
}
