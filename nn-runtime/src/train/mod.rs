//! Training: epochs of forward propagation, backpropagation and optimizer steps.
//!
//! An *epoch* is one pass over the training data. How many samples each step's gradient comes
//! from is the difference between the three classic ways to train:
//!
//! - [`FullBatch`]: gradient descent on the whole data set, one step per epoch.
//! - [`Stochastic`]: stochastic gradient descent, one randomly chosen sample per step.
//! - [`MiniBatch<B>`]: mini-batches of `B` samples, reshuffled every epoch; the last, partial
//!   batch is used too.
//!
//! [`Fit`] runs the epochs with any optimizer and loss. It allocates nothing: the per-epoch loss
//! goes to a callback (which can also stop training early), and [`LossHistory`] records it into
//! a fixed-size array. Training is seeded and bit-reproducible on a given CPU (weight
//! initialisation is the same on every machine; on x86-64 the batch kernels use FMA where the
//! CPU has it, which rounds differently from separate multiplies and adds).

mod data;
mod metrics;

pub use data::{DataError, Dataset, shuffle_together};
pub use metrics::{Metrics, accuracy, evaluate};

use crate::{Float, Network, init::Permutation, loss::Loss, optim::Optimizer};
use core::fmt;
use nalgebra::ComplexField;
use nalgebra::SMatrix;

/// What the callback hears after each epoch.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EpochReport {
    /// The epoch just finished, counting from 1.
    pub epoch: usize,
    /// Mean training loss over the epoch's samples (each measured just before its step).
    pub loss: f64,
    /// The learning rate used in this epoch.
    pub learning_rate: f64,
    /// Optimizer steps taken so far.
    pub steps: usize,
}

/// Whether training goes on after an epoch. A callback returning `()` means `Continue`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Control {
    /// Go on with the next epoch.
    Continue,
    /// Stop now.
    Stop,
}

impl From<()> for Control {
    fn from((): ()) -> Self {
        Control::Continue
    }
}

/// How the learning rate changes over the epochs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Schedule {
    /// The optimizer's learning rate throughout.
    Constant,
    /// Multiply the learning rate by `factor` every `every` epochs.
    StepDecay {
        /// Epochs between decays (0 means never).
        every: usize,
        /// Factor applied at each decay.
        factor: f64,
    },
}

impl Schedule {
    /// The learning rate for `epoch` given the rate of the epoch before (the initial rate for
    /// epoch 0): one multiplication at most, the same bits as [`Schedule::learning_rate`].
    #[must_use]
    pub fn next_learning_rate(&self, previous: f64, epoch: usize) -> f64 {
        match *self {
            Schedule::StepDecay { every, factor }
                if every > 0 && epoch > 0 && epoch.is_multiple_of(every) =>
            {
                previous * factor
            }
            _ => previous,
        }
    }

    /// The learning rate for `epoch` (counting from 0) given the initial rate.
    #[must_use]
    pub fn learning_rate(&self, initial: f64, epoch: usize) -> f64 {
        match *self {
            Schedule::Constant => initial,
            Schedule::StepDecay { every, factor } => {
                let decays = epoch.checked_div(every).unwrap_or(0);
                // Repeated multiplication: the same bits on every machine.
                (0..decays).fold(initial, |lr, _| lr * factor)
            }
        }
    }
}

/// Why training ended early with an error.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum TrainError {
    /// The loss, a gradient or a parameter became NaN or infinite: usually a learning rate that
    /// is too large. When the loss or a gradient was the first to go, the step was not applied
    /// and the network holds the parameters from before it; when the update itself overflowed,
    /// the network holds that update.
    Diverged {
        /// The epoch, counting from 1.
        epoch: usize,
        /// The step within the epoch, counting from 1.
        step: usize,
        /// The loss at that step.
        loss: f64,
    },
}

impl fmt::Display for TrainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            TrainError::Diverged { epoch, step, loss } if loss.is_finite() => write!(
                f,
                "training diverged at epoch {epoch}, step {step}: a gradient is NaN or infinite \
                 (loss {loss}); try a smaller learning rate"
            ),
            TrainError::Diverged { epoch, step, loss } => write!(
                f,
                "training diverged at epoch {epoch}, step {step}: the loss is {loss}; try a smaller \
                 learning rate"
            ),
        }
    }
}

impl core::error::Error for TrainError {}

/// How training went.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    /// Epochs completed.
    pub epochs: usize,
    /// Optimizer steps taken.
    pub steps: usize,
    /// Mean training loss of the last epoch.
    pub final_loss: f64,
    /// `true` if the callback stopped training before the last epoch.
    pub stopped_early: bool,
}

