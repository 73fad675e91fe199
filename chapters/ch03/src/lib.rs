//! Chapter 3: gradient descent.
//!
//! The update rule θ ← θ − α∇L(θ), the learning rates for which it converges on
//! a quadratic bowl, and three variants of it: stochastic gradient descent (SGD)
//! on a small noisy least-squares problem, momentum, and Adam.
//!
//! Everything here works on plain `f64` slices or two-element arrays, because
//! the worked examples have two parameters. The update rule itself,
//! [`gradient_descent_step`], and the least-squares loss of a line come from
//! chapter 1, which used them first. This crate re-exports the update rule, and
//! chapter 4 calls it to update the weights of a layer.
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
    /// The noise amplitude is negative or not finite.
    #[error("invalid noise amplitude {0}; use a finite value of at least 0, such as 1")]
    InvalidNoiseAmplitude(f64),
    /// The tolerance for counting steps is not a positive finite number.
    #[error("invalid tolerance {0}; use a positive finite distance such as 1e-6")]
    InvalidTolerance(f64),
    /// An error from chapter 1's functions: the update rule and the least-squares
    /// loss and fit of a line.
    #[error(transparent)]
    Chapter1(#[from] ch01::Error),
}

/// Result type of the chapter's functions.
pub type Result<T> = std::result::Result<T, Error>;

/// The update rule θ ← θ − α ∇L(θ), implemented once in chapter 1, which first
/// used it to fit a line.
pub use ch01::gradient_descent_step;
