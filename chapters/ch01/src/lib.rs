//! Chapter 1: mean squared error.
//!
//! Vectors are plain `f64` slices of shape (n,). Inputs that arrive with a
//! shape of their own, as they do from a tensor library, go through
//! [`mse_of_arrays`], which rejects two different shapes instead of
//! broadcasting them. The loss functions check that their inputs are
//! non-empty and equally long, and return [`Error`] instead of panicking or
//! returning NaN.

use std::fmt;

use thiserror::Error;

pub mod figures;
pub mod regression;
mod report;

pub use report::report;

/// Targets y of the worked example.
pub const TARGETS: [f64; 4] = [3.0, -0.5, 2.0, 7.0];

/// Predictions ŷ of the worked example, one per target in [`TARGETS`].
pub const PREDICTIONS: [f64; 4] = [2.5, 0.0, 2.0, 8.0];

/// Errors of the chapter's functions.
#[derive(Debug, Error, PartialEq)]
pub enum Error {
    /// Two vectors that must be equally long are not.
    #[error(
        "length mismatch: {left_name} has {left} elements but {right_name} has {right}; pass one prediction per target"
    )]
    LengthMismatch { left_name: &'static str, left: usize, right_name: &'static str, right: usize },
    /// An input vector is empty.
    #[error("{name} is empty, and the mean of zero squared errors is 0/0; pass at least one value")]
    Empty { name: &'static str },
    /// The prediction and the target have different shapes.
    #[error("shape mismatch: prediction ŷ has shape {prediction} but target y has shape {target}; {fix}")]
    ShapeMismatch { prediction: Shape, target: Shape, fix: String },
    /// An array's values do not fill its shape.
    #[error("{name} has shape {shape}, which holds {expected} values, but {actual} values were given; pass a shape that matches the values")]
    ShapeSize { name: &'static str, shape: Shape, expected: usize, actual: usize },
    /// The noise standard deviation of the Gaussian model is not positive.
    #[error("noise standard deviation σ = {sigma} is invalid; pass a finite σ > 0")]
    InvalidSigma { sigma: f64 },
    /// A parameter of a fit is out of its valid range.
    #[error("{name} = {value} is invalid; {fix}")]
    InvalidParameter { name: &'static str, value: f64, fix: &'static str },
    /// The normal equations have no unique solution.
    #[error("all {count} x values equal {value}, so XᵀX is singular and the slope is undetermined; pass at least two distinct x values")]
    SingularDesign { count: usize, value: f64 },
    /// A gradient does not have one entry per parameter.
    #[error("length mismatch: {parameters} parameters θ but {gradient} gradient entries; pass one gradient entry per parameter")]
    GradientLength { parameters: usize, gradient: usize },
    /// A design matrix does not fit the parameters or the targets.
    #[error("shape mismatch: design matrix X has shape ({rows}, {columns}) but θ has {parameters} entries and y has {targets}; pass X of shape ({targets}, {parameters}) with rows [xᵢ, 1]")]
    DesignShape { rows: usize, columns: usize, parameters: usize, targets: usize },
    /// Gradient descent produced a non-finite loss.
    #[error("gradient descent diverged: the loss is {loss} after {iteration} iterations with learning rate α = {learning_rate}; use a smaller α")]
    Diverged { iteration: usize, loss: f64, learning_rate: f64 },
}

/// Result type of the chapter's functions.
pub type Result<T> = std::result::Result<T, Error>;

/// An array shape, written as the array libraries print it: `(3,)`, `(3, 1)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shape(pub Vec<usize>);

impl Shape {
    /// Returns the number of values an array of this shape contains (1 for the scalar shape `()`).
    pub fn element_count(&self) -> usize {
        self.0.iter().product()
    }
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.as_slice() {
            [single] => write!(f, "({single},)"),
            dims => {
                let dims: Vec<String> = dims.iter().map(usize::to_string).collect();
                write!(f, "({})", dims.join(", "))
            }
        }
    }
}

/// A borrowed array as a tensor library stores it: values in row-major order and a shape.
#[derive(Clone, Copy, Debug)]
pub struct ArrayView<'a> {
    /// Size of each axis, for example `&[3, 1]` for a column of three values.
    pub shape: &'a [usize],
    /// The values, row-major.
    pub values: &'a [f64],
}

