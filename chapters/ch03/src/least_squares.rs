//! A small noisy least-squares problem whose full-batch loss is a bowl.
//!
//! The model is the line ŷ = θ₁ + θ₂x. With n examples (xᵢ, yᵢ) the full-batch
//! loss is the mean squared error L(θ) = (1/n) Σᵢ ℓᵢ(θ) with the per-example
//! loss ℓᵢ(θ) = (θ₁ + θ₂xᵢ − yᵢ)². The inputs are chosen with mean 0 and mean
//! square c₂, and the noise is made orthogonal to 1 and x, so that
//! L(θ) = (θ₁ − θ*₁)² + c₂(θ₂ − θ*₂)² + s², where s² is the mean squared noise:
//! the bowl of [`crate::bowl`] lifted by the noise that no line can fit.
//!
//! The loss, its gradient and the fit are chapter 1's least squares for the line
//! ŷ = w·x + b: with the intercept first here, θ = [θ₁, θ₂] is chapter 1's
//! [w, b] = [θ₂, θ₁]. What this module adds is the noise and the per-example
//! view that SGD samples from.

use ch01::regression::normal_equations;
use ch01::{check_lengths, linear_mse, linear_mse_gradient};

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
    ///
    /// # Errors
    /// [`Error::TooFewPoints`] when there is no example, and a length mismatch
    /// when the noise does not have one entry per input.
    pub fn noise_variance(&self) -> Result<f64> {
        check_lengths("noise r", &self.noise, "input x", &self.x)?;
        if self.is_empty() {
            return Err(Error::TooFewPoints(0));
        }
        Ok(self.noise.iter().map(|r| r * r).sum::<f64>() / self.len() as f64)
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
/// Converts θ = [θ₁, θ₂] of the line ŷ = θ₁ + θ₂x to chapter 1's [w, b] of
/// ŷ = w·x + b.
fn slope_first(theta: &[f64; 2]) -> [f64; 2] {
    [theta[1], theta[0]]
}

/// Computes the per-example loss ℓᵢ(θ) = (θ₁ + θ₂xᵢ − yᵢ)²: chapter 1's MSE
/// of the line on the single example (xᵢ, yᵢ).
pub fn example_loss(theta: &[f64; 2], x: f64, y: f64) -> Result<f64> {
    Ok(linear_mse(slope_first(theta), &[x], &[y])?)
}

/// Computes the gradient of the per-example loss, ∇ℓᵢ(θ) = 2(θ₁ + θ₂xᵢ − yᵢ) · [1, xᵢ],
/// with chapter 1's chain rule through ŷ on the single example (xᵢ, yᵢ).
pub fn example_gradient(theta: &[f64; 2], x: f64, y: f64) -> Result<[f64; 2]> {
    let [dl_dw, dl_db] = linear_mse_gradient(slope_first(theta), &[x], &[y])?;
    Ok([dl_db, dl_dw])
}
// ANCHOR_END: example_loss

/// Computes the full-batch loss L(θ) = (1/n) Σᵢ ℓᵢ(θ), chapter 1's MSE of the line
/// on all examples.
///
/// # Errors
/// A length mismatch when x and y differ in length, and an error when they are empty.
pub fn full_batch_loss(theta: &[f64; 2], data: &LineData) -> Result<f64> {
    Ok(linear_mse(slope_first(theta), &data.x, &data.y)?)
}

/// Computes the full-batch gradient ∇L(θ) = (1/n) Σᵢ ∇ℓᵢ(θ) with chapter 1's
/// gradient of the MSE of a line.
///
/// # Errors
/// As [`full_batch_loss`].
pub fn full_batch_gradient(theta: &[f64; 2], data: &LineData) -> Result<[f64; 2]> {
    let [dl_dw, dl_db] = linear_mse_gradient(slope_first(theta), &data.x, &data.y)?;
    Ok([dl_db, dl_dw])
}

/// Fits the line ŷ = θ₁ + θ₂x by least squares with chapter 1's normal equations
/// XᵀX θ = Xᵀy, and returns θ̂ = [θ₁, θ₂], intercept first.
///
/// # Errors
/// A length mismatch when x and y differ in length, [`Error::TooFewPoints`] for
/// fewer than 3 points (a line through 2 points leaves no noise), and chapter 1's
/// singular-design error when all x are equal.
pub fn least_squares_fit(x: &[f64], y: &[f64]) -> Result<[f64; 2]> {
    check_lengths("input x", x, "target y", y)?;
    if x.len() < 3 {
        return Err(Error::TooFewPoints(x.len()));
    }
    let [w, b] = normal_equations(x, y)?.theta;
    Ok([b, w])
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
        let [intercept, slope] = least_squares_fit(&ROUND_INPUTS, &y).unwrap();
        assert!((intercept - 1.0).abs() < 1e-14, "θ₁ = {intercept}");
        assert!((slope - 2.0).abs() < 1e-14, "θ₂ = {slope}");
    }

    #[test]
    fn fit_rejects_two_points() {
        assert_eq!(least_squares_fit(&[0.0, 1.0], &[0.0, 1.0]).unwrap_err(), Error::TooFewPoints(2));
    }

    #[test]
    fn fit_rejects_constant_inputs() {
        let err = least_squares_fit(&[2.0, 2.0, 2.0], &[0.0, 1.0, 2.0]).unwrap_err();
        assert_eq!(err, Error::Chapter1(ch01::Error::SingularDesign { count: 3, value: 2.0 }));
    }

    #[test]
    fn fit_rejects_length_mismatch() {
        let err = least_squares_fit(&[0.0, 1.0, 2.0], &[0.0, 1.0]).unwrap_err();
        assert!(matches!(err, Error::Chapter1(ch01::Error::LengthMismatch { left: 3, right: 2, .. })), "{err}");
    }

    #[test]
    fn losses_reject_length_mismatch() {
        let data = LineData { x: vec![0.0, 1.0, 2.0], y: vec![0.0, 1.0], noise: vec![0.0, 0.0, 0.0] };
        for err in
            [full_batch_loss(&[1.0, 2.0], &data).unwrap_err(), full_batch_gradient(&[1.0, 2.0], &data).unwrap_err()]
        {
            assert!(matches!(err, Error::Chapter1(ch01::Error::LengthMismatch { left: 3, right: 2, .. })), "{err}");
        }
    }

    #[test]
    fn noise_variance_rejects_short_noise() {
        let data = LineData { x: vec![0.0, 1.0, 2.0], y: vec![0.0, 1.0, 2.0], noise: vec![0.0] };
        let err = data.noise_variance().unwrap_err();
        assert!(matches!(err, Error::Chapter1(ch01::Error::LengthMismatch { left: 1, right: 3, .. })), "{err}");
    }

    #[test]
    fn noise_variance_rejects_empty_data() {
        let data = LineData { x: vec![], y: vec![], noise: vec![] };
        assert_eq!(data.noise_variance().unwrap_err(), Error::TooFewPoints(0));
    }

    #[test]
    fn noisy_line_rejects_negative_amplitude() {
        let err = noisy_line(&ROUND_INPUTS, [1.0, 2.0], -1.0, 0).unwrap_err();
        assert_eq!(err, Error::InvalidNoiseAmplitude(-1.0));
    }
}
