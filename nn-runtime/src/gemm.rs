//! A small register-blocked matrix-product kernel for statically sized layers: no packing into
//! heap buffers, no allocation, no_std.
//!
//! It computes `C += A B` where `A` (`m x k`) has contiguous columns and `B` (`k x n`) and `C`
//! (`m x n`) have any strides. `B` is copied panel by panel (`KC` deep, `NR` wide) into a small
//! buffer on the stack, so the inner loop reads it contiguously whatever its strides (a
//! transposed `B` is the common case: the weight gradient `D Xᵀ`). Tiles of `C`, one or two SIMD
//! vectors tall and `NR` wide, are accumulated in registers over the panel's depth: each step
//! loads a piece of a column of `A` and broadcasts `NR` elements of `B`.
//!
//! On x86-64 the tiles are written with AVX-512 and with AVX2/FMA intrinsics; masked loads and
//! stores handle the rows left over at the bottom, so every tile runs vectorised. The best
//! instruction set the CPU supports is chosen at run time with `cpuid` (no `std` needed).
//! Elsewhere (Cortex-M, or x86-64 without AVX2) plain tiles of fixed heights are used. Each tile
//! is its own `#[inline(never)]` function, so that its accumulators stay in registers.

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

/// SIMD tiles for x86-64: `V` vectors tall (1 or 2), `NR` wide, the last vector masked to
/// `rows`. `$mask` makes the mask of the first `r` lanes, `$load`/`$store` are the masked
/// memory operations.
#[cfg(target_arch = "x86_64")]
macro_rules! simd_tile {
    ($name:ident, $t:ty, $v:ty, $m:ty, $lanes:literal, $feat:literal,
     $mask:ident, $load:ident, $store:ident, $set1:ident, $fmadd:ident, $add:ident, $zero:ident) => {
        /// `C += A B` for a tile of `rows` rows (at most `V` vectors) and `NR` columns; see
        /// [`tile`] for the contract, with `rows` in place of `MR`.
        #[inline(never)]
        #[target_feature(enable = $feat)]
        #[allow(clippy::too_many_arguments)]
        unsafe fn $name<const V: usize, const NR: usize>(
            rows: usize,
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
            let full = $mask($lanes);
            let mut masks = [full; V];
            masks[V - 1] = $mask(rows - (V - 1) * $lanes);
            let mut acc: [[$v; V]; NR] = [[$zero(); V]; NR];
            for p in 0..k {
                // SAFETY: the masked loads touch only the tile's `rows` rows of column p of A
                // and the panel's row p: in bounds by the tile contract.
                unsafe {
                    let col = a.add(p * lda);
                    let mut av = [$zero(); V];
                    for v in 0..V {
                        av[v] = $load(col.add(v * $lanes), masks[v]);
                    }
                    let row = b.add(p * rsb);
                    for j in 0..NR {
                        let bv = $set1(*row.add(j));
                        for v in 0..V {
                            acc[j][v] = $fmadd(av[v], bv, acc[j][v]);
                        }
                    }
                }
            }
            for (j, acc_j) in acc.iter().enumerate() {
                // SAFETY: only the tile's `rows` rows of column j of the C block are touched.
                unsafe {
                    let cj = c.add(j * csc);
                    if rsc == 1 {
                        for v in 0..V {
                            let ptr = cj.add(v * $lanes);
                            $store(ptr, masks[v], $add($load(ptr, masks[v]), acc_j[v]));
                        }
                    } else {
                        let mut tmp = [0.0 as $t; 2 * $lanes];
                        for v in 0..V {
                            $store(tmp.as_mut_ptr().add(v * $lanes), full, acc_j[v]);
                        }
                        for (i, x) in tmp.iter().enumerate().take(rows) {
                            *cj.add(i * rsc) += *x;
                        }
                    }
                }
            }
        }
    };
}

#[cfg(target_arch = "x86_64")]
mod masks {
    //! Masked loads and stores of the first lanes of a vector, per instruction set and type.
    use core::arch::x86_64::*;

