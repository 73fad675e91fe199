//! A small noisy least-squares problem whose full-batch loss is a bowl.
//!
//! The model is the line ŷ = θ₁ + θ₂x. With n examples (xᵢ, yᵢ) the full-batch
//! loss is the mean squared error L(θ) = (1/n) Σᵢ ℓᵢ(θ) with the per-example
//! loss ℓᵢ(θ) = (θ₁ + θ₂xᵢ − yᵢ)². The inputs are chosen with mean 0 and mean
//! square c₂, and the noise is made orthogonal to 1 and x, so that
//! L(θ) = (θ₁ − θ*₁)² + c₂(θ₂ − θ*₂)² + s², where s² is the mean squared noise:
//! the bowl of [`crate::bowl`] lifted by the noise that no line can fit.

use crate::rng::{seeded_rng, uniform_unit};
use crate::{Error, Result};

/// Inputs with mean 0 and mean square 1: the full-batch loss is the round
/// bowl plus a constant.
pub const ROUND_INPUTS: [f64; 7] = [-1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5];

/// Inputs with mean 0 and mean square 10: the full-batch loss is the
/// ill-conditioned bowl plus a constant.
pub const ILL_CONDITIONED_INPUTS: [f64; 7] = [-5.0, -3.0, -1.0, 0.0, 1.0, 3.0, 5.0];

/// Width of the uniform noise before its projection: draws lie in
/// [−0.5, 0.5) times this amplitude.
pub const NOISE_AMPLITUDE: f64 = 1.0;

/// Examples (xᵢ, yᵢ) for the line ŷ = θ₁ + θ₂x, and the noise rᵢ in yᵢ.
#[derive(Clone, Debug, PartialEq)]
pub struct LineData {
    /// Inputs xᵢ.
    pub x: Vec<f64>,
    /// Targets yᵢ = θ*₁ + θ*₂xᵢ + rᵢ.
    pub y: Vec<f64>,
    /// Noise rᵢ, orthogonal to the constant 1 and to x.
    pub noise: Vec<f64>,
}

impl LineData {
    /// Returns the number of examples n.
    pub fn len(&self) -> usize {
        self.x.len()
    }

    /// Returns whether there are no examples.
    pub fn is_empty(&self) -> bool {
        self.x.is_empty()
    }

    /// Returns the mean squared noise s² = (1/n) Σ rᵢ², which is the
    /// full-batch loss at the true line θ*.
    pub fn noise_variance(&self) -> f64 {
        self.noise.iter().map(|r| r * r).sum::<f64>() / self.len() as f64
    }
}

// ANCHOR: noisy_line
/// Builds targets yᵢ = θ*₁ + θ*₂xᵢ + rᵢ with seeded noise r.
///
/// Each eᵢ is drawn uniformly from [−0.5, 0.5) × `noise_amplitude`. The noise
/// r is the residual of the least-squares line fitted to e, so r has mean 0 and
/// is uncorrelated with x. No line can fit any of it, and the least-squares
/// solution of the data is exactly θ* (up to rounding).
///
/// # Errors
/// [`Error::TooFewPoints`] for fewer than 3 inputs (2 points leave no
/// residual), [`Error::ConstantInputs`] when all x are equal, and
/// [`Error::InvalidNoiseAmplitude`] for a negative or non-finite amplitude.
pub fn noisy_line(x: &[f64], theta_star: [f64; 2], noise_amplitude: f64, seed: u64) -> Result<LineData> {
    if !(noise_amplitude.is_finite() && noise_amplitude >= 0.0) {
        return Err(Error::InvalidNoiseAmplitude(noise_amplitude));
    }
    let mut rng = seeded_rng(seed);
    let draws: Vec<f64> = x.iter().map(|_| noise_amplitude * (uniform_unit(&mut rng) - 0.5)).collect();

    let [intercept, slope] = least_squares_fit(x, &draws)?;
    let noise: Vec<f64> = x.iter().zip(&draws).map(|(xi, e)| e - (intercept + slope * xi)).collect();

    let y = x.iter().zip(&noise).map(|(xi, r)| theta_star[0] + theta_star[1] * xi + r).collect();
    Ok(LineData { x: x.to_vec(), y, noise })
}
// ANCHOR_END: noisy_line

// ANCHOR: example_loss
/// Computes the per-example loss ℓᵢ(θ) = (θ₁ + θ₂xᵢ − yᵢ)².
pub fn example_loss(theta: &[f64; 2], x: f64, y: f64) -> f64 {
    let residual = theta[0] + theta[1] * x - y;
    residual * residual
}

