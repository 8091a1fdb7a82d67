//! Picks the memory map for the target (see memory/) and passes the linker arguments.
//!
//! On a real board, replace the memory map with the one of your chip.

use std::{env, fs, path::PathBuf};

fn main() {
    let target = env::var("TARGET").unwrap_or_default();
    // thumbv6m: the Cortex-M0 micro:bit; everything else (thumbv7em-none-eabihf): the
    // Cortex-M4F MPS2 AN386.
    let memory = if target.starts_with("thumbv6m") {
        "memory/microbit.x"
    } else {
        "memory/mps2-an386.x"
    };
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    fs::copy(memory, out.join("memory.x")).expect("copy the memory map");
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rerun-if-changed=memory");
    println!("cargo:rerun-if-changed=build.rs");
    // `link-arg` (not `link-arg-bins`): test and example firmware link with it too.
    println!("cargo:rustc-link-arg=--nmagic");
    println!("cargo:rustc-link-arg=-Tlink.x");
}
