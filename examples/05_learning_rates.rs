//! 05: the learning rate, and three ways to do gradient descent (plus Adam).
//!
//! The learning rate is the size of each gradient-descent step. This example shows what it does
//! on one small, fully deterministic problem: a network with two hidden layers of 16 tanh nodes
//! learns `sin(x)` from 64 evenly spaced samples on [-3, 3], with mean squared error. Every run
//! starts from the same weights (`Sine::random(7)`), trains for the same 2000 epochs, and records
//! its loss after every epoch in a `LossHistory` (a fixed-size array).
//!
//! - Part A changes only the learning rate of plain full-batch gradient descent (`Sgd` with
//!   `FullBatch`: one step per epoch, on the gradient of the whole data set). Too small a rate
//!   crawls: the loss falls steadily but stays far above where a good rate gets. A too large
//!   rate overshoots again and again: the loss spikes and bounces instead of falling steadily.
//!   A far too large rate diverges: the loss explodes and `Fit::run` stops with
//!   `TrainError::Diverged`.
//! - Part B keeps one learning rate and changes how many samples each step's gradient comes
//!   from: all 64 (full-batch gradient descent), one random sample (stochastic gradient descent,
//!   `Stochastic`) or 8 random samples (mini-batch gradient descent, `MiniBatch<8>`). More steps
//!   per epoch get further in the same epochs; fewer samples per step make a noisier curve. Then
//!   Adam, which adapts the step of every parameter, with the same mini-batches.
//!
//! It prints a table, checks the lesson with `assert!` (so CI runs this example as a test), and
//! draws `learning_rates.png` and `methods.png` into the directory given as the first argument
//! (default `docs/img`).
//!
//! Run with `cargo run --release --example 05_learning_rates` (or add a directory:
//! `cargo run --release --example 05_learning_rates -- /tmp/plots`).

use nn::prelude::*;
use nn::train::{Batching, Summary};
use plotters::prelude::*;
use std::error::Error;
use std::path::Path;

network! {
    /// Learns `y = sin(x)`: one input, two hidden tanh layers, one linear output.
    #[derive(Clone, Debug)]
    pub struct Sine {
        input: 1,
        h1: Dense<16, Tanh>,
        h2: Dense<16, Tanh>,
        output: Dense<1, Identity>,
    }
}

/// Number of training samples, evenly spaced on [-3, 3].
const SAMPLES: usize = 64;
/// Epochs of every run.
const EPOCHS: usize = 2000;
/// Seed of the initial weights: every run starts from the same network.
const INIT_SEED: u64 = 7;
/// Seed of the sample order (for `Stochastic` and `MiniBatch`).
const ORDER_SEED: u64 = 1;
/// Mini-batch size.
const BATCH: usize = 8;
/// The learning rate of part B's three kinds of gradient descent.
const LR: f64 = 0.01;
/// Adam's learning rate (PyTorch's default).
const ADAM_LR: f64 = 0.001;
/// The name of plain full-batch gradient descent.
const GD: &str = "full-batch GD";

/// A mean squared error below this (a typical error below 0.1 on a wave of height 1) counts as
/// converged.
const CONVERGED: f64 = 0.01;
/// A full-batch run whose loss went up in more than this fraction of its epochs is oscillating:
/// with a small enough step, full-batch gradient descent only ever goes down.
const OSCILLATING: f64 = 0.10;

/// One training run and everything the table and the plots need.
struct Run {
    method: &'static str,
    lr: f64,
    steps_per_epoch: usize,
    history: LossHistory<EPOCHS>,
    result: Result<Summary, TrainError>,
}

impl Run {
    /// Trains a fresh `Sine::random(INIT_SEED)` for `EPOCHS` epochs.
    fn train<O: Optimizer<Sine>, B: Batching>(
        method: &'static str,
        data: &Dataset<'_, f32, 1, 1>,
        mut optimizer: O,
        batching: B,
        batch_size: usize,
    ) -> Self {
        let lr = optimizer.learning_rate();
        let mut net = Sine::random(INIT_SEED);
        let mut history = LossHistory::<EPOCHS>::new();
        let result = Fit::new(EPOCHS).seed(ORDER_SEED).run(
            &mut net,
            &mut optimizer,
            &Mse,
            data,
            batching,
            |r| history.record(r),
        );
        Self {
            method,
            lr,
            steps_per_epoch: SAMPLES.div_ceil(batch_size),
            history,
            result,
        }
    }

    fn losses(&self) -> &[f64] {
        self.history.losses()
    }

    fn diverged(&self) -> bool {
        matches!(self.result, Err(TrainError::Diverged { .. }))
    }

    /// The loss after the last completed epoch.
    fn final_loss(&self) -> f64 {
        self.losses().last().copied().unwrap_or(f64::NAN)
    }

