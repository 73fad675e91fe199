//! How Candle 0.11's cross-entropy treats label tensors of each type. These
//! behaviours are why `idx::labels_to_u32` widens the labels to u32 only
//! after the 0–9 check.

use candle_core::{DType, Device, Tensor};

/// Two examples over three classes. With labels [2, 0] both have the loss
/// ln(1 + e⁻¹ + e⁻²) = 0.407606.
fn logits() -> Tensor {
    Tensor::new(&[[1.0f32, 2.0, 3.0], [3.0, 2.0, 1.0]], &Device::Cpu).unwrap()
}

fn mean_loss(labels: &Tensor) -> candle_core::Result<f32> {
    candle_nn::loss::cross_entropy(&logits(), labels)?.to_scalar::<f32>()
}

#[test]
fn u32_labels_accepted() {
    let labels = Tensor::new(&[2u32, 0], &Device::Cpu).unwrap();
    let value = mean_loss(&labels).unwrap();
    assert!((value - 0.407606).abs() < 1e-5, "{value}");
}

#[test]
fn u8_label_255_silently_ignored() {
    // The first example's label is out of range. Candle returns no error:
    // that example contributes 0, so the mean halves.
    let labels = Tensor::new(&[255u8, 0], &Device::Cpu).unwrap();
    let value = mean_loss(&labels).unwrap();
    assert!((value - 0.407606 / 2.0).abs() < 1e-5, "{value}");
}

#[test]
fn f32_labels_rejected() {
    let labels = Tensor::new(&[2.0f32, 0.0], &Device::Cpu).unwrap();
    let err = mean_loss(&labels).unwrap_err().to_string();
    assert!(err.contains("F32"), "{err}");
}

#[test]
fn i32_labels_reported_as_f32() {
    // The labels are i32, yet the error names F32.
    let labels = Tensor::new(&[2i32, 0], &Device::Cpu).unwrap();
    assert_eq!(labels.dtype(), DType::I32);
    let err = mean_loss(&labels).unwrap_err().to_string();
    assert!(err.contains("F32"), "{err}");
}
