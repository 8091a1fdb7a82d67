//! A small register-blocked matrix-product kernel for statically sized layers: no packing, no
//! allocation, no_std.
//!
//! It computes `C += A B` where `A` (`m x k`) has contiguous columns and `B` (`k x n`) and `C`
//! (`m x n`) have any strides. Tiles of `MR x NR` elements of `C` are accumulated in registers
//! over the whole `k` dimension: each step loads `MR` consecutive elements of a column of `A`
//! and broadcasts `NR` elements of `B`. `MR` is a few SIMD vectors, so the inner loop
//! vectorises; remainders use a narrower tile, then single rows.
//!
//! On x86-64 the kernel is compiled three times, for AVX-512, for AVX2 with FMA and for the
//! baseline, and the fastest the CPU supports is chosen at run time with `cpuid` (no `std`
//! needed). Each tile loop is an `#[inline(never)]` function so that its accumulators stay in
//! registers.

use crate::Float;

/// One `MR x NR` tile: `C[0..MR, 0..NR] += A[0..MR, 0..k] B[0..k, 0..NR]`, with `B` a packed
/// panel whose rows (`NR` values each) are `rsb` apart.
///
/// # Safety
/// `a` must address `MR` elements at each of `k` column offsets `p * lda`; `b` the `NR`
/// consecutive elements at each `p * rsb`; `c` the elements `i * rsc + j * csc`, for all
/// `i < MR, j < NR, p < k`.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn tile<T: Float, const MR: usize, const NR: usize>(
    k: usize,
    a: *const T,
    lda: usize,
    b: *const T,
    rsb: usize,
    c: *mut T,
    rsc: usize,
    csc: usize,
) {
    let mut acc = [[T::ZERO; MR]; NR];
    for p in 0..k {
        // SAFETY: in bounds by this function's contract.
        let (col, row): ([T; MR], [T; NR]) = unsafe {
            (
                core::ptr::read_unaligned(a.add(p * lda).cast::<[T; MR]>()),
                core::ptr::read_unaligned(b.add(p * rsb).cast::<[T; NR]>()),
            )
        };
        // Written as whole-column updates so that the compiler vectorises along the column
        // (`i`), keeping each accumulator column in registers, rather than across `j`.
        for j in 0..NR {
            let bv = row[j];
            acc[j] = core::array::from_fn(|i| acc[j][i] + col[i] * bv);
        }
    }
    for (j, acc_j) in acc.iter().enumerate() {
        if rsc == 1 {
            // SAFETY: in bounds by this function's contract (a contiguous column of C).
            let cj = unsafe { &mut *c.add(j * csc).cast::<[T; MR]>() };
            for (cv, &v) in cj.iter_mut().zip(acc_j) {
                *cv += v;
            }
        } else {
            for (i, &v) in acc_j.iter().enumerate() {
                // SAFETY: in bounds by this function's contract.
                unsafe { *c.add(i * rsc + j * csc) += v };
            }
        }
    }
}

