//! Chapter 4: backpropagation.
//!
//! Two worked examples, both small enough to follow by hand:
//! - [`layer`]: one sigmoid layer, 2 inputs → 2 outputs, trained for one
//!   gradient-descent step under two loss conventions.
//! - [`network`]: 2 inputs → 2 sigmoid hidden units → 2 softmax outputs, where
//!   the error term δ is carried back through the hidden layer.
//!
//! Vectors are `nalgebra::DVector<f64>` and weight matrices `DMatrix<f64>`
//! with row i holding the weights into output i, so `W[(i, j)]` is the page's
//! wᵢⱼ with indices starting at 0 in code and at 1 on the page. Every function
//! checks shapes and returns [`Error`] rather than letting nalgebra panic or
//! broadcast.
//!
//! NOTE: the code covers fully connected layers on one example at a time. Batches,
//! convolution and other layer types are left to chapter 5 and Candle.

pub mod circulated;
pub mod figures;
pub mod layer;
pub mod network;
mod report;

pub use ch02::sigmoid;
pub use report::report;

use nalgebra::{DMatrix, DVector};
use thiserror::Error;

/// Errors of the chapter's functions.
#[derive(Debug, Error, PartialEq)]
pub enum Error {
    /// A vector or matrix does not have the shape the formula needs.
    #[error("shape mismatch: {name} has shape {found} but {expected} is needed; {hint}")]
    Shape { name: &'static str, found: String, expected: String, hint: &'static str },
    /// An error from the cross-entropy functions of chapter 2.
    #[error(transparent)]
    CrossEntropy(#[from] ch02::Error),
    /// An error from the update rule, which chapter 1 implements and chapter 3
    /// derives and re-exports.
    #[error(transparent)]
    GradientDescent(#[from] ch01::Error),
}

/// Result type of the chapter's functions.
pub type Result<T> = std::result::Result<T, Error>;

// ANCHOR: sigmoid_prime
/// The derivative of the sigmoid, σ'(z) = σ(z)(1 − σ(z)).
///
/// For |z| large one factor is 0 and the other 1, so the result is 0 and
/// never NaN.
pub fn sigmoid_prime(z: f64) -> f64 {
    let s = sigmoid(z);
    s * (1.0 - s)
}
// ANCHOR_END: sigmoid_prime

/// Checks that `w` is m×n for an input of length n and a bias of length m.
fn check_layer_shapes(w: &DMatrix<f64>, b: &DVector<f64>, x: &DVector<f64>) -> Result<()> {
    if w.ncols() != x.len() {
        return Err(Error::Shape {
            name: "the input",
            found: format!("({})", x.len()),
            expected: format!("({}) to match the {} columns of W", w.ncols(), w.ncols()),
            hint: "pass one input per column of W",
        });
    }
    if w.nrows() != b.len() {
        return Err(Error::Shape {
            name: "b",
            found: format!("({})", b.len()),
            expected: format!("({}) to match the {} rows of W", w.nrows(), w.nrows()),
            hint: "pass one bias per row of W",
        });
    }
    Ok(())
}

/// Checks that a target has one entry per output.
fn check_target(t: &DVector<f64>, outputs: usize) -> Result<()> {
    check_length("t", t, outputs, "pass one target per output")
}

/// Checks that the vector `name` has `expected` entries.
fn check_length(name: &'static str, values: &DVector<f64>, expected: usize, hint: &'static str) -> Result<()> {
    if values.len() != expected {
        return Err(Error::Shape {
            name,
            found: format!("({})", values.len()),
            expected: format!("({expected})"),
            hint,
        });
    }
    Ok(())
}

// ANCHOR: pre_activation
/// The pre-activation z = Wx + b of a fully connected layer.
///
/// Shapes: W is m×n, x has n entries, b and z have m.
pub fn pre_activation(w: &DMatrix<f64>, b: &DVector<f64>, x: &DVector<f64>) -> Result<DVector<f64>> {
    check_layer_shapes(w, b, x)?;
    Ok(w * x + b)
}
// ANCHOR_END: pre_activation

// ANCHOR: weight_gradient
/// The weight gradient of a layer in matrix form, ∂L/∂W = δ xᵀ, so that
/// ∂L/∂wᵢⱼ = δᵢ xⱼ.
///
/// Shapes: δ has m entries, x has n, the result is m×n like W.
pub fn weight_gradient(delta: &DVector<f64>, x: &DVector<f64>) -> DMatrix<f64> {
    delta * x.transpose()
}
// ANCHOR_END: weight_gradient

/// Applies one gradient-descent step, θ ← θ − α ∂L/∂θ, to a matrix with
/// chapter 3's update rule.
pub fn step_matrix(theta: &DMatrix<f64>, gradient: &DMatrix<f64>, alpha: f64) -> Result<DMatrix<f64>> {
    if theta.shape() != gradient.shape() {
        return Err(Error::Shape {
            name: "gradient",
            found: format!("{:?}", gradient.shape()),
            expected: format!("{:?}", theta.shape()),
            hint: "pass the gradient of this parameter",
        });
    }
    let updated = ch03::gradient_descent_step(theta.as_slice(), gradient.as_slice(), alpha)?;
    Ok(DMatrix::from_vec(theta.nrows(), theta.ncols(), updated))
}

/// Applies one gradient-descent step to a vector with chapter 3's update rule.
/// Fails when the gradient does not have one entry per parameter.
pub fn step_vector(theta: &DVector<f64>, gradient: &DVector<f64>, alpha: f64) -> Result<DVector<f64>> {
    let updated = ch03::gradient_descent_step(theta.as_slice(), gradient.as_slice(), alpha)?;
    Ok(DVector::from_vec(updated))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sigmoid_prime_saturates_to_zero() {
        assert_eq!(sigmoid_prime(1000.0), 0.0);
        assert_eq!(sigmoid_prime(-1000.0), 0.0);
        assert_eq!(sigmoid_prime(0.0), 0.25);
    }

    #[test]
    fn pre_activation_rejects_long_input() {
        let w = DMatrix::from_row_slice(2, 2, &[0.5, 0.3, 0.2, 0.5]);
        let b = DVector::from_vec(vec![0.1, 0.1]);
        let x = DVector::from_vec(vec![1.0, 2.0, 3.0]);
        let err = pre_activation(&w, &b, &x).unwrap_err();
        assert!(err.to_string().contains("the input has shape (3)"), "{err}");
    }

    #[test]
    fn step_vector_rejects_wrong_length() {
        let b = DVector::zeros(2);
        let g = DVector::zeros(3);
        let err = step_vector(&b, &g, 0.1).unwrap_err();
        assert_eq!(err, Error::GradientDescent(ch01::Error::GradientLength { parameters: 2, gradient: 3 }));
    }

    #[test]
    fn step_matrix_rejects_wrong_shape() {
        let w = DMatrix::zeros(2, 2);
        let g = DMatrix::zeros(2, 3);
        assert!(matches!(step_matrix(&w, &g, 0.1), Err(Error::Shape { .. })));
    }
}