/// Returns `Ok(())` when `left` and `right` have the same length.
pub fn check_lengths(left_name: &'static str, left: &[f64], right_name: &'static str, right: &[f64]) -> Result<()> {
    if left.len() != right.len() {
        return Err(Error::LengthMismatch { left_name, left: left.len(), right_name, right: right.len() });
    }
    Ok(())
}

pub(crate) fn check_not_empty(name: &'static str, values: &[f64]) -> Result<()> {
    if values.is_empty() {
        return Err(Error::Empty { name });
    }
    Ok(())
}

/// Checks that ŷ and y are non-empty and equally long, the precondition of every loss here.
fn check_pair(y_hat: &[f64], y: &[f64]) -> Result<()> {
    check_lengths("prediction ŷ", y_hat, "target y", y)?;
    check_not_empty("target y", y)
}

// ANCHOR: residuals
/// Computes the residuals rᵢ = yᵢ − ŷᵢ: what the data show minus what the model predicts.
/// Shapes: ŷ (n,), y (n,) → r (n,).
pub fn residuals(y_hat: &[f64], y: &[f64]) -> Result<Vec<f64>> {
    check_pair(y_hat, y)?;
    Ok(y.iter().zip(y_hat).map(|(yi, yi_hat)| yi - yi_hat).collect())
}
// ANCHOR_END: residuals

// ANCHOR: mse
/// Computes the mean squared error L(ŷ, y) = (1/n) Σᵢ (yᵢ − ŷᵢ)².
/// Shapes: ŷ (n,), y (n,) with n ≥ 1 → a scalar.
pub fn mse(y_hat: &[f64], y: &[f64]) -> Result<f64> {
    let r = residuals(y_hat, y)?;
    let n = r.len() as f64;
    Ok(r.iter().map(|ri| ri * ri).sum::<f64>() / n)
}

/// Computes the gradient of the MSE with respect to the predictions:
/// ∂L/∂ŷᵢ = (2/n)(ŷᵢ − yᵢ) = −(2/n) rᵢ.
/// Shapes: ŷ (n,), y (n,) → ∂L/∂ŷ (n,).
pub fn mse_gradient(y_hat: &[f64], y: &[f64]) -> Result<Vec<f64>> {
    check_pair(y_hat, y)?;
    let n = y.len() as f64;
    Ok(y_hat.iter().zip(y).map(|(yi_hat, yi)| 2.0 / n * (yi_hat - yi)).collect())
}
// ANCHOR_END: mse

/// Computes the root mean squared error √MSE, in the units of y.
pub fn rmse(y_hat: &[f64], y: &[f64]) -> Result<f64> {
    Ok(mse(y_hat, y)?.sqrt())
}

// ANCHOR: mse_of_arrays
/// Computes the MSE of two arrays that carry shapes, such as a model's output of shape
/// (n, 1) and a target column of shape (n,).
///
/// The shapes must be equal. NumPy, PyTorch and Candle would broadcast (n, 1)
/// against (n,) to (n, n) and average n² differences, so this function returns
/// [`Error::ShapeMismatch`] instead of computing anything.
pub fn mse_of_arrays(y_hat: ArrayView<'_>, y: ArrayView<'_>) -> Result<f64> {
    let prediction = checked_shape("prediction ŷ", y_hat)?;
    let target = checked_shape("target y", y)?;

    if prediction != target {
        let fix = if prediction.element_count() == target.element_count() {
            format!("reshape ŷ to {target} before taking the loss, because subtracting arrays of different shapes broadcasts them instead of pairing their elements")
        } else {
            "pass one prediction per target".to_owned()
        };
        return Err(Error::ShapeMismatch { prediction, target, fix });
    }

    mse(y_hat.values, y.values)
}
// ANCHOR_END: mse_of_arrays

fn checked_shape(name: &'static str, array: ArrayView<'_>) -> Result<Shape> {
    let shape = Shape(array.shape.to_vec());
    let expected = shape.element_count();
    if expected != array.values.len() {
        return Err(Error::ShapeSize { name, shape, expected, actual: array.values.len() });
    }
    Ok(shape)
}

