//! Numerical behaviour: large logits, probabilities of exactly 0 or 1, and
//! the inputs the chapter's functions reject.

use ch02::{naive, Error};
use numfmt::{num, vector};

#[test]
fn softmax_large_logits_values() {
    let p = ch02::softmax(&[1000.0, 999.0, 0.0]).unwrap();
    assert_eq!(vector(&p), "[0.731059, 0.268941, 0]");
}

#[test]
fn softmax_large_logits_all_finite() {
    let p = ch02::softmax(&[1000.0, 999.0, 0.0]).unwrap();
    assert!(p.iter().all(|v| v.is_finite()), "{p:?}");
}

#[test]
fn softmax_large_negative_logits_halves() {
    let p = ch02::softmax(&[-1000.0, -1000.0]).unwrap();
    assert_eq!(p, vec![0.5, 0.5]);
}

#[test]
fn naive_softmax_large_logits_nan() {
    // The failure the shifted softmax avoids: ∞ / ∞ and 0 / 0.
    let overflow = naive::softmax(&[1000.0, 999.0, 0.0]);
    assert!(overflow[0].is_nan(), "{overflow:?}");
    assert!(overflow[1].is_nan(), "{overflow:?}");
    let underflow = naive::softmax(&[-1000.0, -1000.0]);
    assert!(underflow.iter().all(|v| v.is_nan()), "{underflow:?}");
}

#[test]
fn log_softmax_large_logits_finite() {
    let log_p = ch02::log_softmax(&[1000.0, 999.0, 0.0]).unwrap();
    assert_eq!(vector(&log_p), "[-0.313262, -1.31326, -1000.31]");
}

#[test]
fn log_sum_exp_large_logits() {
    let lse = ch02::log_sum_exp(&[1000.0, 999.0, 0.0]).unwrap();
    let expected = 1000.0 + (-1.0f64).exp().ln_1p();
    assert!((lse - expected).abs() < 1e-12, "{lse}");
}

#[test]
fn softmax_rejects_nan_logit() {
    let err = ch02::softmax(&[1.0, f64::NAN]).unwrap_err();
    assert!(matches!(err, Error::NotFinite { index: 1, .. }), "{err}");
    assert!(err.to_string().contains("[1, NaN]"), "{err}");
}

#[test]
fn softmax_rejects_infinite_logit() {
    let err = ch02::log_softmax(&[f64::INFINITY, 0.0]).unwrap_err();
    assert!(matches!(err, Error::NotFinite { index: 0, .. }), "{err}");
}

#[test]
fn softmax_rejects_empty_logits() {
    let err = ch02::softmax(&[]).unwrap_err();
    assert_eq!(err, Error::Empty { name: "logits" });
}

#[test]
fn binary_clamp_prediction_zero_one() {
    let loss = ch02::binary_cross_entropy(&[0.0, 1.0], &[1.0, 0.0]).unwrap();
    assert_eq!(num(loss), "16.1181");
}

#[test]
fn binary_clamp_matches_log_epsilon() {
    let loss = ch02::binary_cross_entropy(&[0.0, 1.0], &[1.0, 0.0]).unwrap();
    assert!((loss + ch02::EPSILON.ln()).abs() < 1e-8, "{loss}");
}

#[test]
fn binary_exact_prediction_not_nan() {
    // Without the clamp, y = 0 with p = 0 gives 0 · ln 0 = NaN.
    let loss = ch02::binary_cross_entropy(&[0.0, 1.0], &[0.0, 1.0]).unwrap();
    assert!(loss.is_finite(), "{loss}");
    assert!(loss < 2e-7, "{loss}");
}

#[test]
fn naive_binary_exact_prediction_nan() {
    let terms = naive::binary_cross_entropy_terms(&[0.0, 1.0], &[0.0, 1.0]).unwrap();
    assert!(terms.iter().all(|t| t.is_nan()), "{terms:?}");
}

#[test]
fn categorical_zero_probability_finite() {
    let loss = ch02::categorical_cross_entropy(&[0.0, 1.0], &[1.0, 0.0]).unwrap();
    assert_eq!(num(loss), "16.1181");
}