/// The gradient buffers a training run needs, each of the network's type: build it once, in a
/// `static` if the network is large, and pass it to [`Fit::run_in`].
///
/// [`Fit::run`] makes one on the stack, which is fine for small networks. A 784-128-10 network
/// is 400 KB, and its workspace 800 KB: keep such values out of thread stacks (a debug build may
/// hold a temporary copy while constructing a value), for example
/// `static WORKSPACE: Mutex<Workspace<Net>> = Mutex::new(Workspace::new(Net::zeros(), Net::zeros()));`.
#[derive(Clone, Debug, PartialEq)]
pub struct Workspace<N> {
    /// The gradients of the current step.
    pub grads: N,
    /// Gradients accumulated over chunks ([`FullBatch`] only).
    pub accumulated: N,
}

impl<N> Workspace<N> {
    /// A workspace from two values of the network's type (their contents do not matter).
    pub const fn new(grads: N, accumulated: N) -> Self {
        Self { grads, accumulated }
    }
}

/// A training run: number of epochs, seed (for the order of the samples) and learning-rate
/// schedule.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fit {
    /// Number of epochs.
    pub epochs: usize,
    /// Seed of the sample order.
    pub seed: u64,
    /// Learning-rate schedule.
    pub schedule: Schedule,
}

impl Fit {
    /// `epochs` epochs, seed 0, constant learning rate.
    #[must_use]
    pub const fn new(epochs: usize) -> Self {
        Self {
            epochs,
            seed: 0,
            schedule: Schedule::Constant,
        }
    }

    /// Sets the seed of the sample order.
    #[must_use]
    pub const fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Sets the learning-rate schedule.
    #[must_use]
    pub const fn schedule(mut self, schedule: Schedule) -> Self {
        self.schedule = schedule;
        self
    }

    /// Trains `net` on `data`, calling `on_epoch` after each epoch.
    ///
    /// The gradient buffers live on the stack for the duration of the call (two values of the
    /// network's type); for large networks use [`Fit::run_in`] with a [`Workspace`] kept
    /// elsewhere.
    ///
    /// # Errors
    /// [`TrainError::Diverged`] if the loss or a gradient stops being finite; the network then
    /// holds the parameters from before that step.
    pub fn run<N, O, L, S, F, C, const IN: usize, const OUT: usize>(
        &self,
        net: &mut N,
        optimizer: &mut O,
        loss: &L,
        data: &Dataset<'_, N::Scalar, IN, OUT>,
        batching: S,
        on_epoch: F,
    ) -> Result<Summary, TrainError>
    where
        N: Network<IN, OUT>,
        O: Optimizer<N>,
        L: Loss<N::OutputActivation>,
        S: Batching,
        F: FnMut(&EpochReport) -> C,
        C: Into<Control>,
    {
        // One gradient buffer; `FullBatch` makes its accumulator in its own frame, so the other
        // ways to train do not pay for it.
        let mut grads = N::zeroed();
        self.drive(
            &mut grads, None, net, optimizer, loss, data, batching, on_epoch,
        )
    }

    /// [`Fit::run`] with caller-provided gradient buffers, so that nothing network-sized is
    /// placed on the stack.
    ///
    /// # Errors
    /// As for [`Fit::run`].
    #[allow(clippy::too_many_arguments)]
    pub fn run_in<N, O, L, S, F, C, const IN: usize, const OUT: usize>(
        &self,
        workspace: &mut Workspace<N>,
        net: &mut N,
        optimizer: &mut O,
        loss: &L,
        data: &Dataset<'_, N::Scalar, IN, OUT>,
        batching: S,
        on_epoch: F,
    ) -> Result<Summary, TrainError>
    where
        N: Network<IN, OUT>,
        O: Optimizer<N>,
        L: Loss<N::OutputActivation>,
        S: Batching,
        F: FnMut(&EpochReport) -> C,
        C: Into<Control>,
    {
        let Workspace { grads, accumulated } = workspace;
        self.drive(
            grads,
            Some(accumulated),
            net,
            optimizer,
            loss,
            data,
            batching,
            on_epoch,
        )
    }

