//! Adam (Kingma and Ba, 2015), written out instead of taken from candle-nn.
//!
//! candle-nn 0.11.1 ships `AdamW` with a default weight decay of 0.01 and
//! ε = 1e-8; with `weight_decay: 0.0` and `eps: 1e-7` it computes the same
//! update as this module (a test checks that). The module exists so the page
//! can show the update rule line by line.
//!
//! Where ε goes differs between libraries. PyTorch's `torch.optim.Adam` and
//! this module add ε to the bias-corrected √v̂ₜ. Keras 3's `Adam` folds the
//! bias corrections into the step size and adds ε to the uncorrected √vₜ,
//! which equals adding ε / √(1 − β₂ᵗ) to √v̂ₜ: about 32 ε at the first step
//! and ε once β₂ᵗ has decayed (after a few thousand steps). With ε = 1e-7
//! both are far below a typical √v̂ₜ, so the two runs differ only slightly.

use anyhow::{Context, Result};
use candle_core::backprop::GradStore;
use candle_core::{Tensor, Var};

/// Adam's hyperparameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdamConfig {
    /// Step size α.
    pub learning_rate: f64,
    /// Decay rate β₁ of the first-moment (mean) estimate.
    pub beta1: f64,
    /// Decay rate β₂ of the second-moment (uncentred variance) estimate.
    pub beta2: f64,
    /// ε, added to √v̂ₜ so the division never divides by zero.
    pub epsilon: f64,
}

impl Default for AdamConfig {
    /// The book's recipe, which is Keras's default: α 1e-3, β₁ 0.9, β₂ 0.999, ε 1e-7.
    fn default() -> Self {
        Self { learning_rate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }
    }
}

/// Adam's state: the parameters it updates and their moment estimates.
pub struct Adam {
    config: AdamConfig,
    params: Vec<(String, Var)>,
    first_moments: Vec<Tensor>,
    second_moments: Vec<Tensor>,
    step: i32,
}

impl Adam {
    /// Starts Adam for `params` (name, tensor) with zero moments.
    pub fn new(params: Vec<(String, Var)>, config: AdamConfig) -> Result<Self> {
        let zeros = |var: &Var| var.as_tensor().zeros_like();
        let first_moments = params.iter().map(|(_, var)| zeros(var)).collect::<candle_core::Result<_>>()?;
        let second_moments = params.iter().map(|(_, var)| zeros(var)).collect::<candle_core::Result<_>>()?;
        Ok(Self { config, params, first_moments, second_moments, step: 0 })
    }

    /// Number of updates applied so far.
    pub fn step_count(&self) -> i32 {
        self.step
    }

    // ANCHOR: step
    /// Applies one update with the gradients from `backward`:
    ///
    /// mₜ = β₁ mₜ₋₁ + (1 − β₁) g
    /// vₜ = β₂ vₜ₋₁ + (1 − β₂) g²
    /// θₜ = θₜ₋₁ − α m̂ₜ / (√v̂ₜ + ε), with m̂ₜ = mₜ / (1 − β₁ᵗ) and v̂ₜ = vₜ / (1 − β₂ᵗ)
    ///
    /// Fails when a parameter has no gradient, which means it did not take
    /// part in the loss.
    pub fn step(&mut self, grads: &GradStore) -> Result<()> {
        self.step += 1;
        let AdamConfig { learning_rate, beta1, beta2, epsilon } = self.config;
        let bias_correction1 = 1.0 - beta1.powi(self.step);
        let bias_correction2 = 1.0 - beta2.powi(self.step);

        for (index, (name, theta)) in self.params.iter().enumerate() {
            let g = grads
                .get(theta.as_tensor())
                .with_context(|| format!("parameter {name} has no gradient; it does not take part in the loss"))?;

            let m = (self.first_moments[index].affine(beta1, 0.0)? + g.affine(1.0 - beta1, 0.0)?)?;
            let v = (self.second_moments[index].affine(beta2, 0.0)? + g.sqr()?.affine(1.0 - beta2, 0.0)?)?;

            // √v̂ + ε = √v / √(1 − β₂ᵗ) + ε in one affine operation.
            let denominator = v.sqrt()?.affine(1.0 / bias_correction2.sqrt(), epsilon)?;
            let update = (m.affine(learning_rate / bias_correction1, 0.0)? / denominator)?;
            theta.set(&(theta.as_tensor() - update)?)?;

            self.first_moments[index] = m;
            self.second_moments[index] = v;
        }
        Ok(())
    }
    // ANCHOR_END: step
}
