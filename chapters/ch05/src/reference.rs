//! The committed reference runs and the report printed from them.
//!
//! Training takes seconds to minutes and its timings vary, so the book does
//! not retrain when it is built. `cargo run --release -p ch05 -- --seed N
//! --summary FILE` writes a run's JSON summary. The runs the page quotes are
//! committed in `book/figures/`, and [`report`] prints their numbers, which
//! the whole-book tests compare with the page.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use numfmt::{num, percent};

use crate::adam::AdamConfig;
use crate::data::MNIST;
use crate::idx;
use crate::model::{glorot_limit, CLASSES, INPUTS};
use crate::summary::{Summary, GRID_DIGITS, GRID_MISTAKES};
use crate::train::steps_per_epoch;

/// Folder of the committed figures and run summaries.
pub fn figures_dir() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.ancestors().nth(2).unwrap_or(manifest_dir).join("book").join("figures")
}

/// File name of the reference run (seed 0), whose figures the page shows.
pub const REFERENCE_RUN: &str = "ch05-reference-run.json";

/// File names of the runs with seeds 1 to 9, for the seed table.
pub const OTHER_SEED_RUNS: [&str; 9] = [
    "ch05-seed-1-run.json",
    "ch05-seed-2-run.json",
    "ch05-seed-3-run.json",
    "ch05-seed-4-run.json",
    "ch05-seed-5-run.json",
    "ch05-seed-6-run.json",
    "ch05-seed-7-run.json",
    "ch05-seed-8-run.json",
    "ch05-seed-9-run.json",
];

/// Reads one committed summary from `book/figures/`.
pub fn read_run(name: &str) -> Result<Summary> {
    let path = figures_dir().join(name);
    let text = std::fs::read_to_string(&path).with_context(|| {
        format!(
            "failed to read {}; write it with `cargo run --release -p ch05 -- --summary {}`",
            path.display(),
            path.display()
        )
    })?;
    Summary::from_json(&path.display().to_string(), &text)
}

/// Reads the reference run (seed 0).
pub fn reference_run() -> Result<Summary> {
    read_run(REFERENCE_RUN)
}

/// An IDX images header for 60000 images of 28 × 28, as MNIST's training
/// file begins: magic 2051, count, rows, columns, each a big-endian u32.
pub const EXAMPLE_HEADER: [u8; 16] =
    [0x00, 0x00, 0x08, 0x03, 0x00, 0x00, 0xEA, 0x60, 0x00, 0x00, 0x00, 0x1C, 0x00, 0x00, 0x00, 0x1C];

/// Four pixel bytes for the scaling example.
pub const EXAMPLE_PIXELS: [u8; 4] = [0x00, 0x80, 0xFF, 0x01];

/// Seconds rounded to one decimal, as the report prints times.
pub fn seconds(value: f64) -> String {
    format!("{value:.1}")
}

fn hex_bytes(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02X}")).collect::<Vec<_>>().join(" ")
}

/// Writes the shapes and parameter counts of the model.
fn write_model(out: &mut String, run: &Summary) -> Result<()> {
    let (b, h) = (run.batch_size, run.hidden);
    writeln!(out, "Model: Flatten → Dense({h}, ReLU) → Dense({CLASSES}), shapes for a batch of B = {b}")?;
    writeln!(out, "  x   = flattened images         [{b}, {INPUTS}]")?;
    writeln!(out, "  z₁  = x · W₁ + b₁              [{b}, {h}]   W₁ [{INPUTS}, {h}], b₁ [{h}]")?;
    writeln!(out, "  h   = ReLU(z₁)                 [{b}, {h}]")?;
    writeln!(out, "  z   = h · W₂ + b₂ (logits)     [{b}, {CLASSES}]    W₂ [{h}, {CLASSES}], b₂ [{CLASSES}]")?;
    writeln!(out, "  L   = mean cross-entropy       scalar")?;
    let counts = [INPUTS * h, h, h * CLASSES, CLASSES];
    writeln!(
        out,
        "  parameters: W₁ {} + b₁ {} + W₂ {} + b₂ {} = {}",
        counts[0],
        counts[1],
        counts[2],
        counts[3],
        counts.iter().sum::<usize>()
    )?;
    writeln!(out)?;

    writeln!(out, "Initialisation")?;
    writeln!(out, "  Glorot-uniform limit √(6 / (fan_in + fan_out)):")?;
    writeln!(out, "    W₁: ±{} ({INPUTS} → {h})", num(glorot_limit(INPUTS, h)))?;
    writeln!(out, "    W₂: ±{} ({h} → {CLASSES})", num(glorot_limit(h, CLASSES)))?;
    writeln!(out, "  biases: 0")?;
    writeln!(out, "  loss of a uniform guess, ln {CLASSES}: {}", num((CLASSES as f64).ln()))?;
    writeln!(out)?;
    Ok(())
}