#[test]
fn binary_gradient_zero_where_clamped() {
    let gradient = ch02::binary_cross_entropy_gradient(&[0.0, 1.0], &[1.0, 0.0]).unwrap();
    assert_eq!(gradient, vec![0.0, 0.0]);
}

#[test]
fn categorical_gradient_zero_where_clamped() {
    let gradient = ch02::categorical_cross_entropy_gradient(&[0.0, 1.0], &[1.0, 0.0]).unwrap();
    assert_eq!(gradient, vec![0.0, 0.0]);
}

const EXTREME_TARGET: [f64; 4] = [0.0, 1.0, 1.0, 1.0];
const EXTREME_LOGITS: [f64; 4] = [1000.0, -1000.0, 1000.0, 0.0];

#[test]
fn binary_logits_extreme_mean_loss() {
    let loss = ch02::binary_cross_entropy_with_logits(&EXTREME_TARGET, &EXTREME_LOGITS).unwrap();
    assert_eq!(format!("{loss:.6}"), "500.173287");
}

#[test]
fn binary_logits_extreme_equals_closed_form() {
    // (1000 + 1000 + 0 + ln 2) / 4.
    let loss = ch02::binary_cross_entropy_with_logits(&EXTREME_TARGET, &EXTREME_LOGITS).unwrap();
    let expected = (2000.0 + std::f64::consts::LN_2) / 4.0;
    assert!((loss - expected).abs() < 1e-12, "{loss}");
}

#[test]
fn binary_logits_extreme_gradient_finite() {
    let gradient = ch02::binary_cross_entropy_with_logits_gradient(&EXTREME_TARGET, &EXTREME_LOGITS).unwrap();
    assert_eq!(gradient, vec![0.25, -0.25, 0.0, -0.125]);
}

#[test]
fn naive_binary_logits_extreme_nan() {
    let terms = naive::binary_cross_entropy_with_logits_terms(&EXTREME_TARGET, &EXTREME_LOGITS).unwrap();
    assert!(terms[2].is_nan(), "{terms:?}");
}

#[test]
fn softmax_cross_entropy_large_logits_finite() {
    let loss = ch02::softmax_cross_entropy(&[0.0, 1.0, 0.0], &[1000.0, 999.0, 0.0]).unwrap();
    assert_eq!(num(loss), "1.31326");
}

#[test]
fn binary_rejects_prediction_above_one() {
    let err = ch02::binary_cross_entropy(&[0.0, 1.0], &[0.2, 1.3]).unwrap_err();
    assert!(matches!(err, Error::OutOfRange { name: "prediction", index: 1, .. }), "{err}");
    assert!(err.to_string().contains("prediction [0.2, 1.3] has 1.3 at index 1"), "{err}");
}

#[test]
fn binary_rejects_negative_prediction() {
    let err = ch02::binary_cross_entropy(&[0.0, 1.0], &[-0.2, 0.8]).unwrap_err();
    assert!(matches!(err, Error::OutOfRange { name: "prediction", index: 0, .. }), "{err}");
}

#[test]
fn binary_rejects_target_above_one() {
    let err = ch02::binary_cross_entropy(&[0.0, 2.0], &[0.2, 0.8]).unwrap_err();
    assert!(matches!(err, Error::OutOfRange { name: "target", index: 1, .. }), "{err}");
}

#[test]
fn binary_rejects_nan_prediction() {
    let err = ch02::binary_cross_entropy(&[0.0, 1.0], &[f64::NAN, 0.8]).unwrap_err();
    assert!(matches!(err, Error::OutOfRange { index: 0, .. }), "{err}");
}

#[test]
fn binary_rejects_length_mismatch() {
    let err = ch02::binary_cross_entropy(&[0.0, 1.0], &[0.8]).unwrap_err();
    assert!(matches!(err, Error::LengthMismatch { left: 2, right: 1, .. }), "{err}");
}

#[test]
fn binary_logits_rejects_infinite_logit() {
    let err = ch02::binary_cross_entropy_with_logits(&[1.0], &[f64::NEG_INFINITY]).unwrap_err();
    assert!(matches!(err, Error::NotFinite { name: "logits", .. }), "{err}");
}