    /// Optimizer steps applied: when training diverges, the failing step is not applied.
    fn steps(&self) -> usize {
        match self.result {
            Ok(summary) => summary.steps,
            Err(TrainError::Diverged { epoch, step, .. }) => {
                (epoch - 1) * self.steps_per_epoch + step - 1
            }
            Err(_) => 0,
        }
    }

    /// Fraction of epochs whose loss was higher than the epoch before.
    fn rises(&self) -> f64 {
        let l = self.losses();
        let ups = l.windows(2).filter(|w| w[1] > w[0]).count();
        ups as f64 / (l.len().max(2) - 1) as f64
    }

    /// How much the loss jumps from one epoch to the next over the second half of training:
    /// the mean of `|ln(loss[t+1] / loss[t])|`, as a percentage. A steady decline scores near
    /// zero, a noisy curve high.
    fn jitter(&self) -> f64 {
        let l = &self.losses()[self.losses().len() / 2..];
        let sum: f64 = l.windows(2).map(|w| (w[1] / w[0]).ln().abs()).sum();
        100.0 * sum / (l.len().max(2) - 1) as f64
    }

    fn outcome(&self) -> &'static str {
        if self.diverged() {
            "diverged"
        } else if self.method == GD && self.rises() > OSCILLATING {
            "oscillating"
        } else if self.final_loss() < CONVERGED {
            "converged"
        } else {
            "crawling"
        }
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    let out_dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "docs/img".to_owned());
    let start = std::time::Instant::now();

    // The data: 64 evenly spaced points of one and a half sine waves.
    let inputs: [[f32; 1]; SAMPLES] =
        core::array::from_fn(|i| [-3.0 + 6.0 * i as f32 / (SAMPLES - 1) as f32]);
    let targets: [[f32; 1]; SAMPLES] = core::array::from_fn(|i| [inputs[i][0].sin()]);
    let data = Dataset::new(&inputs, &targets)?;

    // Part A: full-batch gradient descent (one step per epoch) with four learning rates.
    let gd = |lr| Run::train(GD, &data, Sgd::new(lr), FullBatch::<16>, SAMPLES);
    let too_small = gd(0.0001);
    let good = gd(0.03);
    let too_large = gd(0.2);
    let far_too_large = gd(0.5);
    let part_a = [&too_small, &good, &too_large, &far_too_large];

    // Part B: one learning rate, three batch sizes; then Adam with mini-batches.
    let full = Run::train(GD, &data, Sgd::new(LR), FullBatch::<16>, SAMPLES);
    let sgd = Run::train("SGD", &data, Sgd::new(LR), Stochastic, 1);
    let mini = Run::train(
        "mini-batch GD",
        &data,
        Sgd::new(LR),
        MiniBatch::<BATCH>,
        BATCH,
    );
    let adam = Run::train(
        "Adam, mini-batch",
        &data,
        Adam::new(ADAM_LR),
        MiniBatch::<BATCH>,
        BATCH,
    );
    let part_b = [&full, &sgd, &mini, &adam];
    let elapsed = start.elapsed();

    println!(
        "Learning sin(x): {SAMPLES} samples, {EPOCHS} epochs, every run from Sine::random({INIT_SEED}).\n"
    );
    print_table(
        "Part A: learning rates (full-batch gradient descent)",
        &part_a,
    );
    if let Err(e) = &far_too_large.result {
        println!("lr {}: {e}\n", far_too_large.lr);
    }
    print_table("Part B: methods", &part_b);
    println!("final loss: mean training loss of the last completed epoch.");
    println!("jitter: mean change of the loss from one epoch to the next, over the second half.\n");

    // The lesson, checked.
    assert!(
        far_too_large.diverged(),
        "lr {} should diverge",
        far_too_large.lr
    );
    assert!(
        matches!(
            far_too_large.result,
            Err(TrainError::Diverged { epoch: 2.., .. })
        ),
        "it blows up within a few epochs, not at the very first step"
    );
    assert_eq!(too_small.outcome(), "crawling");
    assert_eq!(good.outcome(), "converged");
    assert_eq!(too_large.outcome(), "oscillating");
    assert_eq!(too_small.rises(), 0.0, "a tiny step never overshoots");
    assert_eq!(good.rises(), 0.0, "a good step does not overshoot either");
    assert!(
        too_small.final_loss() > 10.0 * good.final_loss(),
        "the tiny rate should still be far behind"
    );
    assert_eq!(full.steps(), EPOCHS);
    assert_eq!(sgd.steps(), EPOCHS * SAMPLES);
    assert_eq!(mini.steps(), EPOCHS * SAMPLES / BATCH);
    assert!(
        sgd.final_loss() < full.final_loss() && mini.final_loss() < full.final_loss(),
        "more steps per epoch get further in the same epochs"
    );
    assert!(
        full.jitter() < mini.jitter() && 2.0 * mini.jitter() < sgd.jitter(),
        "the fewer samples per step, the noisier the curve"
    );
    assert!(
        adam.final_loss() < 0.1 * full.final_loss() && adam.final_loss() < mini.final_loss(),
        "Adam ends well below plain gradient descent"
    );

    // The plots.
    let dir = Path::new(&out_dir);
    std::fs::create_dir_all(dir)?;
    let colors = [
        RGBColor(31, 119, 180),
        RGBColor(44, 160, 44),
        RGBColor(255, 127, 14),
        RGBColor(214, 39, 40),
    ];
    plot(
        &dir.join("learning_rates.png"),
        "Full-batch gradient descent: four learning rates, same start",
        &part_a,
        |r| match r.outcome() {
            "crawling" => format!("lr {}: too small, crawls", r.lr),
            "converged" => format!("lr {}: good, converges", r.lr),
            "oscillating" => format!("lr {}: too large, oscillates", r.lr),
            _ => format!("lr {}: far too large, diverges", r.lr),
        },
        &colors,
        (1e-3, 1e2),
    )?;
    plot(
        &dir.join("methods.png"),
        &format!("Gradient descent three ways (lr {LR}) and Adam (lr {ADAM_LR})"),
        &part_b,
        |r| match r.steps_per_epoch {
            1 => format!("{}: 1 step per epoch", r.method),
            n => format!("{}: {n} steps per epoch", r.method),
        },
        &colors,
        (1e-6, 1e1),
    )?;
    println!(
        "wrote {} and {} (training took {:.2?})",
        dir.join("learning_rates.png").display(),
        dir.join("methods.png").display(),
        elapsed
    );
    Ok(())
}

