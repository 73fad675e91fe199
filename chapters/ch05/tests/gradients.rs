//! Candle's loss and gradients against the earlier chapters' formulas.

use std::path::Path;

use candle_core::{DType, Device, Tensor};
use candle_nn::Optimizer;
use ch05::adam::{Adam, AdamConfig, Kernel};
use ch05::data::{self, MNIST_SUBSET};
use ch05::idx;
use ch05::model::{cross_entropy, glorot_limit, Mlp, CLASSES, INPUTS, PARAMETER_NAMES};
use ch05::rng::Rng;
use gradcheck::max_abs_difference;

/// Returns the first `batch` training images of the shipped subset, scaled, with labels.
fn subset_batch(batch: usize) -> (Vec<f64>, Vec<u32>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mnist-subset");
    let split = data::load(&dir, &MNIST_SUBSET).unwrap().train.head(batch);
    let pixels = idx::scale_pixels(&split.images.pixels).into_iter().map(f64::from).collect();
    (pixels, idx::labels_to_u32(&split.labels))
}

/// Builds a model in f64 with a small hidden layer, Glorot-uniform weights and
/// non-zero biases (so the bias paths of the gradient are exercised).
fn small_model(hidden: usize, seed: u64) -> (Mlp, [Vec<f64>; 4]) {
    let mut rng = Rng::new(seed);
    let w1 = ch05::model::glorot_uniform(&mut rng, INPUTS, hidden);
    let b1: Vec<f64> = (0..hidden).map(|_| rng.uniform(-0.1, 0.1)).collect();
    let w2 = ch05::model::glorot_uniform(&mut rng, hidden, CLASSES);
    let b2: Vec<f64> = (0..CLASSES).map(|_| rng.uniform(-0.1, 0.1)).collect();
    let model = Mlp::from_values(hidden, [&w1, &b1, &w2, &b2], DType::F64, &Device::Cpu).unwrap();
    (model, [w1, b1, w2, b2])
}

fn tensors(pixels: &[f64], labels: &[u32]) -> (Tensor, Tensor) {
    let x = Tensor::from_slice(pixels, (labels.len(), INPUTS), &Device::Cpu).unwrap();
    let y = Tensor::from_slice(labels, labels.len(), &Device::Cpu).unwrap();
    (x, y)
}

fn one_hot(label: u32) -> Vec<f64> {
    (0..CLASSES).map(|class| if class as u32 == label { 1.0 } else { 0.0 }).collect()
}

/// Row-major `[rows, inner] · [inner, columns]`.
fn matmul(a: &[f64], b: &[f64], rows: usize, inner: usize, columns: usize) -> Vec<f64> {
    let mut out = vec![0.0; rows * columns];
    for r in 0..rows {
        for k in 0..inner {
            let a_rk = a[r * inner + k];
            for c in 0..columns {
                out[r * columns + c] += a_rk * b[k * columns + c];
            }
        }
    }
    out
}

/// Row-major transpose of a `[rows, columns]` matrix.
fn transpose(a: &[f64], rows: usize, columns: usize) -> Vec<f64> {
    let mut out = vec![0.0; rows * columns];
    for r in 0..rows {
        for c in 0..columns {
            out[c * rows + r] = a[r * columns + c];
        }
    }
    out
}

#[test]
fn glorot_limits_match_recipe() {
    assert_eq!(numfmt::num(glorot_limit(784, 128)), "0.0811107");
    assert_eq!(numfmt::num(glorot_limit(128, 10)), "0.208514");
}

#[test]
fn glorot_weights_within_limits() {
    let mut rng = Rng::new(0);
    let model = Mlp::glorot(128, &mut rng, DType::F64, &Device::Cpu).unwrap();
    let w1 = model.w1.flatten_all().unwrap().to_vec1::<f64>().unwrap();
    let limit = glorot_limit(784, 128);
    assert!(w1.iter().all(|w| w.abs() < limit));
    // U(−a, a) has standard deviation a/√3.
    let std = (w1.iter().map(|w| w * w).sum::<f64>() / w1.len() as f64).sqrt();
    assert!((std / (limit / 3f64.sqrt()) - 1.0).abs() < 0.01, "{std}");
    let b1 = model.b1.to_vec1::<f64>().unwrap();
    assert!(b1.iter().all(|&b| b == 0.0));
}

