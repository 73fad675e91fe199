//! Gradient checking shared by the chapter tests.
//!
//! Every analytic gradient in the book is compared twice: with central finite
//! differences in `f64` (this module's [`central_difference`]) and with
//! Candle's reverse-mode autograd ([`candle_gradients`]).

use candle_core::{DType, Device, Tensor, Var};

/// Step size for [`central_difference`]. The truncation error of the central
/// difference is O(h²) and the rounding error O(ε/h), so h near ε^(1/3) ≈ 6e-6
/// balances the two in `f64`.
pub const DEFAULT_STEP: f64 = 1e-6;

// ANCHOR: central_difference
/// Estimates ∇f(θ) by central differences: (f(θ + h·eᵢ) − f(θ − h·eᵢ)) / 2h
/// for each coordinate i.
pub fn central_difference(f: impl Fn(&[f64]) -> f64, theta: &[f64], h: f64) -> Vec<f64> {
    let mut shifted = theta.to_vec();
    (0..theta.len())
        .map(|i| {
            shifted[i] = theta[i] + h;
            let forward = f(&shifted);
            shifted[i] = theta[i] - h;
            let backward = f(&shifted);
            shifted[i] = theta[i];
            (forward - backward) / (2.0 * h)
        })
        .collect()
}
// ANCHOR_END: central_difference

/// Returns |a − b| / max(|a|, |b|, 1e-8): a relative error that stays
/// meaningful when both values are near zero.
pub fn relative_error(a: f64, b: f64) -> f64 {
    (a - b).abs() / a.abs().max(b.abs()).max(1e-8)
}

/// Returns the largest [`relative_error`] over two equally long slices.
///
/// # Panics
/// Panics when the lengths differ, because that is a bug in the test.
pub fn max_relative_error(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len(), "gradient lengths differ");
    a.iter().zip(b).map(|(&x, &y)| relative_error(x, y)).fold(0.0, f64::max)
}

/// Returns the largest absolute difference over two equally long slices.
///
/// # Panics
/// Panics when the lengths differ, because that is a bug in the test.
pub fn max_abs_difference(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len(), "gradient lengths differ");
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f64::max)
}

/// Computes ∇f at each of `parameters` with Candle's autograd in `f64`.
///
/// `parameters` are (shape, values) pairs. `loss` builds a scalar from the
/// corresponding [`Var`]s. Returns one flattened gradient per parameter, in the
/// order given, and fails when `backward` left any parameter without a
/// gradient (for example because an operation without a backward pass, such
/// as `candle_nn::ops::softmax_last_dim`, cut the graph).
pub fn candle_gradients(
    parameters: &[(&[usize], &[f64])],
    loss: impl Fn(&[Var]) -> candle_core::Result<Tensor>,
) -> anyhow::Result<Vec<Vec<f64>>> {
    let device = Device::Cpu;
    let vars = parameters
        .iter()
        .map(|(shape, values)| Var::from_slice(values, *shape, &device))
        .collect::<candle_core::Result<Vec<_>>>()?;
    let loss = loss(&vars)?;
    anyhow::ensure!(
        loss.dtype() == DType::F64 && loss.elem_count() == 1,
        "loss must be a single f64 value, got {:?} with shape {:?}",
        loss.dtype(),
        loss.shape()
    );
    let grads = loss.backward()?;
    vars.iter()
        .enumerate()
        .map(|(index, var)| {
            let grad = grads.get(var.as_tensor()).ok_or_else(|| {
                anyhow::anyhow!("parameter {index} (shape {:?}) received no gradient from backward", var.shape())
            })?;
            Ok(grad.flatten_all()?.to_vec1::<f64>()?)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn central_difference_of_cubic() {
        // d/dx x³ = 3x², d/dy 2y = 2.
        let grad = central_difference(|t| t[0].powi(3) + 2.0 * t[1], &[2.0, -1.0], DEFAULT_STEP);
        assert!((grad[0] - 12.0).abs() < 1e-6, "{grad:?}");
        assert!((grad[1] - 2.0).abs() < 1e-6, "{grad:?}");
    }

    #[test]
    fn candle_gradients_of_square() {
        let grads = candle_gradients(&[(&[2], &[1.0, -3.0])], |v| v[0].sqr()?.sum_all()).unwrap();
        assert_eq!(grads, vec![vec![2.0, -6.0]]);
    }

    #[test]
    fn candle_gradients_reports_missing_gradient() {
        // The second parameter does not take part in the loss.
        let result = candle_gradients(&[(&[1], &[1.0]), (&[1], &[2.0])], |v| v[0].sqr()?.sum_all());
        let message = result.unwrap_err().to_string();
        assert!(message.contains("parameter 1"), "{message}");
    }
}