/// Writes Adam's settings and the ε difference from Keras.
fn write_optimizer(out: &mut String, run: &Summary) -> Result<()> {
    let adam =
        AdamConfig { learning_rate: run.learning_rate, beta1: run.beta1, beta2: run.beta2, epsilon: run.epsilon };
    writeln!(out, "Optimizer: Adam")?;
    writeln!(
        out,
        "  α = {}, β₁ = {}, β₂ = {}, ε = {}",
        num(adam.learning_rate),
        num(adam.beta1),
        num(adam.beta2),
        num(adam.epsilon)
    )?;
    let keras_epsilon = adam.epsilon / (1.0 - adam.beta2).sqrt();
    writeln!(
        out,
        "  Keras adds ε to √v instead of √v̂; at step 1 that is ε / √(1 − β₂) = {} added to √v̂",
        num(keras_epsilon)
    )?;
    let steps = steps_per_epoch(run.train_examples, run.batch_size);
    writeln!(
        out,
        "  batch size {}, {} epochs, {} steps per epoch, {} steps in all, reshuffled every epoch (seed {})",
        run.batch_size,
        run.epochs,
        steps,
        steps * run.epochs,
        run.seed
    )?;
    writeln!(out)?;
    Ok(())
}

/// Writes the IDX worked example and the data files.
fn write_data(out: &mut String, run: &Summary) -> Result<()> {
    writeln!(out, "Data: IDX files")?;
    let header = &EXAMPLE_HEADER;
    writeln!(out, "  images header bytes: {}", hex_bytes(header))?;
    let images = idx::parse_images_header("example", header)?;
    writeln!(
        out,
        "  read as big-endian u32: magic {}, {} images of {} × {}",
        u32::from_be_bytes([header[0], header[1], header[2], header[3]]),
        images.count,
        images.rows,
        images.columns
    )?;
    writeln!(out, "  the labels file's magic: {}", idx::LABELS_MAGIC)?;
    writeln!(
        out,
        "  the same magic misread little-endian: {} (rejected as a wrong magic number)",
        u32::from_le_bytes([header[0], header[1], header[2], header[3]])
    )?;
    let scaled: Vec<f64> = idx::scale_pixels(&EXAMPLE_PIXELS).into_iter().map(f64::from).collect();
    writeln!(out, "  pixel bytes {} scaled by 1/255: {}", hex_bytes(&EXAMPLE_PIXELS), numfmt::vector(&scaled))?;
    writeln!(out, "  SHA-256, checked before every use:")?;
    for record in &run.data_files {
        writeln!(out, "    {:<24} {}", record.name, record.sha256)?;
    }
    writeln!(out, "  {} training and {} test examples", run.train_examples, run.test_examples)?;
    writeln!(out)?;
    Ok(())
}