#[test]
fn batch_loss_equals_ch02_cross_entropy() {
    let (pixels, labels) = subset_batch(8);
    let (model, _) = small_model(16, 1);
    let (x, y) = tensors(&pixels, &labels);
    let logits = model.forward(&x).unwrap();

    let candle_loss = cross_entropy(&logits, &y).unwrap().to_scalar::<f64>().unwrap();

    let rows = logits.to_vec2::<f64>().unwrap();
    let ch02_loss = rows
        .iter()
        .zip(&labels)
        .map(|(z, &label)| ch02::cross_entropy(&one_hot(label), &ch02::log_softmax(z).unwrap()).unwrap())
        .sum::<f64>()
        / labels.len() as f64;
    assert!((candle_loss - ch02_loss).abs() < 1e-12, "{candle_loss} vs {ch02_loss}");
}

#[test]
fn loss_equals_candle_nn_cross_entropy() {
    let (pixels, labels) = subset_batch(8);
    let (model, _) = small_model(16, 2);
    let (x, y) = tensors(&pixels, &labels);
    let logits = model.forward(&x).unwrap();

    let ours = cross_entropy(&logits, &y).unwrap().to_scalar::<f64>().unwrap();
    let theirs = candle_nn::loss::cross_entropy(&logits, &y).unwrap().to_scalar::<f64>().unwrap();
    assert!((ours - theirs).abs() < 1e-12, "{ours} vs {theirs}");
}

#[test]
fn first_layer_gradient_matches_backprop() {
    const B: usize = 4;
    const H: usize = 8;
    let (pixels, labels) = subset_batch(B);
    let (model, [w1, b1, w2, b2]) = small_model(H, 3);

    // Chapter 4's backward pass in matrix form, batch rows stacked:
    // δ₂ = (softmax(z) − y) / B, δ₁ = (δ₂ W₂ᵀ) ⊙ ReLU′(z₁), ∂L/∂W₁ = xᵀ δ₁, ∂L/∂b₁ = Σ_rows δ₁.
    let mut z1 = matmul(&pixels, &w1, B, INPUTS, H);
    for (i, value) in z1.iter_mut().enumerate() {
        *value += b1[i % H];
    }
    let h: Vec<f64> = z1.iter().map(|&z| z.max(0.0)).collect();
    let mut z = matmul(&h, &w2, B, H, CLASSES);
    for (i, value) in z.iter_mut().enumerate() {
        *value += b2[i % CLASSES];
    }
    let mut delta2 = Vec::with_capacity(B * CLASSES);
    for (row, &label) in z.chunks(CLASSES).zip(&labels) {
        let p = ch02::softmax(row).unwrap();
        delta2.extend(p.iter().zip(one_hot(label)).map(|(p, y)| (p - y) / B as f64));
    }
    let back = matmul(&delta2, &transpose(&w2, H, CLASSES), B, CLASSES, H);
    let delta1: Vec<f64> = back.iter().zip(&z1).map(|(d, &z)| if z > 0.0 { *d } else { 0.0 }).collect();
    let grad_w1 = matmul(&transpose(&pixels, B, INPUTS), &delta1, INPUTS, B, H);
    let grad_b1: Vec<f64> = (0..H).map(|j| (0..B).map(|r| delta1[r * H + j]).sum()).collect();

    let (x, y) = tensors(&pixels, &labels);
    let grads = cross_entropy(&model.forward(&x).unwrap(), &y).unwrap().backward().unwrap();
    let candle_w1 = grads.get(model.w1.as_tensor()).unwrap().flatten_all().unwrap().to_vec1::<f64>().unwrap();
    let candle_b1 = grads.get(model.b1.as_tensor()).unwrap().to_vec1::<f64>().unwrap();

    assert!(grad_w1.iter().any(|g| g.abs() > 1e-3), "the check needs a non-trivial gradient");
    assert!(max_abs_difference(&grad_w1, &candle_w1) < 1e-12);
    assert!(max_abs_difference(&grad_b1, &candle_b1) < 1e-12);
}

