//! The scalar types a network can be built from.

use nalgebra::RealField;

mod sealed {
    pub trait Sealed {}
    impl Sealed for f32 {}
    impl Sealed for f64 {}
}

/// A floating-point scalar a network computes in: `f32` (the default) or `f64`.
///
/// The trait is sealed. Its constants make `const fn` construction possible (`zeros()` in a
/// `static`), and its conversions are exact where they can be, so that seeded initialisation gives
/// the same bits on every machine.
pub trait Float: RealField + Copy + Default + core::fmt::Debug + sealed::Sealed + 'static {
    /// `0.0`
    const ZERO: Self;
    /// `1.0`
    const ONE: Self;
    /// The type's name, `"f32"` or `"f64"`.
    const NAME: &'static str;
    /// Converts from `f64`, rounding to nearest.
    fn of_f64(v: f64) -> Self;
    /// Converts to `f64` (exact for both `f32` and `f64`).
    fn as_f64(self) -> f64;

    /// `C += A B` for an `m x k` matrix `A` with contiguous columns `lda` apart, a `k x n`
    /// matrix `B` with strides `(rsb, csb)` and an `m x n` matrix `C` with strides `(rsc, csc)`
    /// (all in elements), through the kernel in `gemm.rs`. Not public API: use the checked
    /// wrappers in `kernels`.
    ///
    /// # Safety
    /// Every element the strides address must be in bounds of its allocation; `C` must not
    /// overlap `A` or `B`.
    #[doc(hidden)]
    #[allow(clippy::too_many_arguments)]
    unsafe fn gemm_acc(
        m: usize,
        n: usize,
        k: usize,
        a: (*const Self, usize),
        b: (*const Self, usize, usize),
        c: (*mut Self, usize, usize),
    );
}

impl Float for f32 {
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
    const NAME: &'static str = "f32";
    #[inline(always)]
    fn of_f64(v: f64) -> Self {
        v as f32
    }
    #[inline(always)]
    fn as_f64(self) -> f64 {
        f64::from(self)
    }
    #[inline]
    unsafe fn gemm_acc(
        m: usize,
        n: usize,
        k: usize,
        a: (*const Self, usize),
        b: (*const Self, usize, usize),
        c: (*mut Self, usize, usize),
    ) {
        // SAFETY: forwarded from this function's contract.
        unsafe { crate::gemm::sgemm(m, n, k, a.0, a.1, b.0, b.1, b.2, c.0, c.1, c.2) }
    }
}

impl Float for f64 {
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
    const NAME: &'static str = "f64";
    #[inline(always)]
    fn of_f64(v: f64) -> Self {
        v
    }
    #[inline(always)]
    fn as_f64(self) -> f64 {
        self
    }
    #[inline]
    unsafe fn gemm_acc(
        m: usize,
        n: usize,
        k: usize,
        a: (*const Self, usize),
        b: (*const Self, usize, usize),
        c: (*mut Self, usize, usize),
    ) {
        // SAFETY: forwarded from this function's contract.
        unsafe { crate::gemm::dgemm(m, n, k, a.0, a.1, b.0, b.1, b.2, c.0, c.1, c.2) }
    }
}