fn print_table(title: &str, runs: &[&Run]) {
    println!("{title}");
    println!(
        "{:<18} {:>7} {:>11} {:>11} {:<12} {:>7} {:>8}",
        "method", "lr", "final loss", "epochs run", "outcome", "steps", "jitter"
    );
    for r in runs {
        // A diverged run's jitter is only its explosion.
        let jitter = if r.diverged() {
            "-".to_owned()
        } else {
            format!("{:.2}%", r.jitter())
        };
        println!(
            "{:<18} {:>7} {:>11.3e} {:>11} {:<12} {:>7} {:>8}",
            r.method,
            r.lr,
            r.final_loss(),
            r.history.epochs(),
            r.outcome(),
            r.steps(),
            jitter
        );
    }
    println!();
}

/// Loss against epoch, both axes logarithmic, one line per run. A diverged run's line stops where
/// it leaves the chart, and a cross marks its last finite epoch (on the top edge if that loss is
/// off the chart).
fn plot(
    path: &Path,
    title: &str,
    runs: &[&Run],
    label: impl Fn(&Run) -> String,
    colors: &[RGBColor],
    (y_min, y_max): (f64, f64),
) -> Result<(), Box<dyn Error>> {
    let root = BitMapBackend::new(path, (800, 480)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 24))
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(64)
        .build_cartesian_2d((1.0..EPOCHS as f64).log_scale(), (y_min..y_max).log_scale())?;
    chart
        .configure_mesh()
        .x_desc("epoch (log scale)")
        .y_desc("training loss, MSE (log scale)")
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| format!("{y:.0e}"))
        .label_style(("sans-serif", 15))
        .axis_desc_style(("sans-serif", 17))
        .draw()?;
    for (run, &color) in runs.iter().zip(colors) {
        let style = color.stroke_width(2);
        // Stop the line where it leaves the chart (interpolating in log space).
        let mut points: Vec<(f64, f64)> = Vec::new();
        for (i, &l) in run.losses().iter().enumerate() {
            let x = (i + 1) as f64;
            if l <= y_max {
                points.push((x, l.max(y_min)));
                continue;
            }
            if let Some(&(x0, l0)) = points.last() {
                let t = (y_max / l0).ln() / (l / l0).ln();
                points.push((x0 * (x / x0).powf(t), y_max));
            }
            break;
        }
        chart
            .draw_series(LineSeries::new(points.iter().copied(), style))?
            .label(label(run))
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], style));
        if run.diverged() {
            // The last finite epoch, on the top edge if its loss is off the chart.
            let epochs = run.losses().len();
            let last = run.final_loss();
            let at = (epochs as f64, last.min(y_max));
            chart.draw_series([Cross::new(at, 7, color.stroke_width(3))])?;
            chart.draw_series([Text::new(
                format!("diverged: loss {last:.0e} at epoch {epochs}, then infinite"),
                (at.0 * 1.1, at.1 * 0.45),
                ("sans-serif", 15).into_font().color(&color),
            )])?;
        }
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerLeft)
        .label_font(("sans-serif", 16))
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}
