//! The fully connected (dense) layer.

use crate::{Float, ParamsError, Rng, init::Init, kernels};
use nalgebra::{ArrayStorage, SMatrix, SVector};

/// A fully connected layer with `IN` inputs and `OUT` nodes: `z = W x + b`.
///
/// `weight` has shape `OUT x IN` (row `i` holds the weights into node `i`), `bias` has `OUT`
/// entries. The activation is not part of the layer value: `network!` applies it in the generated
/// code, so this type is the same for every activation.
///
/// In flat parameter order (see [`Dense::write_params`]) a layer is `W` row by row, then `b`: the
/// order of a PyTorch `state_dict`.
#[derive(Clone, Debug, PartialEq)]
#[repr(C)]
pub struct Dense<T, const IN: usize, const OUT: usize> {
    /// The weights, `OUT x IN`.
    pub weight: SMatrix<T, OUT, IN>,
    /// The biases, one per node.
    pub bias: SVector<T, OUT>,
}

impl<T: Float, const IN: usize, const OUT: usize> Default for Dense<T, IN, OUT> {
    fn default() -> Self {
        Self::zeros()
    }
}

impl<T: Float, const IN: usize, const OUT: usize> Dense<T, IN, OUT> {
    /// Number of inputs.
    pub const INPUTS: usize = IN;
    /// Number of nodes (outputs).
    pub const OUTPUTS: usize = OUT;
    /// Number of parameters, `OUT * IN + OUT`.
    pub const PARAMS: usize = OUT * IN + OUT;

    /// A layer with all weights and biases zero; usable in `const` and `static` items.
    #[must_use]
    pub const fn zeros() -> Self {
        Self {
            weight: SMatrix::from_array_storage(ArrayStorage([[T::ZERO; OUT]; IN])),
            bias: SVector::from_array_storage(ArrayStorage([[T::ZERO; OUT]; 1])),
        }
    }

    /// Builds the layer from `params[offset..offset + Self::PARAMS]`, in flat order.
    ///
    /// Used by the `from_array` constructor that `network!` generates, which passes an array of
    /// exactly the right length, so the indexing below is always in bounds there.
    #[doc(hidden)]
    #[must_use]
    pub const fn from_flat_at(params: &[T], offset: usize) -> Self {
        let mut w = [[T::ZERO; OUT]; IN];
        let mut b = [[T::ZERO; OUT]; 1];
        let mut r = 0;
        while r < OUT {
            let mut c = 0;
            while c < IN {
                w[c][r] = params[offset + r * IN + c];
                c += 1;
            }
            b[0][r] = params[offset + OUT * IN + r];
            r += 1;
        }
        Self {
            weight: SMatrix::from_array_storage(ArrayStorage(w)),
            bias: SVector::from_array_storage(ArrayStorage(b)),
        }
    }

    /// Writes the parameters in flat order (`W` row-major, then `b`) into `out`, whose length
    /// must be exactly [`Self::PARAMS`].
    ///
    /// # Errors
    /// [`ParamsError`] if `out` has another length; `out` is then left untouched.
    pub fn write_params(&self, out: &mut [T]) -> Result<(), ParamsError> {
        check_len(Self::PARAMS, out.len())?;
        let (w, b) = out.split_at_mut(OUT * IN);
        for (r, row) in w.chunks_exact_mut(IN).enumerate() {
            for (c, v) in row.iter_mut().enumerate() {
                *v = self.weight[(r, c)];
            }
        }
        b.copy_from_slice(self.bias.as_slice());
        Ok(())
    }

    /// Reads the parameters in flat order (`W` row-major, then `b`) from `params`, whose length
    /// must be exactly [`Self::PARAMS`].
    ///
    /// # Errors
    /// [`ParamsError`] if `params` has another length; the layer is then left untouched.
    pub fn read_params(&mut self, params: &[T]) -> Result<(), ParamsError> {
        check_len(Self::PARAMS, params.len())?;
        let (w, b) = params.split_at(OUT * IN);
        for (r, row) in w.chunks_exact(IN).enumerate() {
            for (c, &v) in row.iter().enumerate() {
                self.weight[(r, c)] = v;
            }
        }
        self.bias.as_mut_slice().copy_from_slice(b);
        Ok(())
    }

