//! Chapter 2: cross-entropy.
//!
//! The chapter's formulas, one small function each:
//! - this file: the sigmoid and softmax families that turn logits into
//!   probabilities (and log-probabilities), log-sum-exp, the softmax
//!   Jacobian-vector product, cross-entropy on log-probabilities, and the
//!   conversion from nats to bits;
//! - [`probability`]: binary and categorical cross-entropy on probabilities,
//!   with the ε clamp for probabilities of exactly 0 or 1, and the negative
//!   log-likelihood of a batch;
//! - [`logits`]: the same losses computed from logits, and their gradients
//!   σ(z) − y and softmax(z) − y;
//! - [`naive`]: the textbook formulas evaluated literally, to show where they
//!   overflow or return NaN;
//! - [`circulated`]: a widely circulated wrong value of the worked example.
//!
//! Probabilities, logits and targets are plain `f64` slices; a batch is a
//! slice of rows. Classes are numbered from 0 in code and from 1 on the page.
//! Functions on vectors check lengths, and those that take probabilities or
//! logits check their values; bad input gives an [`Error`], never a panic.
//!
//! NOTE: class weights, label smoothing and reductions other than the mean are
//! left out; chapter 5 uses Candle's losses for training.

pub mod circulated;
mod error;
pub mod examples;
pub mod figures;
pub mod logits;
pub mod naive;
pub mod probability;
mod report;

pub use error::{check_distribution, check_finite, check_lengths, check_probabilities, Error, Result, SUM_TOLERANCE};
pub use logits::{
    binary_cross_entropy_with_logits, binary_cross_entropy_with_logits_gradient, softmax_cross_entropy,
    softmax_cross_entropy_gradient,
};
pub use probability::{
    binary_cross_entropy, binary_cross_entropy_gradient, categorical_cross_entropy, categorical_cross_entropy_gradient,
    clamp_probability, negative_log_likelihood, EPSILON,
};
pub use report::report;

use error::{check_log_probabilities, check_not_empty};

// ANCHOR: sigmoid
/// The logistic sigmoid σ(z) = 1 / (1 + e^(−z)).
///
/// Written so that `exp` only ever sees a non-positive argument: for z ≥ 0 it
/// evaluates 1 / (1 + e^(−z)), for z < 0 the equal form e^z / (1 + e^z). Both
/// stay finite for any finite z (σ(−1000) underflows to 0, σ(1000) is 1).
pub fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}
// ANCHOR_END: sigmoid

// ANCHOR: log_sigmoid
/// ln σ(z) = −ln(1 + e^(−z)), computed without forming σ(z) first, so that it
/// stays finite where σ(z) underflows to 0 (ln σ(−1000) = −1000).
pub fn log_sigmoid(z: f64) -> f64 {
    // ln σ(z) = min(z, 0) − ln(1 + e^(−|z|)), and ln_1p keeps precision when
    // e^(−|z|) is tiny.
    z.min(0.0) - (-z.abs()).exp().ln_1p()
}
// ANCHOR_END: log_sigmoid

// ANCHOR: log_sum_exp
/// Log-sum-exp, LSE(z) = ln Σⱼ e^(zⱼ), computed as m + ln Σⱼ e^(zⱼ − m) with
/// m = max z.
///
/// After the shift the largest exponent is e⁰ = 1, so the sum lies in
/// [1, n] and neither overflows nor underflows to 0, whatever the size of the
/// logits. Fails when `z` is empty or contains NaN or ±∞.
pub fn log_sum_exp(z: &[f64]) -> Result<f64> {
    check_not_empty("logits", z)?;
    check_finite("logits", z)?;

    let m = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let sum: f64 = z.iter().map(|&zj| (zj - m).exp()).sum();
    Ok(m + sum.ln())
}
// ANCHOR_END: log_sum_exp

// ANCHOR: log_softmax
/// log softmax(z)ᵢ = zᵢ − LSE(z), with [`log_sum_exp`] taken after
/// subtracting max(z) so that no exponential overflows.
///
/// Every entry is ≤ 0, and an entry stays finite where softmax(z)ᵢ itself
/// underflows to 0 (for z = [1000, 999, 0] the last entry is −1000.31).
pub fn log_softmax(z: &[f64]) -> Result<Vec<f64>> {
    let lse = log_sum_exp(z)?;
    Ok(z.iter().map(|&zi| zi - lse).collect())
}
// ANCHOR_END: log_softmax

