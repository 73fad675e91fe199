//! Chapter 3: gradient descent.
//!
//! The update rule θ ← θ − α∇L(θ), the learning rates for which it converges on
//! a quadratic bowl, and three variants of it: stochastic gradient descent (SGD)
//! on a small noisy least-squares problem, momentum, and Adam.
//!
//! Everything here works on plain `f64` slices or two-element arrays, because
//! the worked examples have two parameters. Chapter 4 reuses
//! [`gradient_descent_step`] to update the weights of a layer.
//!
//! Modules, in the order the page explains them:
//! - [`bowl`]: the quadratic bowls, their gradients and Hessians;
//! - [`rates`]: per-step contraction factors and the step-size regimes;
//! - [`optimizers`]: gradient descent, momentum and Adam behind one trait;
//! - [`least_squares`]: the noisy line-fitting problem that SGD samples from;
//! - [`rng`]: the seeded random numbers behind the noise and the sampling;
//! - [`runs`]: running an optimizer and counting steps to a tolerance;
//! - [`experiments`]: the settings of the runs the page shows;
//! - [`report`]: the text `cargo run -p ch03` prints;
//! - [`figures`]: the chapter's SVG figures.

pub mod bowl;
pub mod experiments;
pub mod figures;
pub mod least_squares;
pub mod optimizers;
pub mod rates;
pub mod report;
pub mod rng;
pub mod runs;

pub use bowl::{Bowl, ILL_CONDITIONED_BOWL, ROUND_BOWL};
pub use optimizers::{Adam, GradientDescent, Momentum, Optimizer};
pub use report::report;

use thiserror::Error;

/// Errors of the chapter's functions.
#[derive(Debug, Error, PartialEq)]
pub enum Error {
    /// The parameters and the gradient have different lengths.
    #[error("length mismatch: {parameters} parameters but {gradient} gradient entries; pass one gradient entry per parameter")]
    LengthMismatch { parameters: usize, gradient: usize },
    /// The learning rate is not a positive finite number.
    #[error("invalid learning rate {0}; use a positive finite value such as 0.1")]
    InvalidLearningRate(f64),
    /// The momentum coefficient μ is outside [0, 1).
    #[error("invalid momentum coefficient {0}; use a value in [0, 1) such as 0.9")]
    InvalidMomentum(f64),
    /// An exponential decay rate (Adam's β₁ or β₂) is outside [0, 1).
    #[error("invalid decay rate {name} = {value}; use a value in [0, 1) such as 0.9 for beta1 or 0.999 for beta2")]
    InvalidDecayRate { name: &'static str, value: f64 },
    /// Adam's ε is not a positive finite number.
    #[error("invalid epsilon {0}; use a small positive value such as 1e-8")]
    InvalidEpsilon(f64),
    /// A bowl weight is not a positive finite number, so the bowl has no unique minimum.
    #[error("invalid bowl weight {0}; every weight must be positive and finite, such as 1 or 10")]
    InvalidBowlWeight(f64),
    /// The data set has too few points for a line fit with noise left over.
    #[error("too few data points: got {0}, need at least 3 so that noise remains after fitting a line")]
    TooFewPoints(usize),
    /// The inputs x and the targets y have different lengths.
    #[error("data length mismatch: {x} inputs x but {y} targets y; pass one target per input")]
    DataLengthMismatch { x: usize, y: usize },
    /// All inputs x are equal, so the intercept and the slope cannot be separated.
    #[error("all inputs x equal {0}, so the line fit is singular; use at least two distinct x values")]
    ConstantInputs(f64),
    /// The noise amplitude is negative or not finite.
    #[error("invalid noise amplitude {0}; use a finite value of at least 0, such as 1")]
    InvalidNoiseAmplitude(f64),
    /// The tolerance for counting steps is not a positive finite number.
    #[error("invalid tolerance {0}; use a positive finite distance such as 1e-6")]
    InvalidTolerance(f64),
}

/// Result type of the chapter's functions.
pub type Result<T> = std::result::Result<T, Error>;

// ANCHOR: gradient_descent_step
/// One gradient-descent step θ ← θ − α ∇L(θ), returning the new parameters.
///
/// `theta` and `gradient` have the same length n (any n); `alpha` must be a
/// positive finite learning rate.
pub fn gradient_descent_step(theta: &[f64], gradient: &[f64], alpha: f64) -> Result<Vec<f64>> {
    if theta.len() != gradient.len() {
        return Err(Error::LengthMismatch { parameters: theta.len(), gradient: gradient.len() });
    }
    if !(alpha.is_finite() && alpha > 0.0) {
        return Err(Error::InvalidLearningRate(alpha));
    }
    Ok(theta.iter().zip(gradient).map(|(t, g)| t - alpha * g).collect())
}
// ANCHOR_END: gradient_descent_step

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_moves_against_gradient() {
        assert_eq!(gradient_descent_step(&[1.0, 2.0], &[2.0, -4.0], 0.25).unwrap(), vec![0.5, 3.0]);
    }

    #[test]
    fn step_rejects_length_mismatch() {
        let err = gradient_descent_step(&[1.0, 2.0], &[1.0], 0.1).unwrap_err();
        assert_eq!(err, Error::LengthMismatch { parameters: 2, gradient: 1 });
    }

    #[test]
    fn step_rejects_nonpositive_rate() {
        assert_eq!(gradient_descent_step(&[1.0], &[1.0], 0.0).unwrap_err(), Error::InvalidLearningRate(0.0));
    }

    #[test]
    fn step_rejects_nan_rate() {
        let err = gradient_descent_step(&[1.0], &[1.0], f64::NAN).unwrap_err();
        assert!(matches!(err, Error::InvalidLearningRate(alpha) if alpha.is_nan()), "{err:?}");
    }
}
