//! Candle's own losses on the chapter's inputs: where they agree with the
//! chapter's functions, and where they fail.
//!
//! Checked against candle-nn 0.11.1, the version in the workspace.

use candle_core::{Device, Tensor};

fn binary_with_candle(target: &[f64], logits: &[f64]) -> f64 {
    let device = Device::Cpu;
    let z = Tensor::from_slice(logits, logits.len(), &device).unwrap();
    let y = Tensor::from_slice(target, target.len(), &device).unwrap();
    candle_nn::loss::binary_cross_entropy_with_logit(&z, &y).unwrap().to_scalar::<f64>().unwrap()
}

#[test]
fn candle_binary_logits_extreme_nan() {
    // Candle forms σ(z) first: σ(1000) = 1 and, with y = 1, the term
    // (1 − y) ln(1 − σ) is 0 · (−∞) = NaN. The chapter's version gives 500.173287.
    let loss = binary_with_candle(&[0.0, 1.0, 1.0, 1.0], &[1000.0, -1000.0, 1000.0, 0.0]);
    assert!(loss.is_nan(), "Candle returned {loss}");
}

#[test]
fn candle_binary_logits_moderate_agrees() {
    let (y, z) = ([0.0, 1.0, 1.0, 0.3], [0.5, -1.2, 2.0, 0.0]);
    let ours = ch02::binary_cross_entropy_with_logits(&y, &z).unwrap();
    let candle = binary_with_candle(&y, &z);
    assert!((ours - candle).abs() < 1e-12, "{ours} vs {candle}");
}

#[test]
fn candle_cross_entropy_large_logits_agrees() {
    // candle_nn::loss::cross_entropy takes log_softmax of the logits, which
    // subtracts the maximum, so it stays finite here.
    let z = [1000.0, 999.0, 0.0];
    let device = Device::Cpu;
    let logits = Tensor::from_slice(&z, (1, 3), &device).unwrap();
    let labels = Tensor::from_slice(&[1u32], 1, &device).unwrap();
    let candle = candle_nn::loss::cross_entropy(&logits, &labels).unwrap().to_scalar::<f64>().unwrap();
    let ours = ch02::softmax_cross_entropy(&[0.0, 1.0, 0.0], &z).unwrap();
    assert!((ours - candle).abs() < 1e-12, "{ours} vs {candle}");
}
