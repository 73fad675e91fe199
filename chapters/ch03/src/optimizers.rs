//! Gradient descent, heavy-ball momentum and Adam behind one trait.
//!
//! Each optimizer turns the current parameters θ_{t−1} and the gradient
//! g_t = ∇L(θ_{t−1}) into θ_t, keeping whatever state it needs between steps.
//! SGD is not a separate optimizer here: it is gradient descent fed with the
//! gradient of one example (see [`crate::runs::run_sgd`]).

use crate::{gradient_descent_step, Error, Result};

/// An update rule θ_t = step(θ_{t−1}, ∇L(θ_{t−1})) with internal state.
pub trait Optimizer {
    /// Returns θ_t from θ_{t−1} and the gradient at θ_{t−1}, and advances the
    /// optimizer's state by one step.
    ///
    /// # Errors
    /// [`Error::LengthMismatch`] when the lengths of `theta`, `gradient` and
    /// the state differ.
    fn step(&mut self, theta: &[f64], gradient: &[f64]) -> Result<Vec<f64>>;
}

/// Plain gradient descent θ_t = θ_{t−1} − α g_t.
#[derive(Clone, Debug, PartialEq)]
pub struct GradientDescent {
    alpha: f64,
}

impl GradientDescent {
    /// Creates gradient descent with learning rate α.
    ///
    /// # Errors
    /// [`Error::InvalidLearningRate`] unless α is positive and finite.
    pub fn new(alpha: f64) -> Result<Self> {
        check_learning_rate(alpha)?;
        Ok(Self { alpha })
    }
}

impl Optimizer for GradientDescent {
    fn step(&mut self, theta: &[f64], gradient: &[f64]) -> Result<Vec<f64>> {
        Ok(gradient_descent_step(theta, gradient, self.alpha)?)
    }
}

/// Heavy-ball momentum with velocity v (starting at 0):
/// v_t = μ v_{t−1} + g_t, then θ_t = θ_{t−1} − α v_t.
///
/// Some texts write v_t = μ v_{t−1} − α g_t and θ_t = θ_{t−1} + v_t instead.
/// For a constant α the two produce the same θ_t, with v scaled by −α.
#[derive(Clone, Debug, PartialEq)]
pub struct Momentum {
    alpha: f64,
    mu: f64,
    velocity: Vec<f64>,
}

impl Momentum {
    /// Creates momentum with learning rate α and momentum coefficient μ.
    ///
    /// # Errors
    /// [`Error::InvalidLearningRate`] unless α is positive and finite, and
    /// [`Error::InvalidMomentum`] unless μ is in [0, 1).
    pub fn new(alpha: f64, mu: f64) -> Result<Self> {
        check_learning_rate(alpha)?;
        if !(0.0..1.0).contains(&mu) {
            return Err(Error::InvalidMomentum(mu));
        }
        Ok(Self { alpha, mu, velocity: Vec::new() })
    }

    /// Returns the velocity v_t after the last step (empty before the first step).
    pub fn velocity(&self) -> &[f64] {
        &self.velocity
    }
}

impl Optimizer for Momentum {
    // ANCHOR: momentum_step
    fn step(&mut self, theta: &[f64], gradient: &[f64]) -> Result<Vec<f64>> {
        check_lengths(theta, gradient)?;
        if self.velocity.is_empty() {
            self.velocity = vec![0.0; theta.len()];
        }
        check_lengths(theta, &self.velocity)?;

        for (v, g) in self.velocity.iter_mut().zip(gradient) {
            *v = self.mu * *v + g;
        }

        Ok(theta.iter().zip(&self.velocity).map(|(t, v)| t - self.alpha * v).collect())
    }
    // ANCHOR_END: momentum_step
}

/// Adam's hyperparameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdamConfig {
    /// Learning rate α.
    pub alpha: f64,
    /// Decay rate β₁ of the first-moment average m.
    pub beta1: f64,
    /// Decay rate β₂ of the second-moment average v.
    pub beta2: f64,
    /// ε, added to √v̂ (after bias correction) in the denominator.
    pub epsilon: f64,
}

impl AdamConfig {
    /// Creates the defaults of Algorithm 1 in Kingma and Ba, "Adam: A Method for
    /// Stochastic Optimization" (ICLR 2015), with learning rate α:
    /// β₁ = 0.9, β₂ = 0.999, ε = 1e-8.
    pub fn with_learning_rate(alpha: f64) -> Self {
        Self { alpha, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }
    }
}

/// Adam with bias correction, as in Algorithm 1 of Kingma and Ba (2015).
///
/// At step t = 1, 2, … with gradient g_t, starting from m₀ = v₀ = 0:
/// m_t = β₁ m_{t−1} + (1 − β₁) g_t,
/// v_t = β₂ v_{t−1} + (1 − β₂) g_t²,
/// m̂_t = m_t / (1 − β₁ᵗ), v̂_t = v_t / (1 − β₂ᵗ),
/// θ_t = θ_{t−1} − α m̂_t / (√v̂_t + ε).
///
/// ε sits outside the square root and is added after bias correction. All
/// operations are elementwise.
#[derive(Clone, Debug, PartialEq)]
pub struct Adam {
    config: AdamConfig,
    m: Vec<f64>,
    v: Vec<f64>,
    t: u64,
    // β₁ᵗ and β₂ᵗ, kept as running products. `powi` would also do, but a
    // product of multiplications rounds the same way on every platform.
    beta1_power: f64,
    beta2_power: f64,
}

