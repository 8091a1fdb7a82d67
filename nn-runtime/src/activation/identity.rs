use super::Activation;
use crate::Float;
use nalgebra::SMatrix;

/// `f(z) = z`: no activation, for regression outputs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Identity;

impl Activation for Identity {
    const NAME: &'static str = "Identity";
    const RELU_FAMILY: bool = false;

    #[inline(always)]
    fn forward<T: Float, const R: usize, const C: usize>(&self, _z: &mut SMatrix<T, R, C>) {}

    #[inline(always)]
    fn backward<T: Float, const R: usize, const C: usize>(
        &self,
        _a: &SMatrix<T, R, C>,
        _grad: &mut SMatrix<T, R, C>,
    ) {
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::SVector;

    #[test]
    fn leaves_values_alone() {
        let mut z = SVector::<f32, 3>::new(-2.0, 0.0, 3.5);
        Identity.forward(&mut z);
        assert_eq!(z, SVector::<f32, 3>::new(-2.0, 0.0, 3.5));
    }
}
