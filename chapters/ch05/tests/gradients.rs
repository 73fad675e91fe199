//! Candle's loss and gradients against the earlier chapters' formulas.

use std::path::Path;

use candle_core::{DType, Device, Tensor, Var};
use candle_nn::Optimizer;
use ch03::Optimizer as _;
use ch04::layer::{loss_gradient, Loss};
use ch05::adam::{Adam, AdamConfig, Kernel};
use ch05::data::{self, MNIST_SUBSET};
use ch05::idx;
use ch05::model::{cross_entropy, glorot_limit, Mlp, CLASSES, INPUTS, PARAMETER_NAMES};
use ch05::rng::Rng;
use gradcheck::max_abs_difference;
use nalgebra::{DMatrix, DVector};

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

/// Converts a row-major `[rows, columns]` slice of ch05 (`x · W` layout) to
/// chapter 4's layout, where row i of W contains the weights into output i.
fn ch04_weights(w: &[f64], inputs: usize, outputs: usize) -> DMatrix<f64> {
    DMatrix::from_row_slice(inputs, outputs, w).transpose()
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

/// The parameters of the small model in chapter 4's layout: W as
/// [outputs, inputs] matrices and b as vectors.
#[derive(Clone)]
struct Ch04Parameters {
    w1: DMatrix<f64>,
    b1: DVector<f64>,
    w2: DMatrix<f64>,
    b2: DVector<f64>,
}

impl Ch04Parameters {
    /// Converts Candle's values, with W stored [inputs, outputs] row by row.
    fn from_candle([w1, b1, w2, b2]: [Vec<f64>; 4], hidden: usize) -> Self {
        Self {
            w1: ch04_weights(&w1, INPUTS, hidden),
            b1: DVector::from_vec(b1),
            w2: ch04_weights(&w2, hidden, CLASSES),
            b2: DVector::from_vec(b2),
        }
    }

    /// Returns the forward pass of one image: z⁽¹⁾, h = ReLU(z⁽¹⁾) and ŷ.
    fn forward(&self, image: &[f64]) -> (DVector<f64>, DVector<f64>, DVector<f64>) {
        let x = DVector::from_column_slice(image);
        let z1 = ch04::pre_activation(&self.w1, &self.b1, &x).unwrap();
        let h = z1.map(|z| z.max(0.0));
        let z2 = ch04::pre_activation(&self.w2, &self.b2, &h).unwrap();
        let y_hat = DVector::from_vec(ch02::softmax(z2.as_slice()).unwrap());
        (z1, h, y_hat)
    }

    /// Returns the batch loss, the mean cross-entropy over the examples.
    fn batch_loss(&self, pixels: &[f64], labels: &[u32]) -> f64 {
        let losses = pixels.chunks(INPUTS).zip(labels).map(|(image, &label)| {
            let (_, _, y_hat) = self.forward(image);
            ch02::cross_entropy(&one_hot(label), y_hat.map(f64::ln).as_slice()).unwrap()
        });
        losses.sum::<f64>() / labels.len() as f64
    }

    /// Returns the batch loss's gradients [∂L/∂W₁, ∂L/∂b₁, ∂L/∂W₂, ∂L/∂b₂]
    /// from chapter 4's backward pass, one example at a time, with ReLU in
    /// place of the sigmoid: δ⁽²⁾ through the loss and the softmax Jacobian,
    /// δ⁽¹⁾ = (W⁽²⁾ᵀ δ⁽²⁾) ⊙ ReLU′(z⁽¹⁾), and ∂L/∂W = δ xᵀ. The batch loss is
    /// the mean of the examples' losses, so its gradients are the means too.
    fn batch_gradients(
        &self,
        pixels: &[f64],
        labels: &[u32],
    ) -> (DMatrix<f64>, DVector<f64>, DMatrix<f64>, DVector<f64>) {
        let batch = labels.len() as f64;
        let mut dl_dw1 = DMatrix::zeros(self.w1.nrows(), INPUTS);
        let mut dl_db1 = DVector::zeros(self.b1.len());
        let mut dl_dw2 = DMatrix::zeros(CLASSES, self.w2.ncols());
        let mut dl_db2 = DVector::zeros(CLASSES);
        for (image, &label) in pixels.chunks(INPUTS).zip(labels) {
            let x = DVector::from_column_slice(image);
            let t = DVector::from_vec(one_hot(label));
            let (z1, h, y_hat) = self.forward(image);

            let dl_dy_hat = loss_gradient(Loss::CrossEntropy, &t, &y_hat).unwrap();
            let delta2 = DVector::from_vec(ch02::softmax_backward(y_hat.as_slice(), dl_dy_hat.as_slice()).unwrap());
            let dl_dh = self.w2.transpose() * &delta2;
            let delta1 = dl_dh.component_mul(&z1.map(|z| if z > 0.0 { 1.0 } else { 0.0 }));

            dl_dw1 += ch04::weight_gradient(&delta1, &x) / batch;
            dl_db1 += &delta1 / batch;
            dl_dw2 += ch04::weight_gradient(&delta2, &h) / batch;
            dl_db2 += &delta2 / batch;
        }
        (dl_dw1, dl_db1, dl_dw2, dl_db2)
    }
}

#[test]
fn gradients_match_ch04_backprop() {
    const B: usize = 4;
    const H: usize = 8;
    let (pixels, labels) = subset_batch(B);
    let (model, values) = small_model(H, 3);
    let (dl_dw1, dl_db1, dl_dw2, dl_db2) = Ch04Parameters::from_candle(values, H).batch_gradients(&pixels, &labels);

    let (x, y) = tensors(&pixels, &labels);
    let grads = cross_entropy(&model.forward(&x).unwrap(), &y).unwrap().backward().unwrap();
    let candle = |var: &Var| grads.get(var.as_tensor()).unwrap().flatten_all().unwrap().to_vec1::<f64>().unwrap();

    // Candle's W is chapter 4's transposed, [inputs, outputs], and read row by
    // row. nalgebra stores a matrix column by column, so chapter 4's
    // [outputs, inputs] gradient in storage order is in that same order.
    assert!(dl_dw1.iter().any(|g| g.abs() > 1e-3), "the check needs a non-trivial gradient");
    assert!(max_abs_difference(dl_dw1.as_slice(), &candle(&model.w1)) < 1e-12, "∂L/∂W₁ differs");
    assert!(max_abs_difference(dl_db1.as_slice(), &candle(&model.b1)) < 1e-12, "∂L/∂b₁ differs");
    assert!(max_abs_difference(dl_dw2.as_slice(), &candle(&model.w2)) < 1e-12, "∂L/∂W₂ differs");
    assert!(max_abs_difference(dl_db2.as_slice(), &candle(&model.b2)) < 1e-12, "∂L/∂b₂ differs");
}

/// Asserts that `analytic` matches central differences of `loss_with`, the
/// batch loss as a function of one parameter block's flat `values`.
fn assert_matches_finite_differences(name: &str, analytic: &[f64], values: &[f64], loss_with: impl Fn(&[f64]) -> f64) {
    let numeric = gradcheck::central_difference(loss_with, values, 1e-6);
    for (index, (a, n)) in analytic.iter().zip(&numeric).enumerate() {
        let error = (a - n).abs() / a.abs().max(1e-3);
        assert!(error < 1e-6, "{name}[{index}]: backward pass {a}, central difference {n}");
    }
}

#[test]
fn batch_gradients_match_finite_differences() {
    const B: usize = 4;
    const H: usize = 8;
    let (pixels, labels) = subset_batch(B);
    let (_, values) = small_model(H, 3);
    let parameters = Ch04Parameters::from_candle(values, H);
    let (dl_dw1, dl_db1, dl_dw2, dl_db2) = parameters.batch_gradients(&pixels, &labels);
    let loss = |changed: &dyn Fn(&mut Ch04Parameters)| {
        let mut copy = parameters.clone();
        changed(&mut copy);
        copy.batch_loss(&pixels, &labels)
    };

    assert_matches_finite_differences("∂L/∂W₁", dl_dw1.as_slice(), parameters.w1.as_slice(), |w| {
        loss(&|p| p.w1.copy_from_slice(w))
    });
    assert_matches_finite_differences("∂L/∂b₁", dl_db1.as_slice(), parameters.b1.as_slice(), |b| {
        loss(&|p| p.b1.copy_from_slice(b))
    });
    assert_matches_finite_differences("∂L/∂W₂", dl_dw2.as_slice(), parameters.w2.as_slice(), |w| {
        loss(&|p| p.w2.copy_from_slice(w))
    });
    assert_matches_finite_differences("∂L/∂b₂", dl_db2.as_slice(), parameters.b2.as_slice(), |b| {
        loss(&|p| p.b2.copy_from_slice(b))
    });
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
    let unused = Var::zeros(3, DType::F64, &Device::Cpu).unwrap();
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

/// The parameters and gradients of the comparison with chapter 3's Adam:
/// values of several magnitudes and signs, one that starts at 0, and
/// gradients that change sign, vanish and jump between steps.
const ADAM_THETA: [f32; 5] = [0.5, -1.25, 3.0, 0.0, 0.0078125];
const ADAM_GRADIENTS: [[f32; 5]; 4] = [
    [0.1, -2.0, 0.0, 1e-4, 5.0],
    [-0.3, -1.5, 0.0, 2e-4, 4.0],
    [0.2, 0.5, 1e-3, -1e-4, -3.0],
    [0.0, 1.0, 1e-3, 0.0, 100.0],
];

/// Runs ch05's Adam with `kernel` on [`ADAM_THETA`] stored as `dtype`, one step per
/// row of [`ADAM_GRADIENTS`], and returns the parameters after each step.
fn ch05_adam_steps(kernel: Kernel, dtype: DType) -> Vec<Vec<f64>> {
    let theta = Tensor::new(&ADAM_THETA, &Device::Cpu).unwrap().to_dtype(dtype).unwrap();
    let theta = Var::from_tensor(&theta).unwrap();
    let mut adam = Adam::with_kernel(vec![("theta".to_owned(), theta.clone())], AdamConfig::default(), kernel).unwrap();
    let mut after = Vec::new();
    for gradient in ADAM_GRADIENTS {
        // The loss Σᵢ θᵢ gᵢ has the gradient g, so backward hands Adam exactly g.
        let g = Tensor::new(&gradient, &Device::Cpu).unwrap().to_dtype(dtype).unwrap();
        let loss = (theta.as_tensor() * &g).unwrap().sum_all().unwrap();
        adam.step(&loss.backward().unwrap()).unwrap();
        after.push(theta.to_dtype(DType::F64).unwrap().to_vec1::<f64>().unwrap());
    }
    after
}

/// Runs chapter 3's Adam, in f64, with ch05's hyperparameters on the same
/// values and returns the parameters after each step.
fn ch03_adam_steps() -> Vec<Vec<f64>> {
    let AdamConfig { learning_rate, beta1, beta2, epsilon } = AdamConfig::default();
    let config = ch03::optimizers::AdamConfig { alpha: learning_rate, beta1, beta2, epsilon };
    let mut adam = ch03::Adam::new(config).unwrap();
    let mut theta: Vec<f64> = ADAM_THETA.iter().map(|&value| f64::from(value)).collect();
    let mut after = Vec::new();
    for gradient in ADAM_GRADIENTS {
        let gradient: Vec<f64> = gradient.iter().map(|&value| f64::from(value)).collect();
        theta = adam.step(&theta, &gradient).unwrap();
        after.push(theta.clone());
    }
    after
}

#[test]
fn fused_adam_matches_ch03_adam() {
    let ours = ch05_adam_steps(Kernel::FusedCpu, DType::F32);
    let ch03 = ch03_adam_steps();

    let mut previous: Vec<f64> = ADAM_THETA.iter().map(|&value| f64::from(value)).collect();
    let mut travelled = vec![0.0; previous.len()];
    for (step, (ours, ch03)) in ours.iter().zip(&ch03).enumerate() {
        for (index, (a, b)) in ours.iter().zip(ch03).enumerate() {
            travelled[index] += (b - previous[index]).abs();
            // f32 rounding of θ and of each update along the way.
            let tolerance = 8.0 * f64::from(f32::EPSILON) * (b.abs() + travelled[index]);
            assert!((a - b).abs() <= tolerance, "step {}, θ{index}: ch05 {a}, ch03 {b}", step + 1);
        }
        previous.clone_from(ch03);
    }
}

#[test]
fn tensor_adam_matches_ch03_adam() {
    let ours = ch05_adam_steps(Kernel::TensorOps, DType::F64);
    let ch03 = ch03_adam_steps();

    for (step, (ours, ch03)) in ours.iter().zip(&ch03).enumerate() {
        let difference = max_abs_difference(ours, ch03);
        assert!(difference < 1e-15, "step {}: ch05 {ours:?}, ch03 {ch03:?}", step + 1);
    }
}

#[test]
fn ch03_adam_moves_every_parameter() {
    // The comparisons above mean something only if the steps move θ.
    let after = ch03_adam_steps();
    let start: Vec<f64> = ADAM_THETA.iter().map(|&value| f64::from(value)).collect();
    for (index, (before, last)) in start.iter().zip(after.last().unwrap()).enumerate() {
        assert!((before - last).abs() > 1e-4, "θ{index} moved only from {before} to {last}");
    }
}