    /// The epochs, with the given gradient buffers.
    #[allow(clippy::too_many_arguments)]
    fn drive<N, O, L, S, F, C, const IN: usize, const OUT: usize>(
        &self,
        grads: &mut N,
        mut accumulated: Option<&mut N>,
        net: &mut N,
        optimizer: &mut O,
        loss: &L,
        data: &Dataset<'_, N::Scalar, IN, OUT>,
        batching: S,
        mut on_epoch: F,
    ) -> Result<Summary, TrainError>
    where
        N: Network<IN, OUT>,
        O: Optimizer<N>,
        L: Loss<N::OutputActivation>,
        S: Batching,
        F: FnMut(&EpochReport) -> C,
        C: Into<Control>,
    {
        let initial_lr = optimizer.learning_rate();
        let mut summary = Summary {
            epochs: 0,
            steps: 0,
            final_loss: f64::NAN,
            stopped_early: false,
        };
        for epoch in 0..self.epochs {
            let lr = self.schedule.learning_rate(initial_lr, epoch);
            optimizer.set_learning_rate(lr);
            let order_seed = self.seed ^ (epoch as u64).wrapping_mul(0xD1B5_4A32_D192_ED03);
            let mut ctx = Step {
                net: &mut *net,
                optimizer: &mut *optimizer,
                loss,
                grads: &mut *grads,
                accumulated: accumulated.as_deref_mut(),
                epoch: epoch + 1,
                steps: 0,
            };
            let result = batching.epoch(&mut ctx, data, order_seed);
            summary.steps += ctx.steps;
            let mean_loss = match result {
                Ok(mean_loss) => mean_loss,
                Err(err) => {
                    optimizer.set_learning_rate(initial_lr);
                    return Err(err);
                }
            };
            summary.epochs = epoch + 1;
            summary.final_loss = mean_loss;
            let report = EpochReport {
                epoch: epoch + 1,
                loss: mean_loss,
                learning_rate: lr,
                steps: summary.steps,
            };
            if on_epoch(&report).into() == Control::Stop {
                summary.stopped_early = epoch + 1 < self.epochs;
                break;
            }
        }
        optimizer.set_learning_rate(initial_lr);
        Ok(summary)
    }
}

/// Everything one epoch needs: the network, optimizer, loss, a gradient buffer, and counters.
pub struct Step<'a, N, O, L> {
    net: &'a mut N,
    optimizer: &'a mut O,
    loss: &'a L,
    grads: &'a mut N,
    accumulated: Option<&'a mut N>,
    epoch: usize,
    steps: usize,
}

impl<N, O, L> Step<'_, N, O, L> {
    /// Checks a step's loss and gradients, then applies the optimizer.
    fn apply<const IN: usize, const OUT: usize>(
        &mut self,
        loss: N::Scalar,
    ) -> Result<(), TrainError>
    where
        N: Network<IN, OUT>,
        O: Optimizer<N>,
    {
        self.steps += 1;
        if !loss.is_finite() || !self.grads.all_finite() {
            return Err(TrainError::Diverged {
                epoch: self.epoch,
                step: self.steps,
                loss: loss.as_f64(),
            });
        }
        self.optimizer.step(self.net, self.grads);
        // An update can overflow even from finite gradients (a huge learning rate).
        if !self.net.all_finite() {
            return Err(TrainError::Diverged {
                epoch: self.epoch,
                step: self.steps,
                loss: loss.as_f64(),
            });
        }
        Ok(())
    }
}

/// How an epoch splits the data into steps. Implemented by [`FullBatch`], [`Stochastic`] and
/// [`MiniBatch`].
pub trait Batching {
    /// Runs one epoch; returns the mean loss over the data set.
    ///
    /// # Errors
    /// [`TrainError::Diverged`] as for [`Fit::run`].
    fn epoch<N, O, L, const IN: usize, const OUT: usize>(
        &self,
        step: &mut Step<'_, N, O, L>,
        data: &Dataset<'_, N::Scalar, IN, OUT>,
        order_seed: u64,
    ) -> Result<f64, TrainError>
    where
        N: Network<IN, OUT>,
        O: Optimizer<N>,
        L: Loss<N::OutputActivation>;
}

/// Full-batch gradient descent: each epoch computes the gradient of the mean loss over the whole
/// data set and takes one step.
///
/// The data is processed in chunks of `CHUNK` samples (16 by default) whose gradients are
/// averaged, so the data set can be of any size without a matrix that holds all of it. The chunk
/// size changes only rounding, not the result.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FullBatch<const CHUNK: usize = 16>;

/// Stochastic gradient descent: one randomly chosen sample per step; every sample once per epoch,
/// in a new random order each epoch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stochastic;

/// Mini-batch gradient descent: batches of `B` samples, reshuffled every epoch. When `B` does not
/// divide the data set, the last batch is smaller, and it is used (its mean loss and gradient are
/// over its own samples).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MiniBatch<const B: usize>;

impl<const CHUNK: usize> Batching for FullBatch<CHUNK> {
    fn epoch<N, O, L, const IN: usize, const OUT: usize>(
        &self,
        step: &mut Step<'_, N, O, L>,
        data: &Dataset<'_, N::Scalar, IN, OUT>,
        _order_seed: u64,
    ) -> Result<f64, TrainError>
    where
        N: Network<IN, OUT>,
        O: Optimizer<N>,
        L: Loss<N::OutputActivation>,
    {
        match step.accumulated.take() {
            Some(accumulated) => {
                let result = full_batch_epoch::<CHUNK, _, _, _, IN, OUT>(step, accumulated, data);
                step.accumulated = Some(accumulated);
                result
            }
            None => {
                let mut accumulated = N::zeroed();
                full_batch_epoch::<CHUNK, _, _, _, IN, OUT>(step, &mut accumulated, data)
            }
        }
    }
}