#[test]
fn every_parameter_gets_gradient() {
    let (pixels, labels) = subset_batch(32);
    let mut rng = Rng::new(0);
    let model = Mlp::glorot(128, &mut rng, DType::F32, &Device::Cpu).unwrap();
    let pixels: Vec<f32> = pixels.iter().map(|&p| p as f32).collect();
    let x = Tensor::from_slice(&pixels, (32, INPUTS), &Device::Cpu).unwrap();
    let y = Tensor::from_slice(&labels, 32, &Device::Cpu).unwrap();

    let grads = cross_entropy(&model.forward(&x).unwrap(), &y).unwrap().backward().unwrap();

    for (name, var) in PARAMETER_NAMES.iter().zip(model.vars()) {
        let grad = grads.get(var.as_tensor());
        assert!(grad.is_some(), "{name} has no gradient");
        let values = grad.unwrap().flatten_all().unwrap().to_vec1::<f32>().unwrap();
        assert!(values.iter().all(|g| g.is_finite()), "{name} has a non-finite gradient");
        assert!(values.iter().any(|&g| g != 0.0), "{name} has an all-zero gradient");
    }
}

#[test]
fn adam_matches_candle_adamw_without_decay() {
    let (pixels, labels) = subset_batch(16);
    let (x, y) = tensors(&pixels, &labels);
    let (ours, _) = small_model(8, 4);
    let (theirs, _) = small_model(8, 4);
    let config = AdamConfig::default();

    let named = PARAMETER_NAMES.iter().zip(ours.vars()).map(|(n, v)| (n.to_string(), v.clone())).collect();
    let mut adam = Adam::with_kernel(named, config, Kernel::TensorOps).unwrap();
    let params = candle_nn::ParamsAdamW {
        lr: config.learning_rate,
        beta1: config.beta1,
        beta2: config.beta2,
        eps: config.epsilon,
        weight_decay: 0.0,
    };
    let mut adamw = candle_nn::AdamW::new(theirs.vars().iter().map(|v| (*v).clone()).collect(), params).unwrap();

    for _ in 0..5 {
        adam.step(&cross_entropy(&ours.forward(&x).unwrap(), &y).unwrap().backward().unwrap()).unwrap();
        adamw.step(&cross_entropy(&theirs.forward(&x).unwrap(), &y).unwrap().backward().unwrap()).unwrap();
    }

    for ((name, a), b) in PARAMETER_NAMES.iter().zip(ours.vars()).zip(theirs.vars()) {
        let a = a.flatten_all().unwrap().to_vec1::<f64>().unwrap();
        let b = b.flatten_all().unwrap().to_vec1::<f64>().unwrap();
        assert!(max_abs_difference(&a, &b) < 1e-12, "{name} differs");
    }
}

#[test]
fn adam_first_step_moves_by_learning_rate() {
    // At t = 1, m̂ = g and v̂ = g², so each weight moves by α·g/(|g| + ε) ≈ α.
    let (pixels, labels) = subset_batch(16);
    let (x, y) = tensors(&pixels, &labels);
    let (model, [_, _, w2_before, _]) = small_model(8, 5);
    let named = PARAMETER_NAMES.iter().zip(model.vars()).map(|(n, v)| (n.to_string(), v.clone())).collect();
    let mut adam = Adam::new(named, AdamConfig::default()).unwrap();

    adam.step(&cross_entropy(&model.forward(&x).unwrap(), &y).unwrap().backward().unwrap()).unwrap();

    let w2_after = model.w2.flatten_all().unwrap().to_vec1::<f64>().unwrap();
    for (before, after) in w2_before.iter().zip(&w2_after) {
        assert!(((before - after).abs() - 1e-3).abs() < 1e-6, "moved by {}", (before - after).abs());
    }
    assert_eq!(adam.step_count(), 1);
}

