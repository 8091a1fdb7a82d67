//! Compile-fail tests: each `tests/ui/**/*.rs` must fail to compile with exactly the committed
//! `.stderr`. The toolchain is pinned in `rust-toolchain.toml` so the text is stable; after an
//! intended change, re-bless with `TRYBUILD=overwrite cargo test --test ui` and review the diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*/*.rs");
}
