use super::Activation;
use crate::Float;
use nalgebra::SMatrix;

/// Leaky ReLU, `f(z) = z` for `z > 0` and `slope * z` otherwise.
///
/// The slope is 0.01 by default (`LeakyRelu` in the DSL) and can be set with
/// `LeakyRelu(0.2)`. It must be non-negative, which lets the backward pass read the sign of `z`
/// from the output.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LeakyRelu {
    /// The slope for negative inputs.
    pub slope: f64,
}

impl LeakyRelu {
    /// The default slope, 0.01 (as in PyTorch and Keras).
    pub const DEFAULT_SLOPE: f64 = 0.01;

    /// A leaky ReLU with the given slope for negative inputs.
    #[must_use]
    pub const fn new(slope: f64) -> Self {
        Self { slope }
    }
}

impl Default for LeakyRelu {
    fn default() -> Self {
        Self::new(Self::DEFAULT_SLOPE)
    }
}

impl Activation for LeakyRelu {
    const NAME: &'static str = "LeakyRelu";
    const RELU_FAMILY: bool = true;

    #[inline]
    fn forward<T: Float, const R: usize, const C: usize>(&self, z: &mut SMatrix<T, R, C>) {
        let slope = T::of_f64(self.slope);
        for v in z.as_mut_slice() {
            if *v <= T::ZERO {
                *v *= slope;
            }
        }
    }

    #[inline]
    fn backward<T: Float, const R: usize, const C: usize>(
        &self,
        a: &SMatrix<T, R, C>,
        grad: &mut SMatrix<T, R, C>,
    ) {
        let slope = T::of_f64(self.slope);
        for (g, &a) in grad.as_mut_slice().iter_mut().zip(a.as_slice()) {
            if a <= T::ZERO {
                *g *= slope;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::SVector;

    #[test]
    fn scales_negatives() {
        let mut z = SVector::<f64, 3>::new(-2.0, 0.0, 3.0);
        LeakyRelu::new(0.1).forward(&mut z);
        assert_eq!(z, SVector::<f64, 3>::new(-0.2, 0.0, 3.0));
        let mut g = SVector::<f64, 3>::new(1.0, 1.0, 1.0);
        LeakyRelu::new(0.1).backward(&z, &mut g);
        assert_eq!(g, SVector::<f64, 3>::new(0.1, 0.1, 1.0));
        assert_eq!(LeakyRelu::default().slope, 0.01);
    }
}
