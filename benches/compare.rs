//! Generated networks against the same networks written by hand, in one run.
//!
//! `cargo bench --bench compare` prints a Markdown table: the median time per operation of the
//! code `network!` generates, of hand-written static nalgebra code, and (for single samples of
//! small networks) of hand-written plain-array loops, with the ratios between them and the
//! achieved GFLOP/s. Variants are timed in interleaved rounds so that machine noise hits all of
//! them alike; compare ratios within one run, not absolute times across runs.
//!
//! `NN_BENCH_QUICK=1` runs a few rounds only (CI uses it to check that the benchmarks work).
//!
//! The workloads live in `common/mod.rs`; `benches/peers` runs them with framework peers (dfdx)
//! added to the same rounds.

mod common;

fn main() {
    common::run(Vec::new);
}