// ANCHOR: softmax
/// softmax(z)ᵢ = e^(zᵢ) / Σⱼ e^(zⱼ), computed as e^(zᵢ − max z) / Σⱼ e^(zⱼ − max z).
///
/// Shape: n logits in, n probabilities out, summing to 1. Subtracting max z
/// changes nothing mathematically (the factor e^(−max z) cancels) but keeps
/// e^(1000) from overflowing to ∞. Fails when `z` is empty or contains NaN or ±∞.
pub fn softmax(z: &[f64]) -> Result<Vec<f64>> {
    check_not_empty("logits", z)?;
    check_finite("logits", z)?;

    let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let exps: Vec<f64> = z.iter().map(|&zi| (zi - max).exp()).collect();
    let sum: f64 = exps.iter().sum();
    Ok(exps.into_iter().map(|e| e / sum).collect())
}
// ANCHOR_END: softmax

// ANCHOR: softmax_with_temperature
/// softmax(z / T): a temperature T > 1 flattens the distribution towards
/// uniform, and T < 1 sharpens it towards all mass on max z. T = 1 is the
/// plain [`softmax`].
///
/// Fails when T is not a positive finite number.
pub fn softmax_with_temperature(z: &[f64], temperature: f64) -> Result<Vec<f64>> {
    if !(temperature.is_finite() && temperature > 0.0) {
        return Err(Error::InvalidTemperature { value: temperature });
    }
    let scaled: Vec<f64> = z.iter().map(|&zi| zi / temperature).collect();
    softmax(&scaled)
}
// ANCHOR_END: softmax_with_temperature

// ANCHOR: softmax_backward
/// Carries an upstream gradient g = ∂L/∂s back through s = softmax(z):
/// ∂L/∂zᵢ = Σⱼ gⱼ ∂sⱼ/∂zᵢ = sᵢ (gᵢ − Σⱼ gⱼ sⱼ).
///
/// This is the full Jacobian Jᵢⱼ = sᵢ(δᵢⱼ − sⱼ) applied to g. Keeping only
/// its diagonal sᵢ(1 − sᵢ) is a common mistake: it drops how each logit
/// moves every other probability.
pub fn softmax_backward(s: &[f64], upstream: &[f64]) -> Result<Vec<f64>> {
    check_lengths("softmax output", s, "upstream gradient", upstream)?;
    let dot: f64 = s.iter().zip(upstream).map(|(sj, gj)| sj * gj).sum();
    Ok(s.iter().zip(upstream).map(|(si, gi)| si * (gi - dot)).collect())
}
// ANCHOR_END: softmax_backward

// ANCHOR: cross_entropy
/// Cross-entropy H(y, p) = −Σᵢ yᵢ ln pᵢ of a target y, taken from the
/// log-probabilities ln p.
///
/// Taking ln p as the input lets callers pass [`log_softmax`] or
/// [`log_sigmoid`] of logits, which stay finite where p itself rounds to 0.
/// Fails when the target has an entry outside [0, 1] or when a
/// log-probability is NaN or positive (ln p > 0 would mean p > 1).
pub fn cross_entropy(target: &[f64], log_p: &[f64]) -> Result<f64> {
    check_not_empty("target", target)?;
    check_lengths("target", target, "log-probabilities", log_p)?;
    check_probabilities("target", target)?;
    check_log_probabilities("log-probabilities", log_p)?;

    // A zero target contributes nothing, even when ln p is −∞.
    Ok(-target.iter().zip(log_p).filter(|(y, _)| **y != 0.0).map(|(y, log_p)| y * log_p).sum::<f64>())
}
// ANCHOR_END: cross_entropy

// ANCHOR: nats_to_bits
/// Converts a cross-entropy from nats (natural log) to bits (log base 2):
/// −log₂ p = −ln p / ln 2.
pub fn nats_to_bits(nats: f64) -> f64 {
    nats / std::f64::consts::LN_2
}
// ANCHOR_END: nats_to_bits

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sigmoid_extremes_finite() {
        assert_eq!(numfmt::num(sigmoid(-100.0)), "3.72008e-44");
        assert_eq!(sigmoid(1000.0), 1.0);
        assert_eq!(sigmoid(-1000.0), 0.0);
    }

    #[test]
    fn log_sigmoid_extremes_finite() {
        assert_eq!(log_sigmoid(-1000.0), -1000.0);
        assert_eq!(log_sigmoid(1000.0), 0.0);
        assert!((log_sigmoid(0.0) + std::f64::consts::LN_2).abs() < 1e-15);
    }

    #[test]
    fn softmax_backward_full_jacobian() {
        let s = softmax(&[1.0, 2.0, 3.0]).unwrap();
        let dz = softmax_backward(&s, &[1.0, 0.0, 0.0]).unwrap();
        assert_eq!(numfmt::vector(&dz), "[0.0819251, -0.022033, -0.059892]");
    }

    #[test]
    fn cross_entropy_rejects_length_mismatch() {
        let err = cross_entropy(&[1.0, 0.0], &[-0.1, -0.2, -0.3]).unwrap_err();
        assert!(matches!(err, Error::LengthMismatch { left: 2, right: 3, .. }), "{err}");
    }
}