/// One full-batch epoch: the mean gradient over all samples, chunk by chunk, then one step.
fn full_batch_epoch<const CHUNK: usize, N, O, L, const IN: usize, const OUT: usize>(
    step: &mut Step<'_, N, O, L>,
    accumulated: &mut N,
    data: &Dataset<'_, N::Scalar, IN, OUT>,
) -> Result<f64, TrainError>
where
    N: Network<IN, OUT>,
    O: Optimizer<N>,
    L: Loss<N::OutputActivation>,
{
    const {
        assert!(
            CHUNK > 0,
            "FullBatch::<CHUNK> needs a chunk size of at least 1"
        )
    };
    let mut x = SMatrix::<N::Scalar, IN, CHUNK>::zeros();
    let mut y = SMatrix::<N::Scalar, OUT, CHUNK>::zeros();
    accumulated.fill_zero();
    let total = N::Scalar::of_f64(data.len() as f64);
    let mut loss_sum = N::Scalar::ZERO;
    let mut start = 0;
    while start < data.len() {
        let n = data.gather(start, |i| i, &mut x, &mut y);
        let loss = step.net.backprop_masked(&x, &y, n, step.loss, step.grads);
        let weight = N::Scalar::of_f64(n as f64) / total;
        loss_sum += loss * weight;
        accumulated.add_scaled(weight, step.grads);
        start += n;
    }
    core::mem::swap(step.grads, accumulated);
    step.apply(loss_sum)?;
    Ok(loss_sum.as_f64())
}

impl Batching for Stochastic {
    fn epoch<N, O, L, const IN: usize, const OUT: usize>(
        &self,
        step: &mut Step<'_, N, O, L>,
        data: &Dataset<'_, N::Scalar, IN, OUT>,
        order_seed: u64,
    ) -> Result<f64, TrainError>
    where
        N: Network<IN, OUT>,
        O: Optimizer<N>,
        L: Loss<N::OutputActivation>,
    {
        MiniBatch::<1>.epoch(step, data, order_seed)
    }
}

impl<const B: usize> Batching for MiniBatch<B> {
    fn epoch<N, O, L, const IN: usize, const OUT: usize>(
        &self,
        step: &mut Step<'_, N, O, L>,
        data: &Dataset<'_, N::Scalar, IN, OUT>,
        order_seed: u64,
    ) -> Result<f64, TrainError>
    where
        N: Network<IN, OUT>,
        O: Optimizer<N>,
        L: Loss<N::OutputActivation>,
    {
        const { assert!(B > 0, "MiniBatch::<B> needs a batch size B of at least 1") };
        let order = Permutation::new(data.len(), order_seed);
        let mut x = SMatrix::<N::Scalar, IN, B>::zeros();
        let mut y = SMatrix::<N::Scalar, OUT, B>::zeros();
        let mut loss_sum = 0.0;
        let mut start = 0;
        while start < data.len() {
            let n = data.gather(start, |i| order.get(i), &mut x, &mut y);
            let loss = step.net.backprop_masked(&x, &y, n, step.loss, step.grads);
            step.apply(loss)?;
            loss_sum += loss.as_f64() * n as f64;
            start += n;
        }
        Ok(loss_sum / data.len() as f64)
    }
}

/// Records the per-epoch training loss into a fixed-size array (no allocation): pass
/// `|r| history.record(r)` as the callback. Epochs beyond `N` are counted but not stored.
#[derive(Clone, Debug, PartialEq)]
pub struct LossHistory<const N: usize> {
    losses: [f64; N],
    len: usize,
}

impl<const N: usize> Default for LossHistory<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> LossHistory<N> {
    /// An empty history.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            losses: [0.0; N],
            len: 0,
        }
    }

    /// Records an epoch's loss; always lets training continue.
    pub fn record(&mut self, report: &EpochReport) -> Control {
        if let Some(slot) = self.losses.get_mut(self.len) {
            *slot = report.loss;
        }
        self.len += 1;
        Control::Continue
    }

    /// The recorded losses, oldest first.
    #[must_use]
    pub fn losses(&self) -> &[f64] {
        &self.losses[..self.len.min(N)]
    }

    /// Number of epochs recorded (may exceed `N`).
    #[must_use]
    pub fn epochs(&self) -> usize {
        self.len
    }
}