    /// Draws new weights from `rng` with the given scheme and sets the biases to zero.
    ///
    /// Weights are drawn row by row (node by node), the flat parameter order.
    pub fn init(&mut self, rng: &mut Rng, scheme: Init) {
        let bound = scheme.bound(IN, OUT);
        for r in 0..OUT {
            for c in 0..IN {
                self.weight[(r, c)] = rng.uniform(-bound, bound);
            }
        }
        self.bias.fill(T::ZERO);
    }

    /// The weighted sums `W x + b` for one sample.
    #[inline]
    #[must_use]
    pub fn forward(&self, x: &SVector<T, IN>) -> SVector<T, OUT> {
        let mut z = self.bias;
        z.gemv(T::ONE, &self.weight, x, T::ONE);
        z
    }

    /// The weighted sums `W X + b` for a batch with one sample per column.
    #[inline]
    #[must_use]
    pub fn forward_batch<const B: usize>(&self, x: &SMatrix<T, IN, B>) -> SMatrix<T, OUT, B> {
        let mut z = SMatrix::<T, OUT, B>::from_fn(|r, _| self.bias[r]);
        kernels::add_mul(&mut z, &self.weight, x);
        z
    }

    /// The gradients of this layer's parameters for a batch, written into `grad`:
    /// `dW = delta * a_prev^T` and `db = delta * 1`, where `delta` holds the gradients of the loss
    /// with respect to this layer's weighted sums (one sample per column) and `a_prev` the
    /// layer's inputs. Columns of `delta` that are zero contribute nothing.
    #[inline]
    pub fn gradient_into<const B: usize>(
        a_prev: &SMatrix<T, IN, B>,
        delta: &SMatrix<T, OUT, B>,
        grad: &mut Self,
    ) {
        kernels::mul_transposed(&mut grad.weight, delta, a_prev);
        // Column by column: each sample's deltas are contiguous.
        grad.bias.fill(T::ZERO);
        for col in delta.column_iter() {
            grad.bias += col;
        }
    }

    /// Back-propagates `delta` (gradients with respect to this layer's weighted sums) to the
    /// layer's inputs: `W^T delta`.
    #[inline]
    #[must_use]
    pub fn backward_input<const B: usize>(&self, delta: &SMatrix<T, OUT, B>) -> SMatrix<T, IN, B> {
        kernels::transposed_mul(&self.weight, delta)
    }

    /// The weight and bias storage, each as one slice in nalgebra's (column-major) order.
    ///
    /// Optimizers work element by element, so they use this order rather than the flat
    /// parameter order.
    #[inline]
    pub fn tensors(&self) -> [&[T]; 2] {
        [self.weight.as_slice(), self.bias.as_slice()]
    }

    /// Mutable access to the weight and bias storage; see [`Dense::tensors`].
    #[inline]
    pub fn tensors_mut(&mut self) -> [&mut [T]; 2] {
        [self.weight.as_mut_slice(), self.bias.as_mut_slice()]
    }
}

#[inline]
fn check_len(expected: usize, found: usize) -> Result<(), ParamsError> {
    if expected == found {
        Ok(())
    } else {
        Err(ParamsError { expected, found })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flat_order_is_row_major_weights_then_bias() {
        let p = [1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0, 10.0, 20.0];
        let d = Dense::<f32, 3, 2>::from_flat_at(&p, 0);
        assert_eq!(d.weight[(0, 2)], 3.0);
        assert_eq!(d.weight[(1, 0)], 4.0);
        assert_eq!(d.bias[1], 20.0);
        let mut out = [0.0f32; 8];
        d.write_params(&mut out).unwrap();
        assert_eq!(out, p);
        let mut e = Dense::<f32, 3, 2>::zeros();
        e.read_params(&p).unwrap();
        assert_eq!(d, e);
        let x = SVector::<f32, 3>::new(1.0, 0.0, -1.0);
        assert_eq!(d.forward(&x), SVector::<f32, 2>::new(8.0, 18.0));
    }

    #[test]
    fn wrong_lengths_are_errors_and_change_nothing() {
        let mut d = Dense::<f32, 3, 2>::zeros();
        assert_eq!(
            d.read_params(&[1.0; 7]),
            Err(ParamsError {
                expected: 8,
                found: 7
            })
        );
        assert_eq!(d, Dense::zeros());
        let mut out = [9.0f32; 9];
        assert!(d.write_params(&mut out).is_err());
        assert_eq!(out, [9.0; 9]);
    }
}
