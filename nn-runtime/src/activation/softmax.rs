use super::Activation;
use crate::Float;
use nalgebra::SMatrix;

/// Softmax over each sample's outputs, `f(z)_i = e^(z_i) / sum_j e^(z_j)`: turns scores into
/// class probabilities that sum to 1.
///
/// The largest score is subtracted first, so logits near 1000 stay finite and exact.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Softmax;

impl Activation for Softmax {
    const NAME: &'static str = "Softmax";
    const RELU_FAMILY: bool = false;

    #[inline]
    fn forward<T: Float, const R: usize, const C: usize>(&self, z: &mut SMatrix<T, R, C>) {
        // Column by column on the contiguous storage (one sample per column).
        for col in z.as_mut_slice().chunks_exact_mut(R) {
            let mut max = col[0];
            for &v in col.iter() {
                if v > max {
                    max = v;
                }
            }
            let mut sum = T::ZERO;
            for v in col.iter_mut() {
                *v = (*v - max).exp();
                sum += *v;
            }
            let inv = T::ONE / sum;
            for v in col.iter_mut() {
                *v *= inv;
            }
        }
    }

    /// The full Jacobian-vector product: `dz_i = a_i (g_i - sum_j g_j a_j)`.
    #[inline]
    fn backward<T: Float, const R: usize, const C: usize>(
        &self,
        a: &SMatrix<T, R, C>,
        grad: &mut SMatrix<T, R, C>,
    ) {
        let columns = grad
            .as_mut_slice()
            .chunks_exact_mut(R)
            .zip(a.as_slice().chunks_exact(R));
        for (g, a) in columns {
            let dot = g
                .iter()
                .zip(a.iter())
                .fold(T::ZERO, |s, (&g, &a)| s + g * a);
            for (g, &a) in g.iter_mut().zip(a.iter()) {
                *g = a * (*g - dot);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::{SMatrix, SVector};

    #[test]
    fn sums_to_one_and_survives_large_logits() {
        let mut z = SMatrix::<f64, 3, 2>::new(1000.0, 1.0, 1001.0, 2.0, 1002.0, 3.0);
        Softmax.forward(&mut z);
        for c in 0..2 {
            let col = z.column(c);
            assert!((col.sum() - 1.0).abs() < 1e-15);
            let e = [1.0, 1f64.exp(), 2f64.exp()];
            let s: f64 = e.iter().sum();
            for (r, e) in e.iter().enumerate() {
                assert!((col[r] - e / s).abs() < 1e-15);
            }
        }
    }

    #[test]
    fn backward_matches_finite_differences() {
        let z0 = SVector::<f64, 3>::new(0.3, -1.2, 2.0);
        let w = SVector::<f64, 3>::new(0.5, -2.0, 1.5);
        let f = |z: SVector<f64, 3>| {
            let mut a = z;
            Softmax.forward(&mut a);
            a.dot(&w)
        };
        let mut a = z0;
        Softmax.forward(&mut a);
        let mut g = w;
        Softmax.backward(&a, &mut g);
        for i in 0..3 {
            let mut zp = z0;
            let mut zm = z0;
            zp[i] += 1e-6;
            zm[i] -= 1e-6;
            let fd = (f(zp) - f(zm)) / 2e-6;
            assert!((fd - g[i]).abs() < 1e-8, "{i}: {fd} vs {}", g[i]);
        }
    }
}
