//! Matrix products for batches.
//!
//! nalgebra multiplies statically sized matrices one column at a time (a chain of AXPYs), which
//! reaches about a quarter of a modern CPU's peak on batches. Products large enough to gain are
//! therefore handed to matrixmultiply's packed, register-blocked GEMM (no_std; with the `std`
//! feature it picks AVX2/FMA/AVX-512 kernels at run time). Small ones stay with nalgebra, whose
//! code is fully unrolled for small static sizes. All three products of a dense layer (forward
//! `W X`, weight gradient `D Aᵀ`, input gradient `Wᵀ D`) are written with strides, so no
//! transposed copy is ever made.

use crate::Float;
use nalgebra::SMatrix;

/// Products with fewer multiply-adds than this run through nalgebra.
pub const GEMM_MIN_MACS: usize = 1024;

/// A matrix operand: storage, shape and strides (in elements).
#[derive(Clone, Copy)]
struct Operand<'a, T> {
    data: &'a [T],
    rows: usize,
    cols: usize,
    rs: usize,
    cs: usize,
}

impl<'a, T> Operand<'a, T> {
    /// A column-major `R x C` matrix.
    fn of<const R: usize, const C: usize>(m: &'a SMatrix<T, R, C>) -> Self {
        Self {
            data: m.as_slice(),
            rows: R,
            cols: C,
            rs: 1,
            cs: R,
        }
    }

    /// The transpose of a column-major `R x C` matrix, without copying.
    fn transposed<const R: usize, const C: usize>(m: &'a SMatrix<T, R, C>) -> Self {
        Self {
            data: m.as_slice(),
            rows: C,
            cols: R,
            rs: R,
            cs: 1,
        }
    }

    /// `true` if every element the shape and strides address lies in `data`.
    fn in_bounds(&self) -> bool {
        self.rows == 0
            || self.cols == 0
            || (self.rows - 1) * self.rs + (self.cols - 1) * self.cs < self.data.len()
    }
}

/// `c = alpha a b + beta c`, all shapes checked.
fn gemm<T: Float, const M: usize, const N: usize>(
    alpha: T,
    a: Operand<'_, T>,
    b: Operand<'_, T>,
    beta: T,
    c: &mut SMatrix<T, M, N>,
) {
    let shapes_agree = a.rows == M && b.cols == N && a.cols == b.rows;
    assert!(
        shapes_agree && a.in_bounds() && b.in_bounds(),
        "kernel shapes"
    );
    let (rsa, csa, rsb, csb) = (a.rs as isize, a.cs as isize, b.rs as isize, b.cs as isize);
    // SAFETY: the shapes agree, the strides address only elements inside `a.data` and
    // `b.data` (checked above), `c` is an exclusively borrowed column-major M x N matrix, and
    // it cannot overlap the shared borrows `a` and `b`.
    unsafe {
        T::gemm_raw(
            M,
            a.cols,
            N,
            alpha,
            (a.data.as_ptr(), rsa, csa),
            (b.data.as_ptr(), rsb, csb),
            beta,
            (c.as_mut_slice().as_mut_ptr(), 1, M as isize),
        );
    }
}

/// `z += w x`, for a layer's weighted sums of a batch.
#[inline]
pub fn add_mul<T: Float, const O: usize, const I: usize, const B: usize>(
    z: &mut SMatrix<T, O, B>,
    w: &SMatrix<T, O, I>,
    x: &SMatrix<T, I, B>,
) {
    if O * I * B < GEMM_MIN_MACS {
        z.gemm(T::ONE, w, x, T::ONE);
    } else {
        gemm(T::ONE, Operand::of(w), Operand::of(x), T::ONE, z);
    }
}

/// `g = d aᵀ`, for a layer's weight gradient.
#[inline]
pub fn mul_transposed<T: Float, const O: usize, const I: usize, const B: usize>(
    g: &mut SMatrix<T, O, I>,
    d: &SMatrix<T, O, B>,
    a: &SMatrix<T, I, B>,
) {
    if O * I * B < GEMM_MIN_MACS {
        g.fill(T::ZERO);
        for b in 0..B {
            g.ger(T::ONE, &d.column(b), &a.column(b), T::ONE);
        }
    } else {
        gemm(T::ONE, Operand::of(d), Operand::transposed(a), T::ZERO, g);
    }
}

/// `wᵀ d`, for the gradient with respect to a layer's inputs.
#[inline]
pub fn transposed_mul<T: Float, const O: usize, const I: usize, const B: usize>(
    w: &SMatrix<T, O, I>,
    d: &SMatrix<T, O, B>,
) -> SMatrix<T, I, B> {
    if O * I * B < GEMM_MIN_MACS {
        w.tr_mul(d)
    } else {
        let mut out = SMatrix::<T, I, B>::zeros();
        gemm(
            T::ONE,
            Operand::transposed(w),
            Operand::of(d),
            T::ZERO,
            &mut out,
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fill<const R: usize, const C: usize>(seed: u64) -> SMatrix<f64, R, C> {
        let mut rng = crate::Rng::new(seed);
        SMatrix::from_fn(|_, _| rng.uniform(-1.0, 1.0))
    }

    #[test]
    fn products_match_nalgebra_on_both_paths() {
        // Large enough for the GEMM path.
        let w = fill::<40, 30>(1);
        let x = fill::<30, 8>(2);
        let mut z = fill::<40, 8>(3);
        let want = z + w * x;
        add_mul(&mut z, &w, &x);
        assert!((z - want).norm() < 1e-12);
        let d = fill::<40, 8>(4);
        let mut g = SMatrix::<f64, 40, 30>::repeat(f64::NAN);
        mul_transposed(&mut g, &d, &x);
        assert!((g - d * x.transpose()).norm() < 1e-12);
        assert!((transposed_mul(&w, &d) - w.transpose() * d).norm() < 1e-12);
        // Small: the nalgebra path.
        let w = fill::<3, 4>(5);
        let x = fill::<4, 2>(6);
        let d = fill::<3, 2>(7);
        let mut g = SMatrix::<f64, 3, 4>::repeat(f64::NAN);
        mul_transposed(&mut g, &d, &x);
        assert!((g - d * x.transpose()).norm() < 1e-12);
        assert!((transposed_mul(&w, &d) - w.transpose() * d).norm() < 1e-12);
    }
}
