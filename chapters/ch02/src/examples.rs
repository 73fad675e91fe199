//! The inputs of the page's worked examples, shared by the printed output,
//! the figures and the tests.

/// Target of the two-class example: the true class is the second one.
pub const TWO_CLASS_TARGET: [f64; 2] = [0.0, 1.0];

/// Prediction of the two-class example.
pub const TWO_CLASS_PREDICTION: [f64; 2] = [0.2, 0.8];

/// Logits of a batch of three samples over three classes, one row each.
pub fn batch_logits() -> Vec<Vec<f64>> {
    vec![vec![2.0, 1.0, 0.1], vec![0.5, 2.5, 0.3], vec![1.2, 0.2, 3.1]]
}

/// True classes of [`batch_logits`], counted from 0. The third sample is
/// misclassified: its largest logit belongs to class 2.
pub const BATCH_LABELS: [usize; 3] = [0, 1, 0];

/// Logits whose exponentials overflow f64: e^1000 is ∞.
pub const LARGE_LOGITS: [f64; 3] = [1000.0, 999.0, 0.0];

/// Logits whose exponentials underflow f64: e^(−1000) is 0.
pub const LARGE_NEGATIVE_LOGITS: [f64; 2] = [-1000.0, -1000.0];

/// Logits of the softmax temperature example and figure.
pub const TEMPERATURE_LOGITS: [f64; 3] = [2.0, 1.0, 0.1];

/// Temperatures of the softmax temperature example and figure.
pub const TEMPERATURES: [f64; 4] = [0.5, 1.0, 2.0, 5.0];

/// One-hot target of the softmax gradient example.
pub const GRADIENT_TARGET: [f64; 3] = [0.0, 1.0, 0.0];

/// Logits of the softmax gradient example.
pub const GRADIENT_LOGITS: [f64; 3] = [2.0, 1.0, 0.1];

/// Targets of the binary cross-entropy example with extreme logits.
pub const EXTREME_TARGET: [f64; 4] = [0.0, 1.0, 1.0, 1.0];

/// Logits of the binary cross-entropy example: σ(±1000) rounds to 1 or 0.
pub const EXTREME_LOGITS: [f64; 4] = [1000.0, -1000.0, 1000.0, 0.0];

/// Predictions that the probability checks reject: a sum of 1.1, entries
/// outside [0, 1], and NaN.
pub const INVALID_PREDICTIONS: [[f64; 2]; 3] = [[0.3, 0.8], [-0.2, 1.2], [0.5, f64::NAN]];

/// Returns the one-hot vector of length `classes` with a 1 at `class`.
///
/// # Panics
/// Panics when `class >= classes`, because the examples only pass valid labels.
pub fn one_hot(class: usize, classes: usize) -> Vec<f64> {
    assert!(class < classes, "class {class} is out of range for {classes} classes");
    (0..classes).map(|i| if i == class { 1.0 } else { 0.0 }).collect()
}