/// Computes the value that `((y_hat - y) ** 2).mean()` takes in a broadcasting library when
/// ŷ is a column of shape (m, 1) and y has shape (n,): the mean of all m·n
/// differences (ŷᵢ − yⱼ)², not of the n matched pairs.
///
/// This is the common mistake that [`mse_of_arrays`] rejects. It exists so that
/// the chapter can print the wrong value next to the right one.
pub fn broadcast_mse_mistake(y_hat_column: &[f64], y: &[f64]) -> Result<f64> {
    check_not_empty("prediction ŷ", y_hat_column)?;
    check_not_empty("target y", y)?;
    let pairs = (y_hat_column.len() * y.len()) as f64;
    let sum: f64 = y_hat_column.iter().flat_map(|yi_hat| y.iter().map(move |yj| (yi_hat - yj).powi(2))).sum();
    Ok(sum / pairs)
}

// ANCHOR: linear_model
/// Predicts ŷᵢ = w·xᵢ + b with the linear model θ = [w, b]. Shapes: x (n,) → ŷ (n,).
pub fn predict(theta: [f64; 2], x: &[f64]) -> Vec<f64> {
    let [w, b] = theta;
    x.iter().map(|xi| w * xi + b).collect()
}

/// Computes the loss of the linear model as a function of its parameters,
/// L(w, b) = MSE(w·x + b, y).
pub fn linear_mse(theta: [f64; 2], x: &[f64], y: &[f64]) -> Result<f64> {
    check_lengths("input x", x, "target y", y)?;
    mse(&predict(theta, x), y)
}

/// Computes the gradient of L(w, b) = MSE(w·x + b, y) by the chain rule through ŷ:
/// ∂L/∂w = Σᵢ ∂L/∂ŷᵢ · xᵢ and ∂L/∂b = Σᵢ ∂L/∂ŷᵢ, because ∂ŷᵢ/∂w = xᵢ and ∂ŷᵢ/∂b = 1.
/// Shapes: x (n,), y (n,) → [∂L/∂w, ∂L/∂b].
pub fn linear_mse_gradient(theta: [f64; 2], x: &[f64], y: &[f64]) -> Result<[f64; 2]> {
    check_lengths("input x", x, "target y", y)?;
    let dl_dy_hat = mse_gradient(&predict(theta, x), y)?;

    let dl_dw = dl_dy_hat.iter().zip(x).map(|(g, xi)| g * xi).sum();
    let dl_db = dl_dy_hat.iter().sum();
    Ok([dl_dw, dl_db])
}
// ANCHOR_END: linear_model

// ANCHOR: gradient_descent_step
/// Takes one gradient-descent step θ ← θ − α ∇L(θ) and returns the new parameters.
///
/// `theta` and `gradient` have the same length n (any n), and `alpha` must be a
/// positive finite learning rate. This is the book's one implementation of the
/// update rule: chapter 1 fits a line with it, chapter 3 derives which α make it
/// converge, and chapter 4 updates the weights of a layer with it.
pub fn gradient_descent_step(theta: &[f64], gradient: &[f64], alpha: f64) -> Result<Vec<f64>> {
    if theta.len() != gradient.len() {
        return Err(Error::GradientLength { parameters: theta.len(), gradient: gradient.len() });
    }
    check_learning_rate(alpha)?;
    Ok(theta.iter().zip(gradient).map(|(t, g)| t - alpha * g).collect())
}
// ANCHOR_END: gradient_descent_step

/// Returns `Ok(())` when the learning rate α is positive and finite.
pub(crate) fn check_learning_rate(alpha: f64) -> Result<()> {
    if !(alpha.is_finite() && alpha > 0.0) {
        return Err(Error::InvalidParameter { name: "learning rate α", value: alpha, fix: "pass a finite α > 0" });
    }
    Ok(())
}

