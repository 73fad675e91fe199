//! The training loop: shuffled mini-batches, Adam, and per-epoch evaluation.

use std::time::Instant;

use anyhow::{bail, Result};
use candle_core::{DType, Device, Tensor};
use numfmt::num;
use serde::{Deserialize, Serialize};

use crate::adam::{Adam, AdamConfig, Kernel};
use crate::data::Split;
use crate::idx;
use crate::model::{cross_entropy, Mlp, CLASSES, INPUTS, PARAMETER_NAMES};
use crate::rng::Rng;

/// Rows per forward pass when evaluating; only memory use depends on it.
const EVALUATION_BATCH: usize = 1000;

// ANCHOR: recipe
/// The training recipe. [`Recipe::default`] is the book's.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Recipe {
    /// Passes over the training set.
    pub epochs: usize,
    /// Examples per gradient step; the last batch of an epoch may be smaller.
    pub batch_size: usize,
    /// Width of the hidden layer.
    pub hidden: usize,
    /// Seed of the RNG that draws the initial weights and the shuffles.
    pub seed: u64,
    /// Adam's hyperparameters.
    pub adam: AdamConfig,
    /// Whether Adam may use its fused CPU kernel; false forces the tensor
    /// kernel. Both compute the same update up to f32 rounding.
    pub fused_adam: bool,
}

impl Default for Recipe {
    fn default() -> Self {
        Self { epochs: 5, batch_size: 32, hidden: 128, seed: 0, adam: AdamConfig::default(), fused_adam: true }
    }
}
// ANCHOR_END: recipe

/// Measurements of one epoch.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct EpochMetrics {
    /// 1-based epoch number.
    pub epoch: usize,
    /// Mean of the batch losses during the epoch, as Keras reports it.
    pub train_loss: f64,
    /// Fraction of training examples classified correctly during the epoch,
    /// each by the weights of the step that used it.
    pub train_accuracy: f64,
    /// Mean loss on the test set after the epoch.
    pub test_loss: f64,
    /// Fraction of the test set classified correctly after the epoch.
    pub test_accuracy: f64,
    /// Seconds spent on the epoch's training steps, without the evaluation.
    pub seconds: f64,
}

/// A split as tensors on the training device.
pub struct DeviceSplit {
    /// Pixels scaled to [0, 1], `[N, 784]`.
    pub images: Tensor,
    /// Class indices, `[N]`, u32.
    pub labels: Tensor,
    /// The labels on the host, for counting correct predictions.
    pub host_labels: Vec<u32>,
}

impl DeviceSplit {
    /// Scales the pixels, widens the labels and moves both to `device`.
    pub fn new(split: &Split, dtype: DType, device: &Device) -> Result<Self> {
        let count = split.len();
        let pixels = idx::scale_pixels(&split.images.pixels);
        let images = Tensor::from_vec(pixels, (count, INPUTS), &Device::Cpu)?.to_dtype(dtype)?.to_device(device)?;
        let host_labels = idx::labels_to_u32(&split.labels);
        let labels = Tensor::from_slice(&host_labels, count, device)?;
        Ok(Self { images, labels, host_labels })
    }

    /// Number of examples.
    pub fn len(&self) -> usize {
        self.host_labels.len()
    }

    /// Returns true when the split has no examples.
    pub fn is_empty(&self) -> bool {
        self.host_labels.is_empty()
    }
}

/// Receives progress during [`train`]. Every method does nothing by default.
pub trait Observer {
    /// Called before the first step of an epoch with the number of steps.
    fn epoch_started(&mut self, _epoch: usize, _epochs: usize, _steps: usize) {}
    /// Called after each step with the mean loss of the epoch so far.
    fn step_finished(&mut self, _step: usize, _running_loss: f64) {}
    /// Called after each epoch's evaluation.
    fn epoch_finished(&mut self, _metrics: &EpochMetrics) {}
}

/// An [`Observer`] that ignores everything.
pub struct Silent;

impl Observer for Silent {}

/// The result of [`train`].
#[derive(Clone, Debug)]
pub struct TrainingLog {
    /// One entry per epoch.
    pub epochs: Vec<EpochMetrics>,
    /// The loss of every step, in order.
    pub step_losses: Vec<f64>,
}

/// Index of the largest value in each row of a `[B, 10]` logits matrix.
/// Ties go to the lower index, as in `argmax`.
fn argmax_rows(logits: &[Vec<f32>]) -> Vec<u32> {
    logits
        .iter()
        .map(|row| {
            let mut best = 0;
            for (index, &value) in row.iter().enumerate() {
                if value > row[best] {
                    best = index;
                }
            }
            best as u32
        })
        .collect()
}

/// Copies logits to the host as `f32` rows.
fn logits_to_host(logits: &Tensor) -> Result<Vec<Vec<f32>>> {
    Ok(logits.to_dtype(DType::F32)?.to_vec2::<f32>()?)
}

/// Reads a scalar tensor as `f64`.
fn scalar(tensor: &Tensor) -> Result<f64> {
    Ok(tensor.to_dtype(DType::F64)?.to_scalar::<f64>()?)
}

/// Test-set results of a model.
#[derive(Clone, Debug)]
pub struct Evaluation {
    /// Mean cross-entropy.
    pub loss: f64,
    /// Fraction classified correctly.
    pub accuracy: f64,
    /// Predicted class of every example, in order.
    pub predictions: Vec<u32>,
}