/// Computes the gradient of the per-example loss, ∇ℓᵢ(θ) = 2(θ₁ + θ₂xᵢ − yᵢ) · [1, xᵢ].
pub fn example_gradient(theta: &[f64; 2], x: f64, y: f64) -> [f64; 2] {
    let residual = theta[0] + theta[1] * x - y;
    [2.0 * residual, 2.0 * residual * x]
}
// ANCHOR_END: example_loss

/// Computes the full-batch loss L(θ) = (1/n) Σᵢ ℓᵢ(θ).
pub fn full_batch_loss(theta: &[f64; 2], data: &LineData) -> f64 {
    let total: f64 = data.x.iter().zip(&data.y).map(|(&x, &y)| example_loss(theta, x, y)).sum();
    total / data.len() as f64
}

/// Computes the full-batch gradient ∇L(θ) = (1/n) Σᵢ ∇ℓᵢ(θ).
pub fn full_batch_gradient(theta: &[f64; 2], data: &LineData) -> [f64; 2] {
    let mut total = [0.0, 0.0];
    for (&x, &y) in data.x.iter().zip(&data.y) {
        let [g1, g2] = example_gradient(theta, x, y);
        total[0] += g1;
        total[1] += g2;
    }
    let n = data.len() as f64;
    [total[0] / n, total[1] / n]
}

/// Solves the normal equations of the line fit ŷ = θ₁ + θ₂x:
///
/// ```text
/// [ n    Σx  ] [θ₁]   [ Σy  ]
/// [ Σx   Σx² ] [θ₂] = [ Σxy ]
/// ```
///
/// in centred form: θ₂ = Σ(x − x̄)(y − ȳ) / Σ(x − x̄)², θ₁ = ȳ − θ₂x̄.
///
/// # Errors
/// [`Error::DataLengthMismatch`] when x and y differ in length,
/// [`Error::TooFewPoints`] for fewer than 3 points, and
/// [`Error::ConstantInputs`] when all x are equal.
pub fn least_squares_fit(x: &[f64], y: &[f64]) -> Result<[f64; 2]> {
    if x.len() != y.len() {
        return Err(Error::DataLengthMismatch { x: x.len(), y: y.len() });
    }
    if x.len() < 3 {
        return Err(Error::TooFewPoints(x.len()));
    }

    let n = x.len() as f64;
    let x_mean = x.iter().sum::<f64>() / n;
    let y_mean = y.iter().sum::<f64>() / n;
    let sxx: f64 = x.iter().map(|xi| (xi - x_mean) * (xi - x_mean)).sum();
    let sxy: f64 = x.iter().zip(y).map(|(xi, yi)| (xi - x_mean) * (yi - y_mean)).sum();

    if sxx == 0.0 {
        return Err(Error::ConstantInputs(x[0]));
    }
    let slope = sxy / sxx;
    Ok([y_mean - slope * x_mean, slope])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_have_stated_moments() {
        let mean_square = |x: &[f64]| x.iter().map(|v| v * v).sum::<f64>() / x.len() as f64;
        assert_eq!(ROUND_INPUTS.iter().sum::<f64>(), 0.0);
        assert_eq!(mean_square(&ROUND_INPUTS), 1.0);
        assert_eq!(ILL_CONDITIONED_INPUTS.iter().sum::<f64>(), 0.0);
        assert_eq!(mean_square(&ILL_CONDITIONED_INPUTS), 10.0);
    }

    #[test]
    fn fit_recovers_exact_line() {
        let y: Vec<f64> = ROUND_INPUTS.iter().map(|x| 1.0 + 2.0 * x).collect();
        assert_eq!(least_squares_fit(&ROUND_INPUTS, &y).unwrap(), [1.0, 2.0]);
    }

    #[test]
    fn fit_rejects_two_points() {
        assert_eq!(least_squares_fit(&[0.0, 1.0], &[0.0, 1.0]).unwrap_err(), Error::TooFewPoints(2));
    }

    #[test]
    fn fit_rejects_constant_inputs() {
        let err = least_squares_fit(&[2.0, 2.0, 2.0], &[0.0, 1.0, 2.0]).unwrap_err();
        assert_eq!(err, Error::ConstantInputs(2.0));
    }

    #[test]
    fn fit_rejects_length_mismatch() {
        let err = least_squares_fit(&[0.0, 1.0, 2.0], &[0.0, 1.0]).unwrap_err();
        assert_eq!(err, Error::DataLengthMismatch { x: 3, y: 2 });
    }

    #[test]
    fn noisy_line_rejects_negative_amplitude() {
        let err = noisy_line(&ROUND_INPUTS, [1.0, 2.0], -1.0, 0).unwrap_err();
        assert_eq!(err, Error::InvalidNoiseAmplitude(-1.0));
    }
}
