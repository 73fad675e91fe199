//! Quadratic bowls: the losses gradient descent runs on in this chapter.

use crate::{Error, Result};

/// A quadratic bowl L(θ) = c₁(θ₁ − θ*₁)² + c₂(θ₂ − θ*₂)² with positive weights
/// c = [c₁, c₂] and its minimum at θ* (where L = 0).
///
/// Its Hessian is the constant diagonal matrix diag(2c₁, 2c₂), so each
/// coordinate of gradient descent evolves on its own.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bowl {
    weights: [f64; 2],
    minimum: [f64; 2],
}

/// The round bowl L(θ) = (θ₁ − 1)² + (θ₂ − 2)², with Hessian 2I.
pub const ROUND_BOWL: Bowl = Bowl { weights: [1.0, 1.0], minimum: [1.0, 2.0] };

/// The ill-conditioned bowl L(θ) = (θ₁ − 1)² + 10(θ₂ − 2)², with Hessian
/// diag(2, 20) and condition number 10.
pub const ILL_CONDITIONED_BOWL: Bowl = Bowl { weights: [1.0, 10.0], minimum: [1.0, 2.0] };

impl Bowl {
    /// Creates the bowl with weights c and minimum θ*.
    ///
    /// # Errors
    /// [`Error::InvalidBowlWeight`] when a weight is not positive and finite,
    /// because such a bowl has no unique minimum.
    pub fn new(weights: [f64; 2], minimum: [f64; 2]) -> Result<Self> {
        if let Some(&bad) = weights.iter().find(|w| !(w.is_finite() && **w > 0.0)) {
            return Err(Error::InvalidBowlWeight(bad));
        }
        Ok(Self { weights, minimum })
    }

    /// Returns the weights c = [c₁, c₂].
    pub fn weights(&self) -> [f64; 2] {
        self.weights
    }

    /// Returns the minimum θ*.
    pub fn minimum(&self) -> [f64; 2] {
        self.minimum
    }

    // ANCHOR: bowl_loss
    /// L(θ) = c₁(θ₁ − θ*₁)² + c₂(θ₂ − θ*₂)².
    pub fn loss(&self, theta: &[f64; 2]) -> f64 {
        let d1 = theta[0] - self.minimum[0];
        let d2 = theta[1] - self.minimum[1];
        self.weights[0] * d1 * d1 + self.weights[1] * d2 * d2
    }

    /// ∇L(θ) = [2c₁(θ₁ − θ*₁), 2c₂(θ₂ − θ*₂)].
    pub fn gradient(&self, theta: &[f64; 2]) -> [f64; 2] {
        [2.0 * self.weights[0] * (theta[0] - self.minimum[0]), 2.0 * self.weights[1] * (theta[1] - self.minimum[1])]
    }

    /// Returns the diagonal of the Hessian ∇²L = diag(2c₁, 2c₂). Its entries
    /// are the curvatures λ₁, λ₂ along the two axes.
    pub fn hessian_diagonal(&self) -> [f64; 2] {
        [2.0 * self.weights[0], 2.0 * self.weights[1]]
    }
    // ANCHOR_END: bowl_loss

    /// Returns the condition number λ_max / λ_min of the Hessian.
    pub fn condition_number(&self) -> f64 {
        let [a, b] = self.hessian_diagonal();
        a.max(b) / a.min(b)
    }

    /// Returns the Euclidean distance ‖θ − θ*‖₂ from `theta` to the minimum.
    pub fn distance_to_minimum(&self, theta: &[f64; 2]) -> f64 {
        euclidean_distance(theta, &self.minimum)
    }
}

/// Returns the Euclidean distance ‖a − b‖₂.
///
/// It uses `sqrt`, which IEEE 754 rounds correctly, rather than `hypot`,
/// whose last bit depends on the platform's maths library, so the step counts
/// that compare distances with a tolerance are the same on every platform.
pub fn euclidean_distance(a: &[f64; 2], b: &[f64; 2]) -> f64 {
    let d1 = a[0] - b[0];
    let d2 = a[1] - b[1];
    (d1 * d1 + d2 * d2).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_bowl_zero_at_minimum() {
        assert_eq!(ROUND_BOWL.loss(&[1.0, 2.0]), 0.0);
        assert_eq!(ROUND_BOWL.gradient(&[1.0, 2.0]), [0.0, 0.0]);
    }

    #[test]
    fn ill_conditioned_bowl_condition_number() {
        assert_eq!(ILL_CONDITIONED_BOWL.condition_number(), 10.0);
    }

    #[test]
    fn bowl_new_rejects_zero_weight() {
        assert_eq!(Bowl::new([1.0, 0.0], [0.0, 0.0]).unwrap_err(), Error::InvalidBowlWeight(0.0));
    }

    #[test]
    fn bowl_new_rejects_infinite_weight() {
        let err = Bowl::new([f64::INFINITY, 1.0], [0.0, 0.0]).unwrap_err();
        assert_eq!(err, Error::InvalidBowlWeight(f64::INFINITY));
    }
}