    #[inline]
    #[target_feature(enable = "avx512f")]
    pub fn m16(rows: usize) -> __mmask16 {
        ((1u32 << rows) - 1) as __mmask16
    }
    #[inline]
    #[target_feature(enable = "avx512f")]
    pub fn m8(rows: usize) -> __mmask8 {
        ((1u32 << rows) - 1) as __mmask8
    }
    #[inline]
    #[target_feature(enable = "avx2")]
    pub fn m8x32(rows: usize) -> __m256i {
        _mm256_cmpgt_epi32(
            _mm256_set1_epi32(rows as i32),
            _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7),
        )
    }
    #[inline]
    #[target_feature(enable = "avx2")]
    pub fn m4x64(rows: usize) -> __m256i {
        _mm256_cmpgt_epi64(
            _mm256_set1_epi64x(rows as i64),
            _mm256_setr_epi64x(0, 1, 2, 3),
        )
    }
    /// # Safety
    /// The masked lanes of `p` must be readable.
    #[inline]
    #[target_feature(enable = "avx512f")]
    pub unsafe fn ld_ps16(p: *const f32, m: __mmask16) -> __m512 {
        unsafe { _mm512_maskz_loadu_ps(m, p) }
    }
    /// # Safety
    /// The masked lanes of `p` must be writable.
    #[inline]
    #[target_feature(enable = "avx512f")]
    pub unsafe fn st_ps16(p: *mut f32, m: __mmask16, v: __m512) {
        unsafe { _mm512_mask_storeu_ps(p, m, v) }
    }
    /// # Safety
    /// The masked lanes of `p` must be readable.
    #[inline]
    #[target_feature(enable = "avx512f")]
    pub unsafe fn ld_pd8(p: *const f64, m: __mmask8) -> __m512d {
        unsafe { _mm512_maskz_loadu_pd(m, p) }
    }
    /// # Safety
    /// The masked lanes of `p` must be writable.
    #[inline]
    #[target_feature(enable = "avx512f")]
    pub unsafe fn st_pd8(p: *mut f64, m: __mmask8, v: __m512d) {
        unsafe { _mm512_mask_storeu_pd(p, m, v) }
    }
    /// # Safety
    /// The masked lanes of `p` must be readable.
    #[inline]
    #[target_feature(enable = "avx2")]
    pub unsafe fn ld_ps8(p: *const f32, m: __m256i) -> __m256 {
        unsafe { _mm256_maskload_ps(p, m) }
    }
    /// # Safety
    /// The masked lanes of `p` must be writable.
    #[inline]
    #[target_feature(enable = "avx2")]
    pub unsafe fn st_ps8(p: *mut f32, m: __m256i, v: __m256) {
        unsafe { _mm256_maskstore_ps(p, m, v) }
    }
    /// # Safety
    /// The masked lanes of `p` must be readable.
    #[inline]
    #[target_feature(enable = "avx2")]
    pub unsafe fn ld_pd4(p: *const f64, m: __m256i) -> __m256d {
        unsafe { _mm256_maskload_pd(p, m) }
    }
    /// # Safety
    /// The masked lanes of `p` must be writable.
    #[inline]
    #[target_feature(enable = "avx2")]
    pub unsafe fn st_pd4(p: *mut f64, m: __m256i, v: __m256d) {
        unsafe { _mm256_maskstore_pd(p, m, v) }
    }
}

#[cfg(target_arch = "x86_64")]
use masks::*;

