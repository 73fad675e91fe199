//! Cross-entropy computed from logits, and its gradient with respect to them.
//!
//! A model's last layer outputs logits z. Folding the sigmoid or softmax into
//! the loss lets every step work with ln p = [`crate::log_sigmoid`] or
//! [`crate::log_softmax`], which stay finite for any finite logit, so these
//! functions need no clamp. Their gradients with respect to z are the short
//! forms σ(z) − y and softmax(z) − y.

use crate::error::{check_distribution, check_finite, check_lengths, check_not_empty, check_probabilities};
use crate::{cross_entropy, log_sigmoid, log_softmax, sigmoid, softmax, Result};

// ANCHOR: binary_cross_entropy_with_logits
/// Binary cross-entropy from logits, the mean over n outputs of
/// ℓᵢ = −[yᵢ ln σ(zᵢ) + (1 − yᵢ) ln σ(−zᵢ)], using 1 − σ(z) = σ(−z).
///
/// Shapes: `target` y has n entries in [0, 1], `logits` z has n finite
/// entries. Because ln σ is computed directly by [`log_sigmoid`], z = ±1000
/// gives ℓ = 1000 or 0, never ∞ or NaN. Fails when the lengths differ, the
/// input is empty, a target is outside [0, 1], or a logit is not finite.
pub fn binary_cross_entropy_with_logits(target: &[f64], logits: &[f64]) -> Result<f64> {
    check_not_empty("target", target)?;
    check_lengths("target", target, "logits", logits)?;
    check_probabilities("target", target)?;
    check_finite("logits", logits)?;

    let n = target.len() as f64;
    let total: f64 =
        target.iter().zip(logits).map(|(&y, &z)| -(y * log_sigmoid(z) + (1.0 - y) * log_sigmoid(-z))).sum();
    Ok(total / n)
}
// ANCHOR_END: binary_cross_entropy_with_logits

// ANCHOR: binary_cross_entropy_with_logits_gradient
/// ∂L/∂zᵢ of [`binary_cross_entropy_with_logits`]: (σ(zᵢ) − yᵢ) / n.
///
/// From ∂ℓ/∂p = (p − y) / (p(1 − p)) and σ'(z) = σ(z)(1 − σ(z)): the two
/// factors p(1 − p) cancel. Fails on the same input as the loss.
pub fn binary_cross_entropy_with_logits_gradient(target: &[f64], logits: &[f64]) -> Result<Vec<f64>> {
    check_not_empty("target", target)?;
    check_lengths("target", target, "logits", logits)?;
    check_probabilities("target", target)?;
    check_finite("logits", logits)?;

    let n = target.len() as f64;
    Ok(target.iter().zip(logits).map(|(&y, &z)| (sigmoid(z) - y) / n).collect())
}
// ANCHOR_END: binary_cross_entropy_with_logits_gradient

// ANCHOR: softmax_cross_entropy
/// Categorical cross-entropy from logits, L = H(y, softmax(z)) = −Σᵢ yᵢ
/// (zᵢ − LSE(z)): [`cross_entropy`] of [`log_softmax`].
///
/// Shapes: `target` y is a distribution over n classes (one-hot for a hard
/// label), `logits` z has n finite entries. Fails when y is not a
/// distribution, the lengths differ, or a logit is not finite.
pub fn softmax_cross_entropy(target: &[f64], logits: &[f64]) -> Result<f64> {
    check_lengths("target", target, "logits", logits)?;
    check_distribution("target", target)?;

    cross_entropy(target, &log_softmax(logits)?)
}
// ANCHOR_END: softmax_cross_entropy

// ANCHOR: softmax_cross_entropy_gradient
/// ∂L/∂z of [`softmax_cross_entropy`]: softmax(z) − y.
///
/// From L = −Σᵢ yᵢ zᵢ + (Σᵢ yᵢ) LSE(z) and ∂LSE/∂zⱼ = softmax(z)ⱼ, so the
/// short form needs Σᵢ yᵢ = 1, which the target check enforces. Fails on the
/// same input as the loss.
pub fn softmax_cross_entropy_gradient(target: &[f64], logits: &[f64]) -> Result<Vec<f64>> {
    check_lengths("target", target, "logits", logits)?;
    check_distribution("target", target)?;

    let p = softmax(logits)?;
    Ok(p.iter().zip(target).map(|(pi, yi)| pi - yi).collect())
}
// ANCHOR_END: softmax_cross_entropy_gradient
