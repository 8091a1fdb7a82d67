//! Matrix products for batches.
//!
//! nalgebra multiplies statically sized matrices one column at a time (a chain of AXPYs), which
//! reaches about a quarter of a modern CPU's peak on batches. Products large enough to gain are
//! therefore computed by the register-blocked kernel in `gemm.rs` (no packing, no allocation,
//! no_std; on x86-64 it picks AVX-512 or AVX2 code at run time). Small ones stay with nalgebra,
//! whose code is fully unrolled for small static sizes. The three products of a dense layer
//! (forward `W X`, weight gradient `D Xᵀ`, input gradient `Wᵀ D`) are expressed with strides;
//! only the input gradient copies its (small) `D` into transposed order.

use crate::Float;
use nalgebra::SMatrix;

/// Products with fewer multiply-adds than this run through nalgebra.
///
/// On x86-64 the SIMD kernel wins from about a thousand multiply-adds. Elsewhere it has only
/// its plain (scalar or auto-vectorised) tiles, which lose to nalgebra's fully unrolled static
/// code on microcontrollers (measured on the Cortex-M4F and M0 firmware: +71% and +6%
/// instructions for an iris training step), so there every product stays with nalgebra.
#[cfg(target_arch = "x86_64")]
pub const GEMM_MIN_MACS: usize = 1024;
/// Products with fewer multiply-adds than this run through nalgebra (all of them on this
/// target; see the x86-64 value).
#[cfg(not(target_arch = "x86_64"))]
pub const GEMM_MIN_MACS: usize = usize::MAX;

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

    /// `true` if every element the shape and strides address lies in `len` elements.
    fn fits(rows: usize, cols: usize, rs: usize, cs: usize, len: usize) -> bool {
        rows == 0 || cols == 0 || (rows - 1) * rs + (cols - 1) * cs < len
    }
}

/// `c += a b` (`c` given by its storage and strides), every shape and bound checked.
fn gemm_acc<T: Float>(a: Operand<'_, T>, b: Operand<'_, T>, c: &mut [T], rsc: usize, csc: usize) {
    let (m, k, n) = (a.rows, a.cols, b.cols);
    let ok = a.rs == 1
        && b.rows == k
        && Operand::<T>::fits(m, k, 1, a.cs, a.data.len())
        && Operand::<T>::fits(k, n, b.rs, b.cs, b.data.len())
        && Operand::<T>::fits(m, n, rsc, csc, c.len());
    assert!(ok, "kernel shapes");
    // SAFETY: `a` has contiguous columns, every element the kernel addresses in `a`, `b` and
    // `c` is in bounds (checked above), and `c` is an exclusive borrow, so it overlaps neither
    // shared operand.
    unsafe {
        T::gemm_acc(
            m,
            n,
            k,
            (a.data.as_ptr(), a.cs),
            (b.data.as_ptr(), b.rs, b.cs),
            (c.as_mut_ptr(), rsc, csc),
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
        gemm_acc(Operand::of(w), Operand::of(x), z.as_mut_slice(), 1, O);
    }
}

/// `g = d aᵀ`, for a layer's weight gradient.
#[inline]
pub fn mul_transposed<T: Float, const O: usize, const I: usize, const B: usize>(
    g: &mut SMatrix<T, O, I>,
    d: &SMatrix<T, O, B>,
    a: &SMatrix<T, I, B>,
) {
    // A slice fill is a memset; nalgebra's `fill` on a large static matrix is much slower.
    g.as_mut_slice().fill(T::ZERO);
    if O * I * B < GEMM_MIN_MACS {
        for b in 0..B {
            g.ger(T::ONE, &d.column(b), &a.column(b), T::ONE);
        }
    } else {
        gemm_acc(
            Operand::of(d),
            Operand::transposed(a),
            g.as_mut_slice(),
            1,
            O,
        );
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
        // (wᵀ d)ᵀ = dᵀ w: the kernel wants contiguous columns in its left operand, which dᵀ
        // has once copied (it is only O x B). The result is written transposed, through strides.
        let dt: SMatrix<T, B, O> = d.transpose();
        let mut out = SMatrix::<T, I, B>::zeros();
        gemm_acc(Operand::of(&dt), Operand::of(w), out.as_mut_slice(), I, 1);
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

    fn fill32<const R: usize, const C: usize>(seed: u64) -> SMatrix<f32, R, C> {
        fill::<R, C>(seed).map(|v| v as f32)
    }

    /// All three products against nalgebra's, in f64 and f32.
    fn check<const O: usize, const I: usize, const B: usize>() {
        let w = fill::<O, I>(1);
        let x = fill::<I, B>(2);
        let mut z = fill::<O, B>(3);
        let want = z + w * x;
        add_mul(&mut z, &w, &x);
        assert!((z - want).norm() < 1e-10, "add_mul {O}x{I}x{B}");
        let d = fill::<O, B>(4);
        let mut g = SMatrix::<f64, O, I>::repeat(f64::NAN);
        mul_transposed(&mut g, &d, &x);
        assert!(
            (g - d * x.transpose()).norm() < 1e-10,
            "mul_transposed {O}x{I}x{B}"
        );
        assert!(
            (transposed_mul(&w, &d) - w.transpose() * d).norm() < 1e-10,
            "transposed_mul {O}x{I}x{B}"
        );
        let (w, x, d) = (fill32::<O, I>(5), fill32::<I, B>(6), fill32::<O, B>(7));
        let mut z = SMatrix::<f32, O, B>::zeros();
        add_mul(&mut z, &w, &x);
        assert!((z - w * x).norm() < 1e-3);
        let mut g = SMatrix::<f32, O, I>::zeros();
        mul_transposed(&mut g, &d, &x);
        assert!((g - d * x.transpose()).norm() < 1e-3);
        assert!((transposed_mul(&w, &d) - w.transpose() * d).norm() < 1e-3);
    }

    /// Shapes that exercise full tiles, the narrower row tiles, single rows and single columns
    /// at every kernel level.
    #[test]
    fn products_match_nalgebra() {
        check::<3, 4, 2>(); // nalgebra path
        check::<40, 30, 8>();
        check::<37, 29, 13>();
        check::<64, 33, 7>();
        check::<10, 128, 32>();
        check::<48, 200, 3>();
        check::<1, 2048, 1>();
        check::<70, 1, 20>();
    }
}