// ANCHOR: gaussian_nll
/// Computes the negative log-likelihood of targets y under the model yᵢ = ŷᵢ + εᵢ with
/// independent noise εᵢ ~ N(0, σ²):
/// −ln p(y | ŷ, σ) = Σᵢ [½ ln(2πσ²) + (yᵢ − ŷᵢ)² / (2σ²)].
///
/// Summed from the Gaussian density term by term, so that it can be compared
/// with its closed form (n/2) ln(2πσ²) + n/(2σ²) · MSE(ŷ, y).
pub fn gaussian_negative_log_likelihood(y_hat: &[f64], y: &[f64], sigma: f64) -> Result<f64> {
    if !(sigma.is_finite() && sigma > 0.0) {
        return Err(Error::InvalidSigma { sigma });
    }
    check_pair(y_hat, y)?;

    let variance = sigma * sigma;
    let log_normaliser = 0.5 * (2.0 * std::f64::consts::PI * variance).ln();
    Ok(y.iter().zip(y_hat).map(|(yi, yi_hat)| log_normaliser + (yi - yi_hat).powi(2) / (2.0 * variance)).sum())
}
// ANCHOR_END: gaussian_nll

// ANCHOR: noise_variance
/// Computes the derivative of the Gaussian negative log-likelihood with respect to the
/// noise variance σ², with the predictions held fixed:
/// ∂(−ln p)/∂σ² = n/(2σ²) − n·MSE/(2σ⁴) = n/(2σ⁴) · (σ² − MSE(ŷ, y)).
///
/// It is negative below MSE and positive above it, so the likelihood has its only
/// maximum in σ² where the derivative is zero, at σ² = MSE.
pub fn gaussian_nll_variance_derivative(y_hat: &[f64], y: &[f64], variance: f64) -> Result<f64> {
    if !(variance.is_finite() && variance > 0.0) {
        return Err(Error::InvalidParameter {
            name: "noise variance σ²",
            value: variance,
            fix: "pass a finite σ² > 0",
        });
    }
    let n = y.len() as f64;
    Ok(n / (2.0 * variance * variance) * (variance - mse(y_hat, y)?))
}

/// Returns the maximum-likelihood noise variance σ̂² for fixed predictions: the σ² at
/// which [`gaussian_nll_variance_derivative`] is zero, which is σ̂² = (1/n) Σᵢ rᵢ² = MSE(ŷ, y).
pub fn max_likelihood_variance(y_hat: &[f64], y: &[f64]) -> Result<f64> {
    mse(y_hat, y)
}
// ANCHOR_END: noise_variance

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_display_matches_numpy() {
        assert_eq!(Shape(vec![3]).to_string(), "(3,)");
        assert_eq!(Shape(vec![3, 1]).to_string(), "(3, 1)");
        assert_eq!(Shape(vec![]).to_string(), "()");
    }

    #[test]
    fn residuals_are_target_minus_prediction() {
        assert_eq!(residuals(&[2.5, 0.0], &[3.0, -0.5]).unwrap(), vec![0.5, -0.5]);
    }

    #[test]
    fn step_moves_against_gradient() {
        assert_eq!(gradient_descent_step(&[1.0, 2.0], &[2.0, -4.0], 0.25).unwrap(), vec![0.5, 3.0]);
    }

    #[test]
    fn step_rejects_length_mismatch() {
        let err = gradient_descent_step(&[1.0, 2.0], &[1.0], 0.1).unwrap_err();
        assert_eq!(err, Error::GradientLength { parameters: 2, gradient: 1 });
    }

    #[test]
    fn step_rejects_nonpositive_rate() {
        let err = gradient_descent_step(&[1.0], &[1.0], 0.0).unwrap_err();
        assert!(matches!(err, Error::InvalidParameter { name: "learning rate α", value: 0.0, .. }), "{err}");
    }

    #[test]
    fn step_rejects_nan_rate() {
        let err = gradient_descent_step(&[1.0], &[1.0], f64::NAN).unwrap_err();
        assert!(matches!(err, Error::InvalidParameter { value, .. } if value.is_nan()), "{err:?}");
    }

    #[test]
    fn variance_derivative_rejects_zero_variance() {
        let err = gaussian_nll_variance_derivative(&[1.0], &[1.0], 0.0).unwrap_err();
        assert!(matches!(err, Error::InvalidParameter { name: "noise variance σ²", .. }), "{err}");
    }

    #[test]
    fn gaussian_nll_rejects_zero_sigma() {
        let err = gaussian_negative_log_likelihood(&[1.0], &[1.0], 0.0).unwrap_err();
        assert_eq!(err, Error::InvalidSigma { sigma: 0.0 });
    }
}