/// Writes the per-epoch table and the final figures of `run`.
fn write_results(out: &mut String, run: &Summary) -> Result<()> {
    writeln!(out, "Reference run (seed {})", run.seed)?;
    writeln!(out, "  epoch  train loss  train accuracy  test loss  test accuracy  seconds")?;
    for epoch in &run.history {
        writeln!(
            out,
            "  {:<5}  {:<10}  {:<14}  {:<9}  {:<13}  {}",
            epoch.epoch,
            num(epoch.train_loss),
            percent(epoch.train_accuracy),
            num(epoch.test_loss),
            percent(epoch.test_accuracy),
            seconds(epoch.seconds)
        )?;
    }
    writeln!(
        out,
        "  final test accuracy: {} ({} of {} correct)",
        percent(run.test_accuracy),
        run.test_correct(),
        run.test_examples
    )?;
    writeln!(out, "  final test loss: {}", num(run.test_loss))?;
    writeln!(out, "  training time: {} s for {} epochs", seconds(run.train_seconds), run.epochs)?;
    let thread_word = if run.threads == 1 { "thread" } else { "threads" };
    writeln!(
        out,
        "  device: {}, {} {thread_word}, {}",
        run.device,
        run.threads,
        run.cpu.as_deref().unwrap_or("unknown processor")
    )?;
    writeln!(out, "  software: ch05 {}, candle {}, {}", run.versions.ch05, run.versions.candle, run.versions.rustc)?;
    writeln!(out)?;

    let mut confusions: Vec<(u32, usize, usize)> = Vec::new();
    for (truth, row) in run.confusion.iter().enumerate() {
        for (predicted, &count) in row.iter().enumerate() {
            if truth != predicted && count > 0 {
                confusions.push((count, truth, predicted));
            }
        }
    }
    // Largest count first; ties in order of true class, then predicted class.
    confusions.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    writeln!(out, "Most frequent mistakes (true → predicted: count)")?;
    for (count, truth, predicted) in confusions.iter().take(3) {
        writeln!(out, "  {truth} → {predicted}: {count}")?;
    }
    writeln!(out)?;

    let mistakes: Vec<String> = run
        .digits
        .iter()
        .filter(|digit| digit.label != digit.prediction)
        .map(|digit| format!("#{} ({} read as {})", digit.index, digit.label, digit.prediction))
        .collect();
    writeln!(
        out,
        "Digit grid: the first {} test digits, then the first {} mistakes: {}",
        GRID_DIGITS - GRID_MISTAKES,
        GRID_MISTAKES,
        mistakes.join(", ")
    )?;
    writeln!(out)?;
    Ok(())
}

/// Writes the accuracy and time of every committed seed.
fn write_seeds(out: &mut String, runs: &[Summary]) -> Result<()> {
    writeln!(out, "Seeds (same recipe, same machine)")?;
    writeln!(out, "  seed  test accuracy  training seconds  threads")?;
    for run in runs {
        writeln!(
            out,
            "  {:<4}  {:<13}  {:<16}  {}",
            run.seed,
            percent(run.test_accuracy),
            seconds(run.train_seconds),
            run.threads
        )?;
    }
    let accuracies: Vec<f64> = runs.iter().map(|run| run.test_accuracy).collect();
    let mean = accuracies.iter().sum::<f64>() / accuracies.len() as f64;
    let lowest = accuracies.iter().copied().fold(f64::INFINITY, f64::min);
    let highest = accuracies.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let at_target = accuracies.iter().filter(|&&accuracy| accuracy >= 0.975).count();
    writeln!(
        out,
        "  mean test accuracy: {}, lowest: {}, highest: {}; {} of {} seeds reach 97.5 %",
        percent(mean),
        percent(lowest),
        percent(highest),
        at_target,
        accuracies.len()
    )?;
    Ok(())
}

/// Returns the chapter's report: the recipe, the data format and the
/// committed reference runs, in the order the page explains them.
pub fn report() -> Result<String> {
    let reference = reference_run()?;
    let mut runs = vec![reference.clone()];
    for name in OTHER_SEED_RUNS {
        runs.push(read_run(name)?);
    }
    anyhow::ensure!(
        reference.data_files.iter().map(|file| file.sha256.as_str()).eq(MNIST.files().iter().map(|file| file.sha256)),
        "the reference run was not trained on the full MNIST files; rerun it with the default --data-dir"
    );

    let mut out = String::new();
    writeln!(out, "Chapter 5: MNIST with Candle")?;
    writeln!(out)?;
    write_model(&mut out, &reference)?;
    write_optimizer(&mut out, &reference)?;
    write_data(&mut out, &reference)?;
    write_results(&mut out, &reference)?;
    write_seeds(&mut out, &runs)?;
    Ok(out)
}