impl Adam {
    /// Creates Adam with the given hyperparameters.
    ///
    /// # Errors
    /// [`Error::InvalidLearningRate`] unless α is positive and finite,
    /// [`Error::InvalidDecayRate`] unless β₁ and β₂ are in [0, 1), and
    /// [`Error::InvalidEpsilon`] unless ε is positive and finite (with ε = 0 a
    /// zero gradient at the first step gives 0/0).
    pub fn new(config: AdamConfig) -> Result<Self> {
        check_learning_rate(config.alpha)?;
        for (name, value) in [("beta1", config.beta1), ("beta2", config.beta2)] {
            if !(0.0..1.0).contains(&value) {
                return Err(Error::InvalidDecayRate { name, value });
            }
        }
        if !(config.epsilon.is_finite() && config.epsilon > 0.0) {
            return Err(Error::InvalidEpsilon(config.epsilon));
        }
        Ok(Self { config, m: Vec::new(), v: Vec::new(), t: 0, beta1_power: 1.0, beta2_power: 1.0 })
    }

    /// Returns the first-moment average m_t after the last step.
    pub fn first_moment(&self) -> &[f64] {
        &self.m
    }

    /// Returns the second-moment average v_t after the last step.
    pub fn second_moment(&self) -> &[f64] {
        &self.v
    }

    /// Returns the bias-correction divisors (1 − β₁ᵗ, 1 − β₂ᵗ) of the last step.
    pub fn bias_corrections(&self) -> (f64, f64) {
        (1.0 - self.beta1_power, 1.0 - self.beta2_power)
    }
}

impl Optimizer for Adam {
    // ANCHOR: adam_step
    fn step(&mut self, theta: &[f64], gradient: &[f64]) -> Result<Vec<f64>> {
        check_lengths(theta, gradient)?;
        if self.t == 0 {
            self.m = vec![0.0; theta.len()];
            self.v = vec![0.0; theta.len()];
        }
        check_lengths(theta, &self.m)?;

        let AdamConfig { alpha, beta1, beta2, epsilon } = self.config;
        self.t += 1;
        self.beta1_power *= beta1;
        self.beta2_power *= beta2;
        let (correction1, correction2) = self.bias_corrections();

        let mut next = Vec::with_capacity(theta.len());
        for i in 0..theta.len() {
            let g = gradient[i];
            self.m[i] = beta1 * self.m[i] + (1.0 - beta1) * g;
            self.v[i] = beta2 * self.v[i] + (1.0 - beta2) * g * g;

            let m_hat = self.m[i] / correction1;
            let v_hat = self.v[i] / correction2;
            next.push(theta[i] - alpha * m_hat / (v_hat.sqrt() + epsilon));
        }
        Ok(next)
    }
    // ANCHOR_END: adam_step
}

fn check_learning_rate(alpha: f64) -> Result<()> {
    if alpha.is_finite() && alpha > 0.0 {
        Ok(())
    } else {
        Err(Error::InvalidLearningRate(alpha))
    }
}

fn check_lengths(theta: &[f64], other: &[f64]) -> Result<()> {
    if theta.len() == other.len() {
        Ok(())
    } else {
        Err(Error::LengthMismatch { parameters: theta.len(), gradient: other.len() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gradient_descent_matches_step_function() {
        let mut optimizer = GradientDescent::new(0.1).unwrap();
        assert_eq!(
            optimizer.step(&[3.0, 5.0], &[4.0, 6.0]).unwrap(),
            gradient_descent_step(&[3.0, 5.0], &[4.0, 6.0], 0.1).unwrap()
        );
    }

    #[test]
    fn momentum_accumulates_velocity() {
        // v₁ = g₁ = [1], θ₁ = 0 − 0.5·1; v₂ = 0.5·1 + 1 = 1.5, θ₂ = −0.5 − 0.5·1.5.
        let mut optimizer = Momentum::new(0.5, 0.5).unwrap();
        let theta1 = optimizer.step(&[0.0], &[1.0]).unwrap();
        let theta2 = optimizer.step(&theta1, &[1.0]).unwrap();
        assert_eq!(theta1, vec![-0.5]);
        assert_eq!(theta2, vec![-1.25]);
    }

    #[test]
    fn momentum_rejects_changed_length() {
        let mut optimizer = Momentum::new(0.1, 0.9).unwrap();
        optimizer.step(&[0.0, 0.0], &[1.0, 1.0]).unwrap();
        let err = optimizer.step(&[0.0], &[1.0]).unwrap_err();
        assert_eq!(err, Error::LengthMismatch { parameters: 1, gradient: 2 });
    }

    #[test]
    fn adam_rejects_beta2_of_one() {
        let config = AdamConfig { beta2: 1.0, ..AdamConfig::with_learning_rate(0.1) };
        assert_eq!(Adam::new(config).unwrap_err(), Error::InvalidDecayRate { name: "beta2", value: 1.0 });
    }

    #[test]
    fn adam_rejects_zero_epsilon() {
        let config = AdamConfig { epsilon: 0.0, ..AdamConfig::with_learning_rate(0.1) };
        assert_eq!(Adam::new(config).unwrap_err(), Error::InvalidEpsilon(0.0));
    }

    #[test]
    fn adam_zero_gradient_stays_finite() {
        let mut optimizer = Adam::new(AdamConfig::with_learning_rate(0.1)).unwrap();
        assert_eq!(optimizer.step(&[1.0, 2.0], &[0.0, 0.0]).unwrap(), vec![1.0, 2.0]);
    }
}
