//! Inference only: the 1-16-16-1 sine model, trained on the host, with its parameters in a
//! `static` in flash. Checks its predictions at 32 points against sin(x) and against the host's
//! predictions, counts the instructions of one inference, reports flash and RAM, and exits with
//! success only if the predictions are right.
//!
//! Nothing here formats a float: the firmware prints integers only.
#![no_std]
#![no_main]

use core::hint::black_box;
use cortex_m_rt::entry;
use nn::SVector;
use nn_firmware::{clock::Clock, data::sine::CHECKS, exit, mem, nets::SINE, out};

/// Largest error allowed against sin(x) (the model's own error is about 0.02 at the ends).
const MAX_ERROR: f32 = 0.05;
/// Largest difference allowed from the host's prediction (rounding of tanh and sums).
const MAX_DIFFERENCE_FROM_HOST: f32 = 1e-4;

#[entry]
fn main() -> ! {
    let Some(peripherals) = cortex_m::Peripherals::take() else {
        exit(false)
    };
    let clock = Clock::start(peripherals.SYST);

    let mut max_error = 0.0f32;
    let mut max_difference = 0.0f32;
    for [x, sin, host] in CHECKS {
        let y = SINE.forward(&SVector::from([x]))[0];
        max_error = max_error.max((y - sin).abs());
        max_difference = max_difference.max((y - host).abs());
    }
    let ((), instructions) = clock.measure(|| {
        for check in &CHECKS {
            black_box(SINE.forward(&SVector::from([black_box(check[0])])));
        }
    });

    out::kv("sine.max_error_ppm", out::ppm(max_error));
    out::kv(
        "sine.max_difference_from_host_ppm",
        out::ppm(max_difference),
    );
    out::kv(
        "sine.inference.instructions",
        instructions / CHECKS.len() as u64,
    );
    mem::report();
    exit(clock.running() && max_error < MAX_ERROR && max_difference < MAX_DIFFERENCE_FROM_HOST)
}
