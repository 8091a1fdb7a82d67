//! What the firmware uses of flash and RAM, read from the linker's symbols, and the stack's high
//! water mark.
//!
//! cortex-m-rt's `paint-stack` feature fills the stack with `0xCCCC_CCCC` before `main`; the
//! deepest word that no longer holds that value is the most stack the program has used so far.

unsafe extern "C" {
    static __sidata: u32;
    static __sdata: u32;
    static __edata: u32;
    static _stack_start: u32;
    static _stack_end: u32;
}

/// Memory use, in bytes.
pub struct Usage {
    /// Flash: the vector table, code, read-only data (networks and data sets in `static`s), and
    /// the initial values of `.data`.
    pub flash: u32,
    /// RAM for `static`s: `.data`, `.bss` and `.uninit`.
    pub static_ram: u32,
    /// The stack's high water mark so far.
    pub stack: u32,
}

/// Flash and RAM in use, and the stack's high water mark until now.
#[must_use]
pub fn usage() -> Usage {
    // Only the addresses of the linker's symbols are taken.
    let (sidata, sdata, edata, stack_start, stack_end) = (
        core::ptr::addr_of!(__sidata) as u32,
        core::ptr::addr_of!(__sdata) as u32,
        core::ptr::addr_of!(__edata) as u32,
        core::ptr::addr_of!(_stack_start) as u32,
        // The stack's lowest address, right after the statics.
        core::ptr::addr_of!(_stack_end) as u32,
    );
    let mut p = stack_end;
    // SAFETY: reads words of the stack region, below the current stack pointer, word-aligned.
    while p < stack_start && unsafe { core::ptr::read_volatile(p as *const u32) } == 0xCCCC_CCCC {
        p += 4;
    }
    Usage {
        // The memory maps put flash at address 0; the image ends with `.data`'s initial values.
        flash: sidata + (edata - sdata),
        static_ram: stack_end - sdata,
        stack: stack_start - p,
    }
}

/// Prints `memory.flash`, `memory.static_ram` and `memory.stack` lines.
pub fn report() {
    let usage = usage();
    crate::out::kv("memory.flash", u64::from(usage.flash));
    crate::out::kv("memory.static_ram", u64::from(usage.static_ram));
    crate::out::kv("memory.stack", u64::from(usage.stack));
}
