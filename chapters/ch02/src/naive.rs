//! The textbook formulas evaluated literally, without the rearrangements of
//! the rest of the crate. They exist to show, in the printed output and the
//! tests, which inputs make them overflow to ∞ or return NaN.

use crate::{check_lengths, sigmoid, Result};

// ANCHOR: softmax
/// softmax(z)ᵢ = e^(zᵢ) / Σⱼ e^(zⱼ) without subtracting max z first.
///
/// e^1000 overflows to ∞ and ∞ / ∞ is NaN; e^(−1000) underflows to 0 and
/// 0 / 0 is NaN.
pub fn softmax(z: &[f64]) -> Vec<f64> {
    let exps: Vec<f64> = z.iter().map(|zi| zi.exp()).collect();
    let sum: f64 = exps.iter().sum();
    exps.iter().map(|e| e / sum).collect()
}
// ANCHOR_END: softmax

// ANCHOR: binary_cross_entropy_terms
/// The per-output binary cross-entropy −[y ln p + (1 − y) ln(1 − p)] with no
/// clamp.
///
/// p = 1 with y = 0 gives −ln 0 = ∞, and p = 0 with y = 0 gives
/// 0 · ln 0 = 0 · (−∞) = NaN. Fails only when the lengths differ.
pub fn binary_cross_entropy_terms(target: &[f64], prediction: &[f64]) -> Result<Vec<f64>> {
    check_lengths("target", target, "prediction", prediction)?;
    Ok(target.iter().zip(prediction).map(|(&y, &p)| -(y * p.ln() + (1.0 - y) * (1.0 - p).ln())).collect())
}
// ANCHOR_END: binary_cross_entropy_terms

// ANCHOR: binary_cross_entropy_with_logits_terms
/// [`binary_cross_entropy_terms`] of p = σ(z): the sigmoid formed first, then
/// its logarithm.
///
/// σ(1000) rounds to 1, so with y = 1 the term (1 − y) ln(1 − σ) is
/// 0 · (−∞) = NaN. Candle's `candle_nn::loss::binary_cross_entropy_with_logit`
/// (candle-nn 0.11.1) computes this form. Fails only when the lengths differ.
pub fn binary_cross_entropy_with_logits_terms(target: &[f64], logits: &[f64]) -> Result<Vec<f64>> {
    check_lengths("target", target, "logits", logits)?;
    let p: Vec<f64> = logits.iter().map(|&z| sigmoid(z)).collect();
    binary_cross_entropy_terms(target, &p)
}
// ANCHOR_END: binary_cross_entropy_with_logits_terms
