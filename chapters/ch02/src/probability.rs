//! Cross-entropy on probabilities: binary, categorical, and the negative
//! log-likelihood of a batch.
//!
//! These take probabilities p ∈ [0, 1], as a model that ends in a sigmoid or a
//! softmax outputs them. A probability of exactly 0 or 1 would give ln 0 = −∞
//! and, for binary cross-entropy with a matching target, 0 · (−∞) = NaN, so
//! every p is first clamped to [ε, 1 − ε] with ε = [`EPSILON`] = 1e-7, the
//! default of Keras's `keras.config.epsilon()`. When the model's
//! logits are at hand, the functions in [`crate::logits`] need no clamp and
//! are exact.

use crate::error::{check_distribution, check_lengths, check_log_probabilities, check_not_empty, check_probabilities};
use crate::{Error, Result};

// ANCHOR: clamp
/// ε of the clamp [ε, 1 − ε] applied to predicted probabilities.
///
/// With it the loss of one prediction is at most about −ln ε = 16.1181 nats,
/// so a prediction of exactly 0 or 1 gives a large finite loss instead of ∞ or
/// NaN.
pub const EPSILON: f64 = 1e-7;

/// Clamps a predicted probability to [ε, 1 − ε].
pub fn clamp_probability(p: f64) -> f64 {
    p.clamp(EPSILON, 1.0 - EPSILON)
}
// ANCHOR_END: clamp

// ANCHOR: binary_cross_entropy
/// Binary cross-entropy, the mean over n independent yes/no outputs:
/// L = −(1/n) Σᵢ [yᵢ ln p̃ᵢ + (1 − yᵢ) ln(1 − p̃ᵢ)] with p̃ᵢ = clamp(pᵢ).
///
/// Shapes: `target` y and `prediction` p both have n entries in [0, 1]; a
/// target may be soft (0.3), not only 0 or 1. Fails when the lengths differ,
/// the input is empty, or an entry is outside [0, 1] or NaN.
pub fn binary_cross_entropy(target: &[f64], prediction: &[f64]) -> Result<f64> {
    check_not_empty("target", target)?;
    check_lengths("target", target, "prediction", prediction)?;
    check_probabilities("target", target)?;
    check_probabilities("prediction", prediction)?;

    let n = target.len() as f64;
    let total: f64 = target
        .iter()
        .zip(prediction)
        .map(|(&y, &p)| {
            let p = clamp_probability(p);
            -(y * p.ln() + (1.0 - y) * (1.0 - p).ln())
        })
        .sum();
    Ok(total / n)
}
// ANCHOR_END: binary_cross_entropy

// ANCHOR: binary_cross_entropy_gradient
/// ∂L/∂pᵢ of [`binary_cross_entropy`]: (1/n)(−yᵢ/pᵢ + (1 − yᵢ)/(1 − pᵢ))
/// = (pᵢ − yᵢ) / (n pᵢ(1 − pᵢ)).
///
/// Where the clamp is active (pᵢ < ε or pᵢ > 1 − ε) the loss does not change
/// with pᵢ, so the gradient there is 0. Fails on the same input as the loss.
pub fn binary_cross_entropy_gradient(target: &[f64], prediction: &[f64]) -> Result<Vec<f64>> {
    check_not_empty("target", target)?;
    check_lengths("target", target, "prediction", prediction)?;
    check_probabilities("target", target)?;
    check_probabilities("prediction", prediction)?;

    let n = target.len() as f64;
    Ok(target
        .iter()
        .zip(prediction)
        .map(|(&y, &p)| {
            if clamp_probability(p) != p {
                return 0.0;
            }
            (p - y) / (n * p * (1.0 - p))
        })
        .collect())
}
// ANCHOR_END: binary_cross_entropy_gradient

// ANCHOR: categorical_cross_entropy
/// Categorical cross-entropy of one sample, H(y, p) = −Σᵢ yᵢ ln p̃ᵢ with
/// p̃ᵢ = clamp(pᵢ).
///
/// Shapes: `target` y and `prediction` p are distributions over the same n
/// classes: entries in [0, 1] summing to 1 (within [`crate::SUM_TOLERANCE`]).
/// For a one-hot y with the 1 at class c this is −ln p_c. Fails when either
/// vector is not a distribution or the lengths differ.
pub fn categorical_cross_entropy(target: &[f64], prediction: &[f64]) -> Result<f64> {
    check_lengths("target", target, "prediction", prediction)?;
    check_distribution("target", target)?;
    check_distribution("prediction", prediction)?;

    // A zero target contributes nothing, so the clamp only matters where the
    // target puts weight on a class the model gives probability 0.
    Ok(-target
        .iter()
        .zip(prediction)
        .filter(|(y, _)| **y != 0.0)
        .map(|(&y, &p)| y * clamp_probability(p).ln())
        .sum::<f64>())
}
// ANCHOR_END: categorical_cross_entropy

// ANCHOR: categorical_cross_entropy_gradient
/// ∂H/∂pᵢ of [`categorical_cross_entropy`], taking each pᵢ as a free
/// variable: −yᵢ / pᵢ, and 0 where the clamp is active.
///
/// Carried back through the softmax with [`crate::softmax_backward`], this
/// gives ∂H/∂z = softmax(z) − y.
pub fn categorical_cross_entropy_gradient(target: &[f64], prediction: &[f64]) -> Result<Vec<f64>> {
    check_lengths("target", target, "prediction", prediction)?;
    check_distribution("target", target)?;
    check_distribution("prediction", prediction)?;

    Ok(target.iter().zip(prediction).map(|(&y, &p)| if clamp_probability(p) != p { 0.0 } else { -y / p }).collect())
}
// ANCHOR_END: categorical_cross_entropy_gradient

// ANCHOR: negative_log_likelihood
/// Negative log-likelihood of a batch, NLL = −(1/N) Σₙ ln p(cₙ | xₙ): the
/// mean over N samples of minus the log-probability the model gave the true
/// class cₙ.
///
/// Shapes: `log_probs` has N rows of K log-probabilities (for example
/// [`crate::log_softmax`] of each row of logits); `labels` has N class
/// indices in 0..K. Equal to the mean of [`crate::cross_entropy`] with
/// one-hot targets. Fails when the batch is empty, the counts differ, a row
/// contains a value that is not a log-probability, or a label is out of range.
pub fn negative_log_likelihood(log_probs: &[Vec<f64>], labels: &[usize]) -> Result<f64> {
    if log_probs.is_empty() {
        return Err(Error::Empty { name: "batch of log-probabilities" });
    }
    if log_probs.len() != labels.len() {
        return Err(Error::LengthMismatch {
            left_name: "log-probability rows",
            left: log_probs.len(),
            right_name: "labels",
            right: labels.len(),
        });
    }

    let mut total = 0.0;
    for (sample, (row, &label)) in log_probs.iter().zip(labels).enumerate() {
        check_not_empty("log-probability row", row)?;
        check_log_probabilities("log-probability row", row)?;
        if label >= row.len() {
            return Err(Error::LabelOutOfRange { sample, label, classes: row.len() });
        }
        total -= row[label];
    }
    Ok(total / log_probs.len() as f64)
}
// ANCHOR_END: negative_log_likelihood