#[cfg(target_arch = "x86_64")]
simd_tile!(
    tile_f32_avx512,
    f32,
    __m512,
    __mmask16,
    16,
    "avx512f",
    m16,
    ld_ps16,
    st_ps16,
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
    __m256i,
    8,
    "avx2,fma",
    m8x32,
    ld_ps8,
    st_ps8,
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
    __mmask8,
    8,
    "avx512f",
    m8,
    ld_pd8,
    st_pd8,
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
    __m256i,
    4,
    "avx2,fma",
    m4x64,
    ld_pd4,
    st_pd4,
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

/// A compiled tile: `(rows, k, a, lda, panel, panel row stride, c, rsc, csc)`.
type TileFn<T> = unsafe fn(usize, usize, *const T, usize, *const T, usize, *mut T, usize, usize);

/// The tiles of one instruction-set level.
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
enum Tiles<T> {
    /// Tiles one or two vectors of `lanes` tall, any number of rows up to that (masked).
    Masked {
        lanes: usize,
        wide: [TileFn<T>; 2],
        narrow: [TileFn<T>; 2],
    },
    /// Tiles of fixed heights, tallest first, the last one a single row.
    Fixed {
        heights: [usize; 5],
        wide: [TileFn<T>; 5],
        narrow: [TileFn<T>; 5],
    },
}

impl<T> Tiles<T> {
    /// For `left` remaining rows: how many the next tile takes, and its `NR`-wide and
    /// one-column versions.
    fn next(&self, left: usize) -> (usize, TileFn<T>, TileFn<T>) {
        match self {
            Tiles::Masked {
                lanes,
                wide,
                narrow,
            } => {
                let i = usize::from(left <= *lanes);
                (left.min(2 * lanes), wide[i], narrow[i])
            }
            Tiles::Fixed {
                heights,
                wide,
                narrow,
            } => {
                let i = heights
                    .iter()
                    .position(|&h| h <= left)
                    .unwrap_or(heights.len() - 1);
                (heights[i].min(left), wide[i], narrow[i])
            }
        }
    }
}

/// `C += A B` over the whole matrices, tile by tile.
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
    // Not zeroed: only the `depth x cols` corner written below is ever read, and zeroing the
    // whole panel would cost more than a small product.
    let mut panel = [[core::mem::MaybeUninit::<T>::uninit(); NR]; KC];
    let mut j = 0;
    while j < n {
        let cols = NR.min(n - j);
        let mut p0 = 0;
        while p0 < k {
            let depth = KC.min(k - p0);
            for (p, row) in panel.iter_mut().enumerate().take(depth) {
                for (jj, v) in row.iter_mut().enumerate().take(cols) {
                    // SAFETY: element (p0 + p, j + jj) of B, in bounds by the contract.
                    v.write(unsafe { *b.add((p0 + p) * rsb + (j + jj) * csb) });
                }
            }
            let (a0, b0, c0) = (
                a.wrapping_add(p0 * lda),
                panel.as_ptr().cast::<T>(),
                c.wrapping_add(j * csc),
            );
            let mut i = 0;
            while i < m {
                let (rows, wide, narrow) = tiles.next(m - i);
                let (ai, ci) = (a0.wrapping_add(i), c0.wrapping_add(i * rsc));
                // SAFETY: the tile's block (`rows` rows from i, `cols` columns from j) lies
                // inside C, its rows inside A (from column p0, `depth` columns) and its columns
                // inside the initialised corner of the panel, by the loop bounds and this
                // function's contract.
                unsafe {
                    if cols == NR {
                        wide(rows, depth, ai, lda, b0, NR, ci, rsc, csc);
                    } else {
                        for jj in 0..cols {
                            narrow(
                                rows,
                                depth,
                                ai,
                                lda,
                                b0.add(jj),
                                NR,
                                ci.add(jj * csc),
                                rsc,
                                csc,
                            );
                        }
                    }
                }
                i += rows;
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

/// Defines the entry point of one scalar type: the fixed-height tiles for the baseline, the
/// masked SIMD tiles for AVX2 and AVX-512, and the run-time choice.
macro_rules! entry_point {
    ($t:ty, $name:ident, baseline: [$h0:literal, $h1:literal, $h2:literal, $h3:literal], avx2: ($avx2:ident, $l2:literal), avx512: ($avx512:ident, $l5:literal)) => {
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
            /// A fixed-height tile (`rows` is always `H`).
            #[inline(never)]
            #[allow(clippy::too_many_arguments)]
            unsafe fn t<const H: usize, const C: usize>(
                _rows: usize,
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
            // SAFETY (all arms): forwarded; a level's tiles run only on a CPU that has its
            // instruction set (detected by `level`).
            unsafe {
                match level() {
                    #[cfg(target_arch = "x86_64")]
                    Level::Avx512 => {
                        let tiles = Tiles::Masked {
                            lanes: $l5,
                            wide: [$avx512::<2, 6>, $avx512::<1, 6>],
                            narrow: [$avx512::<2, 1>, $avx512::<1, 1>],
                        };
                        gemm::<$t, 6>(&tiles, m, n, k, a, lda, b, rsb, csb, c, rsc, csc)
                    }
                    #[cfg(target_arch = "x86_64")]
                    Level::Avx2 => {
                        let tiles = Tiles::Masked {
                            lanes: $l2,
                            wide: [$avx2::<2, 6>, $avx2::<1, 6>],
                            narrow: [$avx2::<2, 1>, $avx2::<1, 1>],
                        };
                        gemm::<$t, 6>(&tiles, m, n, k, a, lda, b, rsb, csb, c, rsc, csc)
                    }
                    _ => {
                        let tiles = Tiles::Fixed {
                            heights: [$h0, $h1, $h2, $h3, 1],
                            wide: [
                                t::<$h0, 4>,
                                t::<$h1, 4>,
                                t::<$h2, 4>,
                                t::<$h3, 4>,
                                t::<1, 4>,
                            ],
                            narrow: [
                                t::<$h0, 1>,
                                t::<$h1, 1>,
                                t::<$h2, 1>,
                                t::<$h3, 1>,
                                t::<1, 1>,
                            ],
                        };
                        gemm::<$t, 4>(&tiles, m, n, k, a, lda, b, rsb, csb, c, rsc, csc)
                    }
                }
            }
        }
    };
}

entry_point!(f32, sgemm, baseline: [8, 4, 2, 2], avx2: (tile_f32_avx2, 8), avx512: (tile_f32_avx512, 16));
entry_point!(f64, dgemm, baseline: [4, 2, 2, 2], avx2: (tile_f64_avx2, 4), avx512: (tile_f64_avx512, 8));
