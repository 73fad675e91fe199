//! The page's worked numbers, rounded to the precision the page prints.

use std::f64::consts::{E, LN_2};

use ch02::{circulated, examples};
use numfmt::num;

const Y: [f64; 2] = examples::TWO_CLASS_TARGET;
const P: [f64; 2] = examples::TWO_CLASS_PREDICTION;

#[test]
fn two_class_cross_entropy_nats() {
    let h = ch02::categorical_cross_entropy(&Y, &P).unwrap();
    assert_eq!(num(h), "0.223144");
}

#[test]
fn two_class_cross_entropy_bits() {
    let h = ch02::categorical_cross_entropy(&Y, &P).unwrap();
    assert_eq!(num(ch02::nats_to_bits(h)), "0.321928");
}

#[test]
fn two_class_bits_equal_log2() {
    let h = ch02::categorical_cross_entropy(&Y, &P).unwrap();
    assert!((ch02::nats_to_bits(h) + 0.8f64.log2()).abs() < 1e-15);
}

#[test]
fn two_class_binary_mean_equals_categorical() {
    // Both outputs lose −ln 0.8: 1 − 0.2 for the first, 0.8 for the second.
    let binary = ch02::binary_cross_entropy(&Y, &P).unwrap();
    let categorical = ch02::categorical_cross_entropy(&Y, &P).unwrap();
    assert!((binary - categorical).abs() < 1e-15, "{binary} vs {categorical}");
}

#[test]
fn two_class_logits_agree_with_probabilities() {
    // Logits whose softmax is [0.2, 0.8]: z = ln p up to a constant.
    let z = [0.2f64.ln(), 0.8f64.ln()];
    let from_logits = ch02::softmax_cross_entropy(&Y, &z).unwrap();
    let from_probabilities = ch02::categorical_cross_entropy(&Y, &P).unwrap();
    assert!((from_logits - from_probabilities).abs() < 1e-15);
}

#[test]
fn circulated_loss_matches_no_common_base() {
    for base in [E, 2.0, 10.0] {
        let loss = -0.8f64.log(base);
        assert!((loss - circulated::LOSS).abs() > 0.05, "base {base} gives {loss}");
    }
}

#[test]
fn implied_base_reproduces_circulated_loss() {
    let base = circulated::implied_log_base(0.8, circulated::LOSS);
    assert!((-0.8f64.log(base) - circulated::LOSS).abs() < 1e-12, "base {base}");
}

#[test]
fn implied_base_printed_value() {
    assert_eq!(num(circulated::implied_log_base(0.8, circulated::LOSS)), "1.78263");
}

#[test]
fn batch_nll_equals_mean_cross_entropy() {
    let log_probs: Vec<Vec<f64>> = examples::batch_logits().iter().map(|z| ch02::log_softmax(z).unwrap()).collect();
    let nll = ch02::negative_log_likelihood(&log_probs, &examples::BATCH_LABELS).unwrap();

    let mean_cross_entropy = log_probs
        .iter()
        .zip(examples::BATCH_LABELS)
        .map(|(log_p, c)| ch02::cross_entropy(&examples::one_hot(c, log_p.len()), log_p).unwrap())
        .sum::<f64>()
        / log_probs.len() as f64;
    assert!((nll - mean_cross_entropy).abs() < 1e-15, "{nll} vs {mean_cross_entropy}");
}

#[test]
fn batch_nll_is_log_likelihood_over_n() {
    let logits = examples::batch_logits();
    let log_probs: Vec<Vec<f64>> = logits.iter().map(|z| ch02::log_softmax(z).unwrap()).collect();
    let nll = ch02::negative_log_likelihood(&log_probs, &examples::BATCH_LABELS).unwrap();

    let likelihood: f64 =
        logits.iter().zip(examples::BATCH_LABELS).map(|(z, c)| ch02::softmax(z).unwrap()[c]).product();
    assert!((nll + likelihood.ln() / 3.0).abs() < 1e-12, "{nll}");
    assert_eq!(num(nll), "0.90774");
}

#[test]
fn softmax_gradient_example_values() {
    let gradient =
        ch02::softmax_cross_entropy_gradient(&examples::GRADIENT_TARGET, &examples::GRADIENT_LOGITS).unwrap();
    assert_eq!(numfmt::vector(&gradient), "[0.659001, -0.757567, 0.0985659]");
}

#[test]
fn softmax_gradient_sums_to_zero() {
    // Σ (pᵢ − yᵢ) = 1 − 1: adding a constant to every logit changes nothing.
    let gradient =
        ch02::softmax_cross_entropy_gradient(&examples::GRADIENT_TARGET, &examples::GRADIENT_LOGITS).unwrap();
    assert!(gradient.iter().sum::<f64>().abs() < 1e-15, "{gradient:?}");
}

#[test]
fn nats_to_bits_of_ln2_is_one() {
    assert_eq!(ch02::nats_to_bits(LN_2), 1.0);
}