/// Explicit-SIMD versions of the tallest tile (two vectors tall, `NR` wide) for x86-64, where
/// the compiler's own vectorisation of the generic tile picks the wrong loop.
#[cfg(target_arch = "x86_64")]
macro_rules! simd_tile {
    ($name:ident, $t:ty, $v:ty, $lanes:literal, $feat:literal, $load:ident, $store:ident, $set1:ident, $fmadd:ident, $add:ident, $zero:ident) => {
        /// `C += A B` for a tile two vectors tall and `NR` wide; see [`tile`] for the contract.
        #[inline(never)]
        #[target_feature(enable = $feat)]
        #[allow(clippy::too_many_arguments)]
        unsafe fn $name<const NR: usize>(
            k: usize,
            a: *const $t,
            lda: usize,
            b: *const $t,
            rsb: usize,
            c: *mut $t,
            rsc: usize,
            csc: usize,
        ) {
            use core::arch::x86_64::*;
            let mut acc: [[$v; 2]; NR] = [[$zero(); 2]; NR];
            for p in 0..k {
                // SAFETY: in bounds by the tile contract (2 * lanes rows of column p of A, NR
                // values of row p of the panel).
                unsafe {
                    let col = a.add(p * lda);
                    let (a0, a1) = ($load(col), $load(col.add($lanes)));
                    let row = b.add(p * rsb);
                    for (j, acc_j) in acc.iter_mut().enumerate() {
                        let bv = $set1(*row.add(j));
                        acc_j[0] = $fmadd(a0, bv, acc_j[0]);
                        acc_j[1] = $fmadd(a1, bv, acc_j[1]);
                    }
                }
            }
            for (j, acc_j) in acc.iter().enumerate() {
                // SAFETY: in bounds by the tile contract (column j of the C block).
                unsafe {
                    let cj = c.add(j * csc);
                    if rsc == 1 {
                        $store(cj, $add($load(cj), acc_j[0]));
                        $store(cj.add($lanes), $add($load(cj.add($lanes)), acc_j[1]));
                    } else {
                        let mut tmp = [0.0 as $t; 2 * $lanes];
                        $store(tmp.as_mut_ptr(), acc_j[0]);
                        $store(tmp.as_mut_ptr().add($lanes), acc_j[1]);
                        for (i, v) in tmp.iter().enumerate() {
                            *cj.add(i * rsc) += *v;
                        }
                    }
                }
            }
        }
    };
}

#[cfg(target_arch = "x86_64")]
simd_tile!(
    tile_f32_avx512,
    f32,
    __m512,
    16,
    "avx512f",
    _mm512_loadu_ps,
    _mm512_storeu_ps,
    _mm512_set1_ps,
    _mm512_fmadd_ps,
    _mm512_add_ps,
    _mm512_setzero_ps
);
#[cfg(target_arch = "x86_64")]
simd_tile!(
    tile_f32_avx2,
    f32,
    __m256,
    8,
    "avx2,fma",
    _mm256_loadu_ps,
    _mm256_storeu_ps,
    _mm256_set1_ps,
    _mm256_fmadd_ps,
    _mm256_add_ps,
    _mm256_setzero_ps
);
#[cfg(target_arch = "x86_64")]
simd_tile!(
    tile_f64_avx512,
    f64,
    __m512d,
    8,
    "avx512f",
    _mm512_loadu_pd,
    _mm512_storeu_pd,
    _mm512_set1_pd,
    _mm512_fmadd_pd,
    _mm512_add_pd,
    _mm512_setzero_pd
);
#[cfg(target_arch = "x86_64")]
simd_tile!(
    tile_f64_avx2,
    f64,
    __m256d,
    4,
    "avx2,fma",
    _mm256_loadu_pd,
    _mm256_storeu_pd,
    _mm256_set1_pd,
    _mm256_fmadd_pd,
    _mm256_add_pd,
    _mm256_setzero_pd
);

/// Depth of the panels of `B` copied into a contiguous buffer (on the stack: kept small where
/// stacks are small).
#[cfg(target_arch = "x86_64")]
const KC: usize = 256;
#[cfg(not(target_arch = "x86_64"))]
const KC: usize = 32;

/// A compiled tile: `(k, a, lda, panel, panel row stride, c, rsc, csc)`.
type TileFn<T> = unsafe fn(usize, *const T, usize, *const T, usize, *mut T, usize, usize);

/// The tiles of one instruction-set level, from the tallest to a single row: each height
/// with `NR` columns and with one column.
struct Tiles<T> {
    heights: [usize; 5],
    wide: [TileFn<T>; 5],
    narrow: [TileFn<T>; 5],
}

