use super::Activation;
use crate::Float;
use nalgebra::SMatrix;

/// Hyperbolic tangent: squashes to (-1, 1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tanh;

impl Activation for Tanh {
    const NAME: &'static str = "Tanh";
    const RELU_FAMILY: bool = false;

    #[inline]
    fn forward<T: Float, const R: usize, const C: usize>(&self, z: &mut SMatrix<T, R, C>) {
        for v in z.as_mut_slice() {
            *v = v.tanh();
        }
    }

    #[inline]
    fn backward<T: Float, const R: usize, const C: usize>(
        &self,
        a: &SMatrix<T, R, C>,
        grad: &mut SMatrix<T, R, C>,
    ) {
        for (g, &a) in grad.as_mut_slice().iter_mut().zip(a.as_slice()) {
            *g *= T::ONE - a * a;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::SVector;

    #[test]
    fn known_values() {
        let mut z = SVector::<f64, 3>::new(0.0, 0.5, -30.0);
        Tanh.forward(&mut z);
        assert_eq!(z[0], 0.0);
        assert!((z[1] - 0.462_117_157_260_009_76).abs() < 1e-15);
        assert_eq!(z[2], -1.0);
    }
}
