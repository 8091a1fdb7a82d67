//! Training data: inputs and targets as slices of fixed-size arrays.

use crate::Float;
use core::fmt;
use nalgebra::{SMatrix, SVector};

/// A data set: one input array and one target array per sample, borrowed (from RAM or flash).
///
/// Checked when built: the same number of inputs and targets, at least one sample, and every
/// value finite. So training never sees NaN or infinite data.
#[derive(Clone, Copy, Debug)]
pub struct Dataset<'a, T, const IN: usize, const OUT: usize> {
    inputs: &'a [[T; IN]],
    targets: &'a [[T; OUT]],
}

/// Why a [`Dataset`] could not be built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DataError {
    /// There are not as many targets as inputs.
    LengthMismatch {
        /// Number of inputs.
        inputs: usize,
        /// Number of targets.
        targets: usize,
    },
    /// There are no samples.
    Empty,
    /// A value is NaN or infinite.
    NonFinite {
        /// Index of the sample.
        sample: usize,
        /// Index of the value within the input or target.
        index: usize,
        /// `true` if it is in the target, `false` if in the input.
        in_target: bool,
    },
    /// A split point beyond the end of the data set.
    SplitOutOfRange {
        /// The requested split point.
        at: usize,
        /// Number of samples.
        len: usize,
    },
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            DataError::LengthMismatch { inputs, targets } => {
                write!(f, "the data set has {inputs} inputs but {targets} targets")
            }
            DataError::Empty => write!(f, "the data set has no samples"),
            DataError::NonFinite {
                sample,
                index,
                in_target,
            } => write!(
                f,
                "sample {sample} has a non-finite value (NaN or infinite) in its {} at index {index}",
                if in_target { "target" } else { "input" }
            ),
            DataError::SplitOutOfRange { at, len } => {
                write!(f, "cannot split a data set of {len} samples at {at}")
            }
        }
    }
}

impl core::error::Error for DataError {}

impl<'a, T: Float, const IN: usize, const OUT: usize> Dataset<'a, T, IN, OUT> {
    /// Checks and wraps the samples.
    ///
    /// # Errors
    /// A [`DataError`] if the lengths differ, there are no samples, or a value is not finite.
    pub fn new(inputs: &'a [[T; IN]], targets: &'a [[T; OUT]]) -> Result<Self, DataError> {
        if inputs.len() != targets.len() {
            return Err(DataError::LengthMismatch {
                inputs: inputs.len(),
                targets: targets.len(),
            });
        }
        if inputs.is_empty() {
            return Err(DataError::Empty);
        }
        for (sample, (x, y)) in inputs.iter().zip(targets).enumerate() {
            if let Some(index) = x.iter().position(|v| !v.is_finite()) {
                return Err(DataError::NonFinite {
                    sample,
                    index,
                    in_target: false,
                });
            }
            if let Some(index) = y.iter().position(|v| !v.is_finite()) {
                return Err(DataError::NonFinite {
                    sample,
                    index,
                    in_target: true,
                });
            }
        }
        Ok(Self { inputs, targets })
    }

    /// Number of samples (at least 1).
    #[must_use]
    pub fn len(&self) -> usize {
        self.inputs.len()
    }

    /// Always `false`: a data set has at least one sample.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The inputs.
    #[must_use]
    pub fn inputs(&self) -> &'a [[T; IN]] {
        self.inputs
    }

    /// The targets.
    #[must_use]
    pub fn targets(&self) -> &'a [[T; OUT]] {
        self.targets
    }

    /// Sample `i` as column vectors.
    #[must_use]
    pub fn sample(&self, i: usize) -> Option<(SVector<T, IN>, SVector<T, OUT>)> {
        Some((
            SVector::from(*self.inputs.get(i)?),
            SVector::from(*self.targets.get(i)?),
        ))
    }

    /// The first `at` samples and the rest, e.g. a training and a held-out split.
    ///
    /// # Errors
    /// [`DataError::SplitOutOfRange`] unless `0 < at < len`.
    pub fn split_at(&self, at: usize) -> Result<(Self, Self), DataError> {
        if at == 0 || at >= self.len() {
            return Err(DataError::SplitOutOfRange {
                at,
                len: self.len(),
            });
        }
        let (xa, xb) = self.inputs.split_at(at);
        let (ya, yb) = self.targets.split_at(at);
        Ok((
            Self {
                inputs: xa,
                targets: ya,
            },
            Self {
                inputs: xb,
                targets: yb,
            },
        ))
    }

    /// Copies up to `B` samples, `order(start)`, `order(start + 1)`, ..., into batch matrices
    /// (one sample per column), zero-filling the unused columns. Returns how many were copied.
    pub(crate) fn gather<const B: usize>(
        &self,
        start: usize,
        order: impl Fn(usize) -> usize,
        x: &mut SMatrix<T, IN, B>,
        y: &mut SMatrix<T, OUT, B>,
    ) -> usize {
        let n = B.min(self.len().saturating_sub(start));
        for c in 0..B {
            if c < n {
                let i = order(start + c);
                x.column_mut(c).copy_from_slice(&self.inputs[i]);
                y.column_mut(c).copy_from_slice(&self.targets[i]);
            } else {
                x.column_mut(c).fill(T::ZERO);
                y.column_mut(c).fill(T::ZERO);
            }
        }
        n
    }
}

/// Shuffles inputs and targets together, in place, with a seeded generator: for making a
/// random held-out split of data that is stored in order.
pub fn shuffle_together<T, const IN: usize, const OUT: usize>(
    inputs: &mut [[T; IN]],
    targets: &mut [[T; OUT]],
    seed: u64,
) {
    let mut rng = crate::Rng::new(seed);
    let n = inputs.len().min(targets.len());
    for i in (1..n).rev() {
        let j = rng.below(i + 1);
        inputs.swap(i, j);
        targets.swap(i, j);
    }
}