/// `C += A B` over the whole matrices, tile by tile.
///
/// `B` is copied panel by panel (`KC` deep, `NR` wide) into a small buffer on the stack, so the
/// inner loop reads it contiguously whatever its strides (a transposed `B` is the common case:
/// the weight gradient `D Xᵀ`). Each tile is its own `#[inline(never)]` function, compiled for
/// the level's instruction set, so that its accumulators stay in registers.
///
/// # Safety
/// `A` is `m x k` with contiguous columns `lda` apart, `B` is `k x n` with strides `rsb`, `csb`,
/// `C` is `m x n` with strides `rsc`, `csc`; every element so addressed is in bounds, and `C`
/// overlaps neither `A` nor `B`.
#[allow(clippy::too_many_arguments)]
unsafe fn gemm<T: Float, const NR: usize>(
    tiles: &Tiles<T>,
    m: usize,
    n: usize,
    k: usize,
    a: *const T,
    lda: usize,
    b: *const T,
    rsb: usize,
    csb: usize,
    c: *mut T,
    rsc: usize,
    csc: usize,
) {
    let mut panel = [[T::ZERO; NR]; KC];
    let mut j = 0;
    while j < n {
        let cols = NR.min(n - j);
        let mut p0 = 0;
        while p0 < k {
            let depth = KC.min(k - p0);
            for (p, row) in panel.iter_mut().enumerate().take(depth) {
                for (jj, v) in row.iter_mut().enumerate().take(cols) {
                    // SAFETY: element (p0 + p, j + jj) of B, in bounds by the contract.
                    *v = unsafe { *b.add((p0 + p) * rsb + (j + jj) * csb) };
                }
            }
            let (a0, b0, c0) = (
                a.wrapping_add(p0 * lda),
                panel.as_ptr().cast::<T>(),
                c.wrapping_add(j * csc),
            );
            let mut i = 0;
            for (h, (&wide, &narrow)) in tiles
                .heights
                .iter()
                .zip(tiles.wide.iter().zip(&tiles.narrow))
            {
                while m - i >= *h {
                    let (ai, ci) = (a0.wrapping_add(i), c0.wrapping_add(i * rsc));
                    // SAFETY: the tile's block lies inside C, its rows inside A (from column
                    // p0, `depth` columns) and its columns inside the panel, by the loop bounds
                    // and this function's contract.
                    unsafe {
                        if cols == NR {
                            wide(depth, ai, lda, b0, NR, ci, rsc, csc);
                        } else {
                            for jj in 0..cols {
                                narrow(depth, ai, lda, b0.add(jj), NR, ci.add(jj * csc), rsc, csc);
                            }
                        }
                    }
                    i += h;
                }
            }
            p0 += depth;
        }
        j += cols;
    }
}

/// The instruction sets the kernel is compiled for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
pub enum Level {
    /// Whatever the target enables at compile time.
    Baseline,
    /// x86-64 AVX2 with FMA.
    Avx2,
    /// x86-64 AVX-512 (foundation).
    Avx512,
}

