//! Measuring a network on a data set.

use super::data::Dataset;
use crate::{Float, Network, loss::Loss};
use nalgebra::SMatrix;

/// Loss and accuracy of a network on a data set.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Metrics {
    /// Mean loss over the samples.
    pub loss: f64,
    /// Fraction of samples classified correctly (see [`accuracy`]).
    pub accuracy: f64,
}

/// The fraction of samples a classifier gets right. With several outputs, the predicted class
/// is the largest output and the true class the largest target (one-hot targets); with a single
/// output, both are thresholded at 0.5.
pub fn accuracy<N, const IN: usize, const OUT: usize>(
    net: &N,
    data: &Dataset<'_, N::Scalar, IN, OUT>,
) -> f64
where
    N: Network<IN, OUT>,
{
    let half = N::Scalar::of_f64(0.5);
    let mut correct = 0usize;
    for (x, y) in data.inputs().iter().zip(data.targets()) {
        let out = net.forward(&(*x).into());
        let right = if OUT == 1 {
            (out[0] >= half) == (y[0] >= half)
        } else {
            out.argmax().0 == argmax(y)
        };
        correct += usize::from(right);
    }
    correct as f64 / data.len() as f64
}

/// Mean loss and accuracy on a data set (for example a held-out split).
pub fn evaluate<N, L, const IN: usize, const OUT: usize>(
    net: &N,
    loss: &L,
    data: &Dataset<'_, N::Scalar, IN, OUT>,
) -> Metrics
where
    N: Network<IN, OUT>,
    L: Loss<N::OutputActivation>,
{
    const CHUNK: usize = 16;
    let mut x = SMatrix::<N::Scalar, IN, CHUNK>::zeros();
    let mut y = SMatrix::<N::Scalar, OUT, CHUNK>::zeros();
    let mut total = 0.0;
    let mut start = 0;
    while start < data.len() {
        let n = data.gather(start, |i| i, &mut x, &mut y);
        if n == 0 {
            break;
        }
        total += net.loss_masked(&x, &y, n, loss).as_f64() * n as f64;
        start += n;
    }
    Metrics {
        loss: total / data.len() as f64,
        accuracy: accuracy(net, data),
    }
}

fn argmax<T: Float, const N: usize>(v: &[T; N]) -> usize {
    let mut best = 0;
    for (i, &x) in v.iter().enumerate() {
        if x > v[best] {
            best = i;
        }
    }
    best
}
