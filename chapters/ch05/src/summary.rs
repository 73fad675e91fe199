//! The JSON summary of a training run: everything the report and the
//! figures need, so that plotting never has to train again.

use std::path::Path;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::atomic;
use crate::data::{hex, DataSet, Split};
use crate::model::{glorot_limit, CLASSES, INPUTS};
use crate::train::{EpochMetrics, Evaluation, Recipe};

/// Version of candle-core and candle-nn this crate is built with. A test
/// checks it against Cargo.lock.
pub const CANDLE_VERSION: &str = "0.11.1";

/// Digits shown in the figure's 5 × 5 grid.
pub const GRID_DIGITS: usize = 25;

/// How many of the grid's digits are the first mistakes; the rest are the
/// first test digits.
pub const GRID_MISTAKES: usize = 5;

/// Versions of the software that produced a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Versions {
    pub ch05: String,
    pub candle: String,
    pub rustc: String,
}

/// A data file and its verified checksum.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FileRecord {
    pub name: String,
    pub sha256: String,
}

/// One test digit with the model's prediction.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DigitSample {
    /// Position in the test set.
    pub index: usize,
    /// True class.
    pub label: u32,
    /// Predicted class.
    pub prediction: u32,
    /// The 784 pixel bytes as 1568 hex digits, row by row.
    pub pixels: String,
}

impl DigitSample {
    /// Decodes [`DigitSample::pixels`].
    pub fn pixel_bytes(&self) -> Result<Vec<u8>> {
        anyhow::ensure!(
            self.pixels.len() == 2 * INPUTS,
            "digit {} has {} hex digits of pixels, but 28 × 28 pixels need {}",
            self.index,
            self.pixels.len(),
            2 * INPUTS
        );
        (0..INPUTS)
            .map(|i| {
                u8::from_str_radix(&self.pixels[2 * i..2 * i + 2], 16)
                    .with_context(|| format!("digit {}: pixel {i} is not a hex byte", self.index))
            })
            .collect()
    }
}

/// Everything a run measured, written as JSON by `--summary`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub versions: Versions,
    /// `cpu`, `cuda` or `metal`.
    pub device: String,
    /// Rayon threads for Candle's CPU kernels.
    pub threads: usize,
    /// Processor model from /proc/cpuinfo, where available.
    pub cpu: Option<String>,
    pub seed: u64,
    pub epochs: usize,
    pub batch_size: usize,
    pub hidden: usize,
    pub learning_rate: f64,
    pub beta1: f64,
    pub beta2: f64,
    pub epsilon: f64,
    /// Glorot-uniform limits of the two weight matrices.
    pub glorot_limits: [f64; 2],
    pub parameters: usize,
    pub train_examples: usize,
    pub test_examples: usize,
    pub data_files: Vec<FileRecord>,
    pub history: Vec<EpochMetrics>,
    pub test_loss: f64,
    pub test_accuracy: f64,
    /// Seconds of all training steps (the sum of the epochs' seconds).
    pub train_seconds: f64,
    /// Test counts by true class (rows) and predicted class (columns).
    pub confusion: Vec<Vec<u32>>,
    pub digits: Vec<DigitSample>,
}

/// Device and thread count of a run.
#[derive(Clone, Debug)]
pub struct RunContext {
    pub device: String,
    pub threads: usize,
}

/// Returns the processor model named in /proc/cpuinfo, or `None`.
pub fn cpu_model() -> Option<String> {
    let info = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    let line = info.lines().find(|line| line.starts_with("model name"))?;
    Some(line.split_once(':')?.1.trim().to_owned())
}

/// Picks the grid's digits: the first `GRID_DIGITS − GRID_MISTAKES` test
/// digits, then the first mistakes after them (or, when there are too few
/// mistakes, the next test digits).
pub fn pick_digits(labels: &[u32], predictions: &[u32]) -> Vec<usize> {
    let first = (GRID_DIGITS - GRID_MISTAKES).min(labels.len());
    let mut picked: Vec<usize> = (0..first).collect();
    let mistakes = (first..labels.len()).filter(|&i| labels[i] != predictions[i]);
    picked.extend(mistakes.take(GRID_MISTAKES));
    let mut next = first;
    while picked.len() < GRID_DIGITS.min(labels.len()) {
        if !picked.contains(&next) {
            picked.push(next);
        }
        next += 1;
    }
    picked
}

impl Summary {
    /// Assembles the summary of a finished run.
    pub fn new(
        recipe: &Recipe,
        context: &RunContext,
        data_set: &DataSet,
        train: &Split,
        test: &Split,
        history: Vec<EpochMetrics>,
        evaluation: &Evaluation,
    ) -> Self {
        let labels: Vec<u32> = test.labels.iter().map(|&label| u32::from(label)).collect();
        let digits = pick_digits(&labels, &evaluation.predictions)
            .into_iter()
            .map(|index| DigitSample {
                index,
                label: labels[index],
                prediction: evaluation.predictions[index],
                pixels: hex(test.images.image(index)),
            })
            .collect();
        let parameters = INPUTS * recipe.hidden + recipe.hidden + recipe.hidden * CLASSES + CLASSES;

        Self {
            versions: Versions {
                ch05: env!("CARGO_PKG_VERSION").to_owned(),
                candle: CANDLE_VERSION.to_owned(),
                rustc: env!("CH05_RUSTC_VERSION").to_owned(),
            },
            device: context.device.clone(),
            threads: context.threads,
            cpu: cpu_model(),
            seed: recipe.seed,
            epochs: recipe.epochs,
            batch_size: recipe.batch_size,
            hidden: recipe.hidden,
            learning_rate: recipe.adam.learning_rate,
            beta1: recipe.adam.beta1,
            beta2: recipe.adam.beta2,
            epsilon: recipe.adam.epsilon,
            glorot_limits: [glorot_limit(INPUTS, recipe.hidden), glorot_limit(recipe.hidden, CLASSES)],
            parameters,
            train_examples: train.len(),
            test_examples: test.len(),
            data_files: data_set
                .files()
                .iter()
                .map(|file| FileRecord { name: file.name.to_owned(), sha256: file.sha256.to_owned() })
                .collect(),
            train_seconds: history.iter().map(|epoch| epoch.seconds).sum(),
            history,
            test_loss: evaluation.loss,
            test_accuracy: evaluation.accuracy,
            confusion: crate::train::confusion_matrix(&labels, &evaluation.predictions),
            digits,
        }
    }

    /// Parses a summary from JSON text; `origin` names it in errors.
    pub fn from_json(origin: &str, text: &str) -> Result<Self> {
        serde_json::from_str(text).with_context(|| format!("{origin} is not a valid run summary"))
    }

    /// Writes the summary as pretty-printed JSON with a final newline. The
    /// file is written atomically, so an interrupted write leaves any older
    /// summary at `path` as it was.
    pub fn write(&self, path: &Path) -> Result<()> {
        let mut text = serde_json::to_string_pretty(self)?;
        text.push('\n');
        atomic::write_bytes(path, text.as_bytes()).with_context(|| {
            format!("failed to write the summary to {}; pass a --summary path in a writable folder", path.display())
        })
    }

    /// Number of correctly classified test examples.
    pub fn test_correct(&self) -> usize {
        self.confusion.iter().enumerate().map(|(class, row)| row.get(class).copied().unwrap_or(0) as usize).sum()
    }
}