#[test]
fn adam_rejects_parameter_without_gradient() {
    let (pixels, labels) = subset_batch(4);
    let (x, y) = tensors(&pixels, &labels);
    let (model, _) = small_model(8, 6);
    let unused = candle_core::Var::zeros(3, DType::F64, &Device::Cpu).unwrap();
    let mut adam = Adam::new(vec![("unused".to_owned(), unused)], AdamConfig::default()).unwrap();

    let grads = cross_entropy(&model.forward(&x).unwrap(), &y).unwrap().backward().unwrap();
    let error = adam.step(&grads).unwrap_err();

    assert!(error.to_string().contains("parameter unused has no gradient"), "{error}");
}

#[test]
fn candle_rejects_f32_labels() {
    // The reason labels become u32: Candle's gather takes only integer indices.
    let logits = Tensor::zeros((2, CLASSES), DType::F32, &Device::Cpu).unwrap();
    let labels = Tensor::new(&[1f32, 2.0], &Device::Cpu).unwrap();
    assert!(candle_nn::loss::cross_entropy(&logits, &labels).is_err());
}

/// Builds the model of [`small_model`] in f32, as training uses it.
fn small_model_f32(hidden: usize, seed: u64) -> Mlp {
    let (_, [w1, b1, w2, b2]) = small_model(hidden, seed);
    Mlp::from_values(hidden, [&w1, &b1, &w2, &b2], DType::F32, &Device::Cpu).unwrap()
}

#[test]
fn fused_adam_matches_tensor_kernel() {
    let (pixels, labels) = subset_batch(16);
    let pixels: Vec<f32> = pixels.iter().map(|&p| p as f32).collect();
    let x = Tensor::from_slice(&pixels, (16, INPUTS), &Device::Cpu).unwrap();
    let y = Tensor::from_slice(&labels, 16, &Device::Cpu).unwrap();
    let fused_model = small_model_f32(8, 7);
    let tensor_model = small_model_f32(8, 7);
    let named =
        |model: &Mlp| PARAMETER_NAMES.iter().zip(model.vars()).map(|(n, v)| (n.to_string(), v.clone())).collect();
    let mut fused = Adam::with_kernel(named(&fused_model), AdamConfig::default(), Kernel::FusedCpu).unwrap();
    let mut tensor = Adam::with_kernel(named(&tensor_model), AdamConfig::default(), Kernel::TensorOps).unwrap();

    for _ in 0..5 {
        fused.step(&cross_entropy(&fused_model.forward(&x).unwrap(), &y).unwrap().backward().unwrap()).unwrap();
        tensor.step(&cross_entropy(&tensor_model.forward(&x).unwrap(), &y).unwrap().backward().unwrap()).unwrap();
    }

    for ((name, a), b) in PARAMETER_NAMES.iter().zip(fused_model.vars()).zip(tensor_model.vars()) {
        let a: Vec<f64> = a.flatten_all().unwrap().to_vec1::<f32>().unwrap().into_iter().map(f64::from).collect();
        let b: Vec<f64> = b.flatten_all().unwrap().to_vec1::<f32>().unwrap().into_iter().map(f64::from).collect();
        // Five steps of 1e-3 each; f32 rounding differs between the kernels.
        assert!(max_abs_difference(&a, &b) < 1e-6, "{name} differs by {}", max_abs_difference(&a, &b));
    }
}

#[test]
fn fused_adam_rejects_f64_parameters() {
    let (model, _) = small_model(8, 8);
    let named = PARAMETER_NAMES.iter().zip(model.vars()).map(|(n, v)| (n.to_string(), v.clone())).collect();
    let error = Adam::with_kernel(named, AdamConfig::default(), Kernel::FusedCpu).err().unwrap();
    assert!(error.to_string().contains("parameter w1 is a F64 tensor"), "{error}");
}
