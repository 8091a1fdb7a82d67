//! Seeded, machine-independent random numbers and weight initialisation.
//!
//! [`Rng`] is xoshiro256\*\* seeded through SplitMix64: integer-only, so a seed gives the same
//! stream on every machine. Weights are drawn from uniform distributions whose bounds are computed
//! in `f64` with correctly rounded operations only, so `Network::random(seed)` gives the same bits
//! everywhere.

use crate::Float;

/// A small, fast, seedable pseudo-random number generator (xoshiro256\*\*).
///
/// Not cryptographic. Used for weight initialisation and for shuffling training data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rng {
    s: [u64; 4],
}

impl Rng {
    /// A generator whose whole stream is determined by `seed`.
    #[must_use]
    pub const fn new(seed: u64) -> Self {
        // SplitMix64 spreads any seed (0 included) over the 256-bit state.
        let mut x = seed;
        let mut s = [0u64; 4];
        let mut i = 0;
        while i < 4 {
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            s[i] = z ^ (z >> 31);
            i += 1;
        }
        Self { s }
    }

    /// The next 64 random bits.
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// A uniform `f64` in `[0, 1)` with 53 random bits.
    #[inline]
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A uniform value in `[low, high)`, computed in `f64` and rounded to `T`.
    #[inline]
    pub fn uniform<T: Float>(&mut self, low: f64, high: f64) -> T {
        T::of_f64(low + (high - low) * self.next_f64())
    }

    /// A uniform integer in `0..n` without modulo bias; `0` when `n == 0`.
    #[inline]
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        let n = n as u64;
        // Lemire's multiply-and-reject method.
        loop {
            let m = u128::from(self.next_u64()) * u128::from(n);
            let low = m as u64;
            if low >= n.wrapping_neg() % n {
                return (m >> 64) as usize;
            }
        }
    }

    /// Shuffles `items` in place (Fisher-Yates), uniformly over all permutations.
    pub fn shuffle<I>(&mut self, items: &mut [I]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

/// How a layer's weights are initialised. Biases always start at zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Init {
    /// He (Kaiming) uniform: `U(-sqrt(6 / fan_in), sqrt(6 / fan_in))`, for layers followed by
    /// ReLU or leaky ReLU.
    He,
    /// Xavier (Glorot) uniform: `U(-sqrt(6 / (fan_in + fan_out)), ...)`, for layers followed by
    /// sigmoid, tanh, softmax or nothing.
    Xavier,
}

impl Init {
    /// The scheme `network!` picks for a layer followed by `activation`.
    #[must_use]
    pub const fn for_activation<A: crate::Activation>() -> Self {
        if A::RELU_FAMILY {
            Init::He
        } else {
            Init::Xavier
        }
    }

    /// The half-width of the uniform distribution for a layer with these fan-in and fan-out.
    #[must_use]
    pub fn bound(self, fan_in: usize, fan_out: usize) -> f64 {
        let denom = match self {
            Init::He => fan_in as f64,
            Init::Xavier => (fan_in + fan_out) as f64,
        };
        // sqrt is correctly rounded (IEEE 754), so this is the same on every machine.
        nalgebra::ComplexField::sqrt(6.0 / denom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_is_fixed_by_the_seed() {
        let mut a = Rng::new(42);
        let mut b = Rng::new(42);
        let mut c = Rng::new(43);
        let xs: [u64; 4] = core::array::from_fn(|_| a.next_u64());
        let ys: [u64; 4] = core::array::from_fn(|_| b.next_u64());
        let zs: [u64; 4] = core::array::from_fn(|_| c.next_u64());
        assert_eq!(xs, ys);
        assert_ne!(xs, zs);
    }

    #[test]
    fn below_stays_in_range_and_covers_it() {
        let mut r = Rng::new(7);
        let mut seen = [0usize; 5];
        for _ in 0..5000 {
            seen[r.below(5)] += 1;
        }
        assert!(seen.iter().all(|&n| n > 850 && n < 1150), "{seen:?}");
        assert_eq!(r.below(0), 0);
    }

    #[test]
    fn shuffle_is_a_permutation() {
        let mut r = Rng::new(1);
        let mut v = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
        r.shuffle(&mut v);
        assert_ne!(v, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        let mut sorted = v;
        sorted.sort_unstable();
        assert_eq!(sorted, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }

    #[test]
    fn bounds() {
        assert_eq!(Init::He.bound(6, 100), 1.0);
        assert_eq!(Init::Xavier.bound(2, 4), 1.0);
    }
}

/// A seeded pseudo-random permutation of `0..n` that needs no memory: an eight-round Feistel
/// network over the next power of four, with cycle walking back into range.
///
/// Training uses it to visit the samples in a new random order every epoch without an index
/// buffer, so data can stay in flash.
#[derive(Clone, Debug)]
pub struct Permutation {
    n: u64,
    half_bits: u32,
    keys: [u64; 8],
}

impl Permutation {
    /// A permutation of `0..n` chosen by `seed`.
    #[must_use]
    pub fn new(n: usize, seed: u64) -> Self {
        let n = n as u64;
        let bits = (64 - n.saturating_sub(1).leading_zeros()).max(2);
        let half_bits = bits.div_ceil(2);
        let mut rng = Rng::new(seed);
        let keys: [u64; 8] = core::array::from_fn(|_| rng.next_u64());
        Self { n, half_bits, keys }
    }

    /// The element at position `i` (for `i < n`; other `i` are returned unchanged).
    #[inline]
    #[must_use]
    pub fn get(&self, i: usize) -> usize {
        let mut x = i as u64;
        if x >= self.n {
            return i;
        }
        // Each round is a bijection on 0..4^half_bits, so walking the cycle from a value in
        // range returns to the range; the domain is less than 4n, so this takes < 4 rounds on
        // average.
        loop {
            x = self.feistel(x);
            if x < self.n {
                return x as usize;
            }
        }
    }

    #[inline]
    fn feistel(&self, x: u64) -> u64 {
        let mask = (1u64 << self.half_bits) - 1;
        let (mut l, mut r) = (x >> self.half_bits, x & mask);
        for &k in &self.keys {
            let mut f = (r ^ k).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            f ^= f >> 29;
            f = f.wrapping_mul(0xBF58_476D_1CE4_E5B9);
            f ^= f >> 32;
            (l, r) = (r, l ^ (f & mask));
        }
        (l << self.half_bits) | r
    }
}

#[cfg(test)]
mod permutation_tests {
    use super::Permutation;

    #[test]
    fn is_a_permutation_for_many_sizes() {
        for n in [1usize, 2, 3, 5, 16, 17, 150, 1000] {
            for seed in 0..4 {
                let p = Permutation::new(n, seed);
                let mut seen = [false; 1000];
                for i in 0..n {
                    let j = p.get(i);
                    assert!(j < n && !seen[j], "n {n} seed {seed}: {i} -> {j}");
                    seen[j] = true;
                }
            }
        }
    }

    #[test]
    fn different_seeds_give_different_orders() {
        let a: [usize; 10] = core::array::from_fn(|i| Permutation::new(150, 1).get(i));
        let b: [usize; 10] = core::array::from_fn(|i| Permutation::new(150, 2).get(i));
        assert_ne!(a, b);
        let identity: [usize; 10] = core::array::from_fn(|i| i);
        assert_ne!(a, identity);
    }
}