/// Computes the loss, accuracy and predictions of `model` on `split`.
///
/// Fails when a weight or bias is NaN or infinite, because the accuracy of
/// such a model would look like a result while meaning nothing.
pub fn evaluate(model: &Mlp, split: &DeviceSplit) -> Result<Evaluation> {
    let count = split.len();
    if count == 0 {
        bail!("cannot evaluate on an empty split (0 images); pass a data directory whose test files contain images");
    }
    if let Some(non_finite) = model.find_non_finite()? {
        bail!(
            "cannot evaluate the model because {non_finite}; train again with a smaller --learning-rate, or pass \
             --load a file saved by a run that finished"
        );
    }
    let mut loss_sum = 0.0;
    let mut predictions = Vec::with_capacity(count);
    for start in (0..count).step_by(EVALUATION_BATCH) {
        let rows = EVALUATION_BATCH.min(count - start);
        let x = split.images.narrow(0, start, rows)?;
        let y = split.labels.narrow(0, start, rows)?;
        let logits = model.forward(&x)?;
        loss_sum += scalar(&cross_entropy(&logits, &y)?)? * rows as f64;
        predictions.extend(argmax_rows(&logits_to_host(&logits)?));
    }
    let correct = predictions.iter().zip(&split.host_labels).filter(|(p, y)| p == y).count();
    Ok(Evaluation { loss: loss_sum / count as f64, accuracy: correct as f64 / count as f64, predictions })
}

/// Number of steps per epoch: ⌈N / batch size⌉.
pub fn steps_per_epoch(examples: usize, batch_size: usize) -> usize {
    examples.div_ceil(batch_size)
}

// ANCHOR: train
/// Trains `model` in place for `recipe.epochs` epochs. Each epoch visits the
/// training set in a fresh order from `rng`, takes one Adam step per batch,
/// and then evaluates on `test`. Fails as soon as a batch loss is NaN or
/// infinite, before that batch's update is applied. After each epoch's last
/// step it also checks every weight, because no later loss shows whether
/// that update diverged.
pub fn train(
    model: &Mlp,
    recipe: &Recipe,
    rng: &mut Rng,
    train: &DeviceSplit,
    test: &DeviceSplit,
    observer: &mut dyn Observer,
) -> Result<TrainingLog> {
    if recipe.batch_size == 0 {
        bail!("the batch size is 0; pass a batch size of at least 1");
    }
    if train.is_empty() {
        bail!("the training split is empty (0 images); pass a data directory whose training files contain images");
    }
    let params = PARAMETER_NAMES.iter().zip(model.vars()).map(|(name, var)| (name.to_string(), var.clone())).collect();
    let mut adam = if recipe.fused_adam {
        Adam::new(params, recipe.adam)?
    } else {
        Adam::with_kernel(params, recipe.adam, Kernel::TensorOps)?
    };
    let device = train.images.device();

    let mut order: Vec<u32> = (0..train.len() as u32).collect();
    let steps = steps_per_epoch(train.len(), recipe.batch_size);
    let mut log = TrainingLog { epochs: Vec::new(), step_losses: Vec::new() };

    for epoch in 1..=recipe.epochs {
        observer.epoch_started(epoch, recipe.epochs, steps);
        rng.shuffle(&mut order);
        let started = Instant::now();
        let (mut loss_sum, mut correct) = (0.0, 0usize);

        for (step, batch) in order.chunks(recipe.batch_size).enumerate() {
            let indices = Tensor::from_slice(batch, batch.len(), device)?;
            let x = train.images.index_select(&indices, 0)?; // [B, 784]
            let y = train.labels.index_select(&indices, 0)?; // [B]

            let logits = model.forward(&x)?; // [B, 10]
            let loss = cross_entropy(&logits, &y)?;
            let loss_value = scalar(&loss)?;
            if !loss_value.is_finite() {
                bail!(
                    "the training loss became {loss_value} at epoch {epoch}, step {}; training stopped because the weights \
                     diverged. Pass a smaller --learning-rate (now {})",
                    step + 1,
                    num(recipe.adam.learning_rate)
                );
            }
            adam.step(&loss.backward()?)?;

            let predicted = argmax_rows(&logits_to_host(&logits)?);
            correct += batch.iter().zip(&predicted).filter(|(&i, &p)| train.host_labels[i as usize] == p).count();
            loss_sum += loss_value;
            log.step_losses.push(loss_value);
            observer.step_finished(step + 1, loss_sum / (step + 1) as f64);
        }

        let seconds = started.elapsed().as_secs_f64();
        if let Some(non_finite) = model.find_non_finite()? {
            bail!(
                "the weights became non-finite in epoch {epoch}, although every batch loss of the epoch was finite: \
                 {non_finite}. Training stopped because the weights diverged; pass a smaller --learning-rate (now {})",
                num(recipe.adam.learning_rate)
            );
        }
        let evaluation = evaluate(model, test)?;
        let metrics = EpochMetrics {
            epoch,
            train_loss: loss_sum / steps as f64,
            train_accuracy: correct as f64 / train.len() as f64,
            test_loss: evaluation.loss,
            test_accuracy: evaluation.accuracy,
            seconds,
        };
        observer.epoch_finished(&metrics);
        log.epochs.push(metrics);
    }
    Ok(log)
}
// ANCHOR_END: train

/// Counts test examples by true class (rows) and predicted class (columns).
pub fn confusion_matrix(labels: &[u32], predictions: &[u32]) -> Vec<Vec<u32>> {
    let mut matrix = vec![vec![0u32; CLASSES]; CLASSES];
    for (&label, &prediction) in labels.iter().zip(predictions) {
        matrix[label as usize][prediction as usize] += 1;
    }
    matrix
}
