use super::Activation;
use crate::Float;
use nalgebra::SMatrix;

/// Logistic sigmoid, `f(z) = 1 / (1 + e^-z)`: squashes to (0, 1), for binary outputs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sigmoid;

/// The sigmoid of one value, computed without overflow for large `|z|`.
#[inline]
pub(crate) fn sigmoid<T: Float>(z: T) -> T {
    if z >= T::ZERO {
        T::ONE / (T::ONE + (-z).exp())
    } else {
        let e = z.exp();
        e / (T::ONE + e)
    }
}

impl Activation for Sigmoid {
    const NAME: &'static str = "Sigmoid";
    const RELU_FAMILY: bool = false;

    #[inline]
    fn forward<T: Float, const R: usize, const C: usize>(&self, z: &mut SMatrix<T, R, C>) {
        for v in z.iter_mut() {
            *v = sigmoid(*v);
        }
    }

    #[inline]
    fn backward<T: Float, const R: usize, const C: usize>(
        &self,
        a: &SMatrix<T, R, C>,
        grad: &mut SMatrix<T, R, C>,
    ) {
        for (g, &a) in grad.iter_mut().zip(a.iter()) {
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
