//! Convergence rates of gradient descent and momentum on a quadratic bowl.
//!
//! On a bowl with Hessian diag(λ₁, λ₂), the error e = θ − θ* of each coordinate
//! evolves on its own and linearly, so one number per coordinate (the
//! contraction factor, or for momentum the spectral radius) decides everything.

use std::fmt;

use crate::{Error, Result};

// ANCHOR: contraction_factor
/// The factor r = 1 − αλ by which one gradient-descent step multiplies the
/// error θ − θ* along an axis of curvature λ.
///
/// From θ_{t+1} = θ_t − αλ(θ_t − θ*) follows θ_{t+1} − θ* = (1 − αλ)(θ_t − θ*).
/// For the round bowl λ = 2, so r = 1 − 2α.
pub fn contraction_factor(alpha: f64, curvature: f64) -> Result<f64> {
    if !(alpha.is_finite() && alpha > 0.0) {
        return Err(Error::InvalidLearningRate(alpha));
    }
    Ok(1.0 - alpha * curvature)
}
// ANCHOR_END: contraction_factor

/// The behaviour of the error under repeated multiplication by a contraction
/// factor r.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepRegime {
    /// 0 < r < 1: the error shrinks and keeps its sign.
    Monotone,
    /// r = 0: the first step lands exactly on the minimum.
    OneStep,
    /// −1 < r < 0: the error shrinks but flips sign every step.
    Oscillating,
    /// r = −1: the error flips sign and keeps its size forever.
    Bouncing,
    /// r < −1: the error flips sign and grows every step.
    Diverging,
    /// r ≥ 1: the step does not reduce the error, which only happens when
    /// αλ rounds to 0 or when the curvature is not positive.
    NoProgress,
}

impl StepRegime {
    /// Classifies a contraction factor r.
    pub fn of_factor(r: f64) -> Self {
        if r >= 1.0 {
            Self::NoProgress
        } else if r > 0.0 {
            Self::Monotone
        } else if r == 0.0 {
            Self::OneStep
        } else if r > -1.0 {
            Self::Oscillating
        } else if r == -1.0 {
            Self::Bouncing
        } else {
            Self::Diverging
        }
    }
}

impl fmt::Display for StepRegime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            Self::Monotone => "converges monotonically",
            Self::OneStep => "lands on the minimum in one step",
            Self::Oscillating => "converges, overshooting every step",
            Self::Bouncing => "bounces between two points forever",
            Self::Diverging => "diverges, overshooting further every step",
            Self::NoProgress => "makes no progress",
        };
        f.write_str(text)
    }
}

// ANCHOR: momentum_rate
/// The spectral radius ρ of heavy-ball momentum along an axis of curvature λ:
/// the error shrinks by about ρ per step once the transient has passed.
///
/// With v_t = μv_{t−1} + λe_{t−1} and e_t = e_{t−1} − αv_t, the pair (e, v)
/// evolves linearly, and its two eigenvalues are the roots of
/// z² − (1 + μ − αλ)z + μ = 0. Complex roots have |z| = √μ; real roots give
/// ρ = max |z|. The method converges exactly when ρ < 1, which is when
/// 0 < αλ < 2(1 + μ).
pub fn momentum_rate(alpha: f64, mu: f64, curvature: f64) -> Result<f64> {
    if !(alpha.is_finite() && alpha > 0.0) {
        return Err(Error::InvalidLearningRate(alpha));
    }
    if !(0.0..1.0).contains(&mu) {
        return Err(Error::InvalidMomentum(mu));
    }

    let b = 1.0 + mu - alpha * curvature;
    let discriminant = b * b - 4.0 * mu;

    if discriminant < 0.0 {
        return Ok(mu.sqrt());
    }
    let root = discriminant.sqrt();
    Ok(((b + root) / 2.0).abs().max(((b - root) / 2.0).abs()))
}
// ANCHOR_END: momentum_rate

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factor_for_half_is_zero() {
        assert_eq!(contraction_factor(0.5, 2.0).unwrap(), 0.0);
    }

    #[test]
    fn factor_rejects_negative_rate() {
        assert_eq!(contraction_factor(-0.1, 2.0).unwrap_err(), Error::InvalidLearningRate(-0.1));
    }

    #[test]
    fn regime_boundaries_classified() {
        assert_eq!(StepRegime::of_factor(0.8), StepRegime::Monotone);
        assert_eq!(StepRegime::of_factor(0.0), StepRegime::OneStep);
        assert_eq!(StepRegime::of_factor(-0.6), StepRegime::Oscillating);
        assert_eq!(StepRegime::of_factor(-1.0), StepRegime::Bouncing);
        assert_eq!(StepRegime::of_factor(-1.1), StepRegime::Diverging);
        assert_eq!(StepRegime::of_factor(1.0), StepRegime::NoProgress);
    }

    #[test]
    fn momentum_rate_without_momentum() {
        // With μ = 0 heavy ball is gradient descent, so ρ = |1 − αλ|.
        assert!((momentum_rate(0.1, 0.0, 20.0).unwrap() - 1.0).abs() < 1e-15);
        assert!((momentum_rate(0.1, 0.0, 2.0).unwrap() - 0.8).abs() < 1e-15);
    }

    #[test]
    fn momentum_rate_complex_roots() {
        assert_eq!(momentum_rate(0.09, 0.5, 2.0).unwrap(), 0.5f64.sqrt());
    }

    #[test]
    fn momentum_rate_stability_edge() {
        // αλ = 2(1 + μ) puts a root at −1.
        let rate = momentum_rate(0.15, 0.5, 20.0).unwrap();
        assert!((rate - 1.0).abs() < 1e-12, "{rate}");
    }

    #[test]
    fn momentum_rate_rejects_mu_one() {
        assert_eq!(momentum_rate(0.1, 1.0, 2.0).unwrap_err(), Error::InvalidMomentum(1.0));
    }
}
