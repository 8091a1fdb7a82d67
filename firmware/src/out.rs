//! Text output through semihosting (the host's stdout under QEMU), without `core::fmt`: strings
//! and integers only, which keeps float and integer formatting code out of flash.

use core::cell::Cell;
use cortex_m::interrupt::{self, Mutex};
use cortex_m_semihosting::hio::{self, HostStream};

static STDOUT: Mutex<Cell<Option<HostStream>>> = Mutex::new(Cell::new(None));

/// Prints `s`; output is best effort (nothing happens without a host).
pub fn print(s: &str) {
    interrupt::free(|cs| {
        let cell = STDOUT.borrow(cs);
        let stream = match cell.get() {
            Some(stream) => Some(stream),
            None => hio::hstdout().ok(),
        };
        if let Some(mut stream) = stream {
            cell.set(Some(stream));
            let _ = stream.write_all(s.as_bytes());
        }
    });
}

/// Prints `v` in decimal.
pub fn print_u64(mut v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    // Only ASCII digits were written.
    print(core::str::from_utf8(&buf[i..]).unwrap_or("?"));
}

/// Prints a `key value` line, the format `firmware/measure.sh` reads.
pub fn kv(key: &str, value: u64) {
    print(key);
    print(" ");
    print_u64(value);
    print("\n");
}

/// `x` in millionths, rounded, for printing a small non-negative float without float formatting.
#[must_use]
pub fn ppm(x: f32) -> u64 {
    (x * 1e6 + 0.5) as u64
}