/// The best level this CPU supports (detected once, with `cpuid` and `xgetbv`).
#[must_use]
pub fn level() -> Level {
    #[cfg(target_arch = "x86_64")]
    {
        use core::sync::atomic::{AtomicU8, Ordering};
        static LEVEL: AtomicU8 = AtomicU8::new(0);
        let cached = LEVEL.load(Ordering::Relaxed);
        let level = if cached != 0 {
            cached
        } else {
            let detected = detect_x86() as u8 + 1;
            LEVEL.store(detected, Ordering::Relaxed);
            detected
        };
        match level {
            3 => Level::Avx512,
            2 => Level::Avx2,
            _ => Level::Baseline,
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        Level::Baseline
    }
}

/// 0 baseline, 1 AVX2 + FMA, 2 AVX-512F (with the OS saving the registers).
#[cfg(target_arch = "x86_64")]
fn detect_x86() -> usize {
    use core::arch::x86_64::{__cpuid, __cpuid_count, _xgetbv};
    if __cpuid(0).eax < 7 {
        return 0;
    }
    let leaf1 = __cpuid(1);
    let osxsave = leaf1.ecx & (1 << 27) != 0;
    let avx = leaf1.ecx & (1 << 28) != 0;
    let fma = leaf1.ecx & (1 << 12) != 0;
    if !(osxsave && avx) {
        return 0;
    }
    // SAFETY: OSXSAVE is set, so xgetbv is available.
    let xcr0 = unsafe { _xgetbv(0) };
    let leaf7 = __cpuid_count(7, 0);
    let avx2 = leaf7.ebx & (1 << 5) != 0;
    let avx512f = leaf7.ebx & (1 << 16) != 0;
    let ymm_saved = xcr0 & 0b110 == 0b110;
    let zmm_saved = xcr0 & 0b1110_0110 == 0b1110_0110;
    if avx512f && zmm_saved && avx2 && fma {
        2
    } else if avx2 && fma && ymm_saved {
        1
    } else {
        0
    }
}

/// The compiled tiles of one level, for scalar `$t`, `$nr` columns and the listed heights;
/// `$feat` is a `target_feature` list (absent for the baseline).
macro_rules! level {
    ($name:ident, $t:ty, $nr:literal, [$h0:literal, $h1:literal, $h2:literal, $h3:literal] $(, $feat:literal, $simd:ident)?) => {
        fn $name() -> Tiles<$t> {
            /// One tile height, `H` rows by `C` columns, compiled for the level.
            #[inline(never)]
            $(#[target_feature(enable = $feat)])?
            #[allow(clippy::too_many_arguments)]
            unsafe fn t<const H: usize, const C: usize>(
                k: usize,
                a: *const $t,
                lda: usize,
                b: *const $t,
                rsb: usize,
                c: *mut $t,
                rsc: usize,
                csc: usize,
            ) {
                // SAFETY: forwarded from the tile contract.
                unsafe { tile::<$t, H, C>(k, a, lda, b, rsb, c, rsc, csc) }
            }
            #[allow(unused_mut, unused_assignments)]
            let mut tallest: TileFn<$t> = t::<$h0, $nr>;
            $(tallest = $simd::<$nr>;)?
            Tiles {
                heights: [$h0, $h1, $h2, $h3, 1],
                wide: [tallest, t::<$h1, $nr>, t::<$h2, $nr>, t::<$h3, $nr>, t::<1, $nr>],
                narrow: [t::<$h0, 1>, t::<$h1, 1>, t::<$h2, 1>, t::<$h3, 1>, t::<1, 1>],
            }
        }
    };
}

/// Defines the entry point of one scalar type: the three levels and the run-time choice.
macro_rules! entry_point {
    ($t:ty, $name:ident, baseline: $base:tt, avx2: $avx2:tt, $avx2_tile:ident, avx512: $avx512:tt, $avx512_tile:ident) => {
        /// `C += A B` with the best kernel for this CPU; see [`gemm`] for the contract.
        ///
        /// # Safety
        /// As for [`gemm`]: every addressed element in bounds, `C` disjoint from `A` and `B`,
        /// `A` with contiguous columns.
        #[allow(clippy::too_many_arguments)]
        pub(crate) unsafe fn $name(
            m: usize,
            n: usize,
            k: usize,
            a: *const $t,
            lda: usize,
            b: *const $t,
            rsb: usize,
            csb: usize,
            c: *mut $t,
            rsc: usize,
            csc: usize,
        ) {
            level!(baseline, $t, 4, $base);
            #[cfg(target_arch = "x86_64")]
            level!(avx2, $t, 6, $avx2, "avx2,fma", $avx2_tile);
            #[cfg(target_arch = "x86_64")]
            level!(avx512, $t, 6, $avx512, "avx512f,avx2,fma", $avx512_tile);
            // SAFETY (all arms): forwarded; a level's tiles run only on a CPU that has its
            // instruction set (detected by `level`).
            unsafe {
                match level() {
                    #[cfg(target_arch = "x86_64")]
                    Level::Avx512 => {
                        gemm::<$t, 6>(&avx512(), m, n, k, a, lda, b, rsb, csb, c, rsc, csc)
                    }
                    #[cfg(target_arch = "x86_64")]
                    Level::Avx2 => {
                        gemm::<$t, 6>(&avx2(), m, n, k, a, lda, b, rsb, csb, c, rsc, csc)
                    }
                    _ => gemm::<$t, 4>(&baseline(), m, n, k, a, lda, b, rsb, csb, c, rsc, csc),
                }
            }
        }
    };
}

entry_point!(f32, sgemm, baseline: [8, 4, 2, 2], avx2: [16, 8, 4, 2], tile_f32_avx2, avx512: [32, 16, 8, 4], tile_f32_avx512);
entry_point!(f64, dgemm, baseline: [4, 2, 2, 2], avx2: [8, 4, 2, 2], tile_f64_avx2, avx512: [16, 8, 4, 2], tile_f64_avx512);
