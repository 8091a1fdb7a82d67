use super::Activation;
use crate::Float;
use nalgebra::SMatrix;

/// Logistic sigmoid, `f(z) = 1 / (1 + e^-z)`: squashes to (0, 1), for binary outputs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sigmoid;

/// The sigmoid of one value. For very negative `z`, `e^-z` overflows to infinity and the result
/// is exactly 0, the correctly rounded answer; no branch is needed.
#[inline]
pub(crate) fn sigmoid<T: Float>(z: T) -> T {
    T::ONE / (T::ONE + (-z).exp())
}

impl Activation for Sigmoid {
    const NAME: &'static str = "Sigmoid";
    const RELU_FAMILY: bool = false;

    #[inline]
    fn forward<T: Float, const R: usize, const C: usize>(&self, z: &mut SMatrix<T, R, C>) {
        for v in z.as_mut_slice() {
            *v = sigmoid(*v);
        }
    }

    #[inline]
    fn backward<T: Float, const R: usize, const C: usize>(
        &self,
        a: &SMatrix<T, R, C>,
        grad: &mut SMatrix<T, R, C>,
    ) {
        for (g, &a) in grad.as_mut_slice().iter_mut().zip(a.as_slice()) {
            *g *= a * (T::ONE - a);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::SVector;

    #[test]
    fn known_values_and_no_overflow() {
        let mut z = SVector::<f64, 4>::new(0.0, 2.0, -1000.0, 1000.0);
        Sigmoid.forward(&mut z);
        assert_eq!(z[0], 0.5);
        assert!((z[1] - 1.0 / (1.0 + (-2.0f64).exp())).abs() < 1e-15);
        assert_eq!(z[2], 0.0);
        assert_eq!(z[3], 1.0);
        let mut g = SVector::<f64, 4>::repeat(1.0);
        Sigmoid.backward(&z, &mut g);
        assert_eq!(g[0], 0.25);
    }
}
