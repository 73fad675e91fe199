//! Errors of the chapter's functions and the input checks that return them.
//!
//! Messages show the offending values with the book's number format, so a
//! reader can see at once which entry is wrong.

use numfmt::{num, vector};
use thiserror::Error;

/// Largest accepted distance between the sum of a probability vector and 1.
///
/// Rounding moves the sum of a softmax over a thousand classes by about 1e-15
/// (measured on `sin`-shaped logits), far below this, while a typing error
/// such as [0.3, 0.8] is far above it.
pub const SUM_TOLERANCE: f64 = 1e-6;

/// Errors of the chapter's functions.
#[derive(Debug, Error, PartialEq)]
pub enum Error {
    /// Two vectors that must be equally long are not.
    #[error(
        "length mismatch: {left_name} has {left} elements but {right_name} has {right}; pass vectors of equal length"
    )]
    LengthMismatch { left_name: &'static str, left: usize, right_name: &'static str, right: usize },
    /// An input vector is empty.
    #[error("{name} is empty; pass at least one value")]
    Empty { name: &'static str },
    /// A value that must be a finite number is NaN or ±∞.
    #[error("{name} {} has {} at index {index}, which is not a finite number; pass finite values", vector(.values), num(*.value))]
    NotFinite { name: &'static str, index: usize, value: f64, values: Vec<f64> },
    /// A probability is outside [0, 1] (or NaN).
    #[error("{name} {} has {} at index {index}, which is outside [0, 1]; pass probabilities, for example sigmoid or softmax of the logits", vector(.values), num(*.value))]
    OutOfRange { name: &'static str, index: usize, value: f64, values: Vec<f64> },
    /// A probability distribution does not sum to 1.
    #[error("{name} {} sums to {}, not 1; normalize it, or pass logits and let softmax normalize them", vector(.values), num(*.sum))]
    NotNormalized { name: &'static str, sum: f64, values: Vec<f64> },
    /// A log-probability is positive or NaN.
    #[error("{name} {} has {} at index {index}, which is not a log-probability (ln p ≤ 0); pass ln p, for example from log_softmax", vector(.values), num(*.value))]
    NotLogProbability { name: &'static str, index: usize, value: f64, values: Vec<f64> },
    /// A softmax temperature is not a positive finite number.
    #[error("temperature {} is invalid; pass a positive finite temperature T", num(*.value))]
    InvalidTemperature { value: f64 },
    /// A class label does not index into its row of log-probabilities.
    #[error("label {label} of sample {sample} is out of range for {classes} classes; pass labels from 0 to {}", .classes - 1)]
    LabelOutOfRange { sample: usize, label: usize, classes: usize },
}

/// Result type of the chapter's functions.
pub type Result<T> = std::result::Result<T, Error>;

/// Returns `Ok(())` when `left` and `right` have the same length.
pub fn check_lengths(left_name: &'static str, left: &[f64], right_name: &'static str, right: &[f64]) -> Result<()> {
    if left.len() != right.len() {
        return Err(Error::LengthMismatch { left_name, left: left.len(), right_name, right: right.len() });
    }
    Ok(())
}

pub(crate) fn check_not_empty(name: &'static str, values: &[f64]) -> Result<()> {
    if values.is_empty() {
        return Err(Error::Empty { name });
    }
    Ok(())
}

/// Returns `Ok(())` when every value is finite (not NaN, not ±∞).
pub fn check_finite(name: &'static str, values: &[f64]) -> Result<()> {
    match values.iter().position(|v| !v.is_finite()) {
        Some(index) => Err(Error::NotFinite { name, index, value: values[index], values: values.to_vec() }),
        None => Ok(()),
    }
}

/// Returns `Ok(())` when every value lies in [0, 1]. NaN is rejected too.
pub fn check_probabilities(name: &'static str, values: &[f64]) -> Result<()> {
    match values.iter().position(|p| !(0.0..=1.0).contains(p)) {
        Some(index) => Err(Error::OutOfRange { name, index, value: values[index], values: values.to_vec() }),
        None => Ok(()),
    }
}

// ANCHOR: check_distribution
/// Returns `Ok(())` when `values` is a probability distribution: not empty,
/// every entry in [0, 1], and the sum within [`SUM_TOLERANCE`] of 1.
pub fn check_distribution(name: &'static str, values: &[f64]) -> Result<()> {
    check_not_empty(name, values)?;
    check_probabilities(name, values)?;

    let sum: f64 = values.iter().sum();
    if (sum - 1.0).abs() > SUM_TOLERANCE {
        return Err(Error::NotNormalized { name, sum, values: values.to_vec() });
    }
    Ok(())
}
// ANCHOR_END: check_distribution

/// Returns `Ok(())` when every value is a log-probability: ≤ 0 (−∞ included,
/// since p = 0 is a probability), and not NaN.
pub(crate) fn check_log_probabilities(name: &'static str, values: &[f64]) -> Result<()> {
    match values.iter().position(|lp| lp.is_nan() || *lp > 0.0) {
        Some(index) => Err(Error::NotLogProbability { name, index, value: values[index], values: values.to_vec() }),
        None => Ok(()),
    }
}
