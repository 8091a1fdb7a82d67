//! Counting instructions with SysTick.
//!
//! Under `qemu-system-arm -icount shift=0`, each guest instruction advances virtual time by
//! exactly one nanosecond, and SysTick counts virtual time: so SysTick counts instructions, at
//! a rate that depends on the board's modelled clock. [`Clock::start`] measures that rate with a
//! loop of known length, so counts read the same on every board. (The DWT cycle counter is not
//! modelled by QEMU 7.2: it reads 0.) On real hardware SysTick counts clock cycles, and a
//! taken branch costs more than one, so there the counts are cycles scaled by the calibration
//! loop's cycles per instruction: read the DWT cycle counter instead.

use core::sync::atomic::{AtomicU32, Ordering};
use cortex_m::peripheral::{SYST, syst::SystClkSource};

/// SysTick's largest reload value: it counts down from here, 24 bits.
const RELOAD: u32 = 0x00FF_FFFF;
/// Iterations of the calibration loop (two instructions each).
const CALIBRATION_LOOPS: u32 = 1_000_000;

/// SysTick wrap-arounds so far. Only loads and stores: thumbv6m has no atomic read-modify-write.
static WRAPS: AtomicU32 = AtomicU32::new(0);

/// Called by the SysTick exception handler.
pub fn on_systick() {
    WRAPS.store(
        WRAPS.load(Ordering::Relaxed).wrapping_add(1),
        Ordering::Relaxed,
    );
}

/// Ticks since [`Clock::start`], 64 bits wide.
fn ticks() -> u64 {
    loop {
        let wraps = WRAPS.load(Ordering::Relaxed);
        let current = SYST::get_current();
        if WRAPS.load(Ordering::Relaxed) == wraps {
            return u64::from(wraps) * (u64::from(RELOAD) + 1) + u64::from(RELOAD - current);
        }
    }
}

/// Runs `n` iterations of a two-instruction loop: `2 n` instructions, plus a few.
#[inline(never)]
fn spin(n: u32) {
    // SAFETY: only counts a register down to zero.
    unsafe {
        core::arch::asm!(
            "2:",
            "subs r0, #1",
            "bne 2b",
            inout("r0") n => _,
            options(nomem, nostack),
        );
    }
}

/// SysTick running, with its rate in instructions known.
pub struct Clock {
    /// Ticks that the calibration loop took.
    calibration_ticks: u64,
}

impl Clock {
    /// Starts SysTick on the core clock, with an interrupt at each wrap-around, and calibrates.
    pub fn start(mut syst: SYST) -> Self {
        syst.set_clock_source(SystClkSource::Core);
        syst.set_reload(RELOAD);
        syst.clear_current();
        syst.enable_interrupt();
        syst.enable_counter();
        // The counter reads 0 until its first tick loads the reload value; 0 would read as a
        // full period elapsed.
        let mut spins = 0u32;
        while SYST::get_current() == 0 && spins < 1_000_000 {
            spins += 1;
        }
        let start = ticks();
        spin(CALIBRATION_LOOPS);
        let calibration_ticks = ticks() - start;
        Self { calibration_ticks }
    }

    /// `false` if SysTick does not advance (then counts read 0).
    #[must_use]
    pub fn running(&self) -> bool {
        self.calibration_ticks > 0
    }

    /// Instructions that `f` took (under QEMU with `-icount shift=0`), and its result.
    pub fn measure<R>(&self, f: impl FnOnce() -> R) -> (R, u64) {
        let start = ticks();
        let result = f();
        let elapsed = ticks() - start;
        (result, self.instructions(elapsed))
    }

    fn instructions(&self, ticks: u64) -> u64 {
        if self.calibration_ticks == 0 {
            return 0;
        }
        let loop_instructions = 2 * u64::from(CALIBRATION_LOOPS);
        (ticks * loop_instructions + self.calibration_ticks / 2) / self.calibration_ticks
    }
}