#[test]
fn categorical_rejects_unnormalized_prediction() {
    let err = ch02::categorical_cross_entropy(&[0.0, 1.0], &[0.3, 0.8]).unwrap_err();
    assert!(matches!(err, Error::NotNormalized { name: "prediction", .. }), "{err}");
    assert!(err.to_string().contains("prediction [0.3, 0.8] sums to 1.1, not 1"), "{err}");
}

#[test]
fn categorical_rejects_unnormalized_target() {
    let err = ch02::categorical_cross_entropy(&[0.5, 1.0], &[0.2, 0.8]).unwrap_err();
    assert!(matches!(err, Error::NotNormalized { name: "target", .. }), "{err}");
}

#[test]
fn categorical_accepts_softmax_rounding() {
    // A softmax over many classes sums to 1 only up to rounding.
    let z: Vec<f64> = (0..1000).map(|i| (i as f64 * 0.37).sin() * 5.0).collect();
    let p = ch02::softmax(&z).unwrap();
    let mut y = vec![0.0; 1000];
    y[17] = 1.0;
    let loss = ch02::categorical_cross_entropy(&y, &p).unwrap();
    assert!((loss + p[17].ln()).abs() < 1e-12, "{loss}");
}

#[test]
fn softmax_cross_entropy_rejects_unnormalized_target() {
    let err = ch02::softmax_cross_entropy(&[1.0, 1.0], &[0.5, 0.2]).unwrap_err();
    assert!(matches!(err, Error::NotNormalized { name: "target", .. }), "{err}");
}

#[test]
fn cross_entropy_rejects_positive_log_probability() {
    let err = ch02::cross_entropy(&[0.0, 1.0], &[-0.5, 0.1]).unwrap_err();
    assert!(matches!(err, Error::NotLogProbability { index: 1, .. }), "{err}");
}

#[test]
fn cross_entropy_zero_target_ignores_minus_infinity() {
    let loss = ch02::cross_entropy(&[0.0, 1.0], &[f64::NEG_INFINITY, 0.0]).unwrap();
    assert_eq!(loss, 0.0);
}

#[test]
fn negative_log_likelihood_rejects_label_out_of_range() {
    let log_p = vec![ch02::log_softmax(&[1.0, 2.0]).unwrap()];
    let err = ch02::negative_log_likelihood(&log_p, &[2]).unwrap_err();
    assert_eq!(err, Error::LabelOutOfRange { sample: 0, label: 2, classes: 2 });
    assert!(err.to_string().contains("pass labels from 0 to 1"), "{err}");
}

#[test]
fn negative_log_likelihood_rejects_count_mismatch() {
    let log_p = vec![ch02::log_softmax(&[1.0, 2.0]).unwrap()];
    let err = ch02::negative_log_likelihood(&log_p, &[0, 1]).unwrap_err();
    assert!(matches!(err, Error::LengthMismatch { left: 1, right: 2, .. }), "{err}");
}

#[test]
fn negative_log_likelihood_rejects_empty_batch() {
    let err = ch02::negative_log_likelihood(&[], &[]).unwrap_err();
    assert!(matches!(err, Error::Empty { .. }), "{err}");
}

#[test]
fn temperature_rejects_non_positive() {
    for t in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        let err = ch02::softmax_with_temperature(&[1.0, 2.0], t).unwrap_err();
        assert!(matches!(err, Error::InvalidTemperature { .. }), "T = {t}: {err}");
    }
}

#[test]
fn temperature_high_approaches_uniform() {
    let p = ch02::softmax_with_temperature(&[2.0, 1.0, 0.1], 1e6).unwrap();
    assert!(p.iter().all(|pi| (pi - 1.0 / 3.0).abs() < 1e-6), "{p:?}");
}

#[test]
fn temperature_low_approaches_argmax() {
    let p = ch02::softmax_with_temperature(&[2.0, 1.0, 0.1], 1e-3).unwrap();
    assert_eq!(p, vec![1.0, 0.0, 0.0]);
}
