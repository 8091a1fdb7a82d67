//! Support code shared by the firmware binaries in `src/bin`: the networks and their data in
//! flash, output through semihosting without `core::fmt` (no float printing: integers only),
//! an instruction counter, a memory report, and the panic and fault handlers, which exit QEMU
//! with a failure status.
//!
//! Nothing here allocates: there is no allocator in this firmware, and `.ci/embedded` checks that
//! the ELF files contain no `__rust_alloc`.
#![no_std]

pub mod baseline;
pub mod clock;
pub mod data;
pub mod mem;
pub mod nets;
pub mod out;

use cortex_m_rt::{ExceptionFrame, exception};
use cortex_m_semihosting::debug;

/// Ends the program: under QEMU (or a debugger) with semihosting, exits with status 0 if
/// `success`, 1 otherwise.
pub fn exit(success: bool) -> ! {
    out::print(if success { "PASS\n" } else { "FAIL\n" });
    debug::exit(if success {
        debug::EXIT_SUCCESS
    } else {
        debug::EXIT_FAILURE
    });
    // Without a debugger, semihosting calls fault; with one that lets the program go on, stop.
    loop {
        cortex_m::asm::bkpt();
    }
}

/// Prints the panic's location (not its message: that would need `core::fmt`) and fails.
#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    out::print("panic");
    if let Some(location) = info.location() {
        out::print(" at ");
        out::print(location.file());
        out::print(":");
        out::print_u64(u64::from(location.line()));
    }
    out::print("\n");
    exit(false)
}

#[exception]
unsafe fn HardFault(_frame: &ExceptionFrame) -> ! {
    out::print("hard fault\n");
    exit(false)
}

#[exception]
fn SysTick() {
    clock::on_systick();
}
