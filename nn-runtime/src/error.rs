//! Run-time errors.

use core::fmt;

/// A parameter slice had the wrong length for the network or layer it was meant for.
///
/// Returned by `from_params`, `read_params` and `write_params`; nothing is modified when it is
/// returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParamsError {
    /// How many parameters the network has (`PARAMS`).
    pub expected: usize,
    /// The length of the slice that was passed.
    pub found: usize,
}

impl fmt::Display for ParamsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "wrong number of parameters: the network has {} but the slice holds {}",
            self.expected, self.found
        )
    }
}

impl core::error::Error for ParamsError {}
