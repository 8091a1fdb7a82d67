//! Data in flash, generated on the host by `firmware/gen`.

#[rustfmt::skip]
pub mod iris;
#[rustfmt::skip]
pub mod sine;

/// The four cases of XOR.
pub static XOR_INPUTS: [[f32; 2]; 4] = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
/// Their answers.
pub static XOR_TARGETS: [[f32; 1]; 4] = [[0.0], [1.0], [1.0], [0.0]];
