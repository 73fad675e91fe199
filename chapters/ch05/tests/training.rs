//! A short deterministic training run on the shipped MNIST subset.

use std::path::Path;

use candle_core::{DType, Device};
use ch05::data::{self, Mnist, MNIST_SUBSET};
use ch05::model::{Mlp, CLASSES, INPUTS};
use ch05::rng::Rng;
use ch05::train::{self, DeviceSplit, Recipe, Silent, TrainingLog};

/// Test accuracy the subset run must exceed after 3 epochs on 1000
/// training images. The pinned run reaches 84.2 %; 80 % leaves room for
/// other CPUs' rounding while still failing for a broken model or loss.
const SUBSET_ACCURACY_THRESHOLD: f64 = 0.80;

fn subset() -> Mnist {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mnist-subset");
    data::load(&dir, &MNIST_SUBSET).unwrap()
}

fn short_recipe(seed: u64) -> Recipe {
    Recipe { epochs: 3, seed, ..Recipe::default() }
}

/// Trains a fresh model with `recipe` on the subset and returns the log.
fn train_subset(mnist: &Mnist, recipe: &Recipe) -> (Mlp, TrainingLog) {
    let device = Device::Cpu;
    let train_split = DeviceSplit::new(&mnist.train, DType::F32, &device).unwrap();
    let test_split = DeviceSplit::new(&mnist.test, DType::F32, &device).unwrap();
    let mut rng = Rng::new(recipe.seed);
    let model = Mlp::glorot(recipe.hidden, &mut rng, DType::F32, &device).unwrap();
    let log = train::train(&model, recipe, &mut rng, &train_split, &test_split, &mut Silent).unwrap();
    (model, log)
}

/// Formats the log rounded to four decimals, as the snapshot pins it.
fn describe(log: &TrainingLog) -> String {
    let mut text = String::new();
    text += "first step losses:";
    for loss in &log.step_losses[..5] {
        text += &format!(" {loss:.4}");
    }
    text += "\n";
    for epoch in &log.epochs {
        text += &format!(
            "epoch {}: train loss {:.4}, train accuracy {:.4}, test loss {:.4}, test accuracy {:.4}\n",
            epoch.epoch, epoch.train_loss, epoch.train_accuracy, epoch.test_loss, epoch.test_accuracy
        );
    }
    text
}

#[test]
fn subset_run_losses_pinned() {
    let (_, log) = train_subset(&subset(), &short_recipe(0));
    insta::assert_snapshot!(describe(&log));
}

#[test]
fn subset_run_beats_accuracy_threshold() {
    let (_, log) = train_subset(&subset(), &short_recipe(0));
    let last = log.epochs.last().unwrap();
    assert!(last.test_accuracy > SUBSET_ACCURACY_THRESHOLD, "test accuracy {}", last.test_accuracy);
}

#[test]
fn subset_run_loss_decreases() {
    let (_, log) = train_subset(&subset(), &short_recipe(0));
    let losses: Vec<f64> = log.epochs.iter().map(|epoch| epoch.train_loss).collect();
    assert!(losses.windows(2).all(|pair| pair[1] < pair[0]), "{losses:?}");
    // The first loss is near ln 10, the loss of a uniform guess.
    assert!((log.step_losses[0] - 10f64.ln()).abs() < 0.3, "{}", log.step_losses[0]);
}

#[test]
fn same_seed_gives_identical_runs() {
    let mnist = subset();
    let (first_model, first) = train_subset(&mnist, &short_recipe(7));
    let (second_model, second) = train_subset(&mnist, &short_recipe(7));

    assert_eq!(first.step_losses, second.step_losses);
    let accuracies = |log: &TrainingLog| log.epochs.iter().map(|e| e.test_accuracy).collect::<Vec<_>>();
    assert_eq!(accuracies(&first), accuracies(&second));
    let w2 = |model: &Mlp| model.w2.flatten_all().unwrap().to_vec1::<f32>().unwrap();
    assert_eq!(w2(&first_model), w2(&second_model));
}

#[test]
fn different_seeds_give_different_runs() {
    let mnist = subset();
    let (_, first) = train_subset(&mnist, &Recipe { epochs: 1, ..short_recipe(1) });
    let (_, second) = train_subset(&mnist, &Recipe { epochs: 1, ..short_recipe(2) });
    assert_ne!(first.step_losses, second.step_losses);
}

#[test]
fn nan_loss_stops_training() {
    let mnist = subset();
    let device = Device::Cpu;
    let train_split = DeviceSplit::new(&mnist.train, DType::F32, &device).unwrap();
    let test_split = DeviceSplit::new(&mnist.test, DType::F32, &device).unwrap();
    let hidden = 4;
    let b2 = vec![f64::NAN; CLASSES];
    let model = Mlp::from_values(
        hidden,
        [&vec![0.0; INPUTS * hidden], &vec![0.0; hidden], &vec![0.0; hidden * CLASSES], &b2],
        DType::F32,
        &device,
    )
    .unwrap();

    let recipe = Recipe { hidden, ..short_recipe(0) };
    let error = train::train(&model, &recipe, &mut Rng::new(0), &train_split, &test_split, &mut Silent).unwrap_err();

    let message = error.to_string();
    assert!(message.contains("the training loss became NaN at epoch 1, step 1"), "{message}");
    assert!(message.contains("--learning-rate"), "{message}");
}

#[test]
fn huge_learning_rate_stops_training() {
    let mnist = subset();
    let recipe = Recipe {
        epochs: 3,
        adam: ch05::adam::AdamConfig { learning_rate: 1e30, ..Default::default() },
        ..Recipe::default()
    };
    let device = Device::Cpu;
    let train_split = DeviceSplit::new(&mnist.train, DType::F32, &device).unwrap();
    let test_split = DeviceSplit::new(&mnist.test, DType::F32, &device).unwrap();
    let mut rng = Rng::new(0);
    let model = Mlp::glorot(recipe.hidden, &mut rng, DType::F32, &device).unwrap();

    let error = train::train(&model, &recipe, &mut rng, &train_split, &test_split, &mut Silent).unwrap_err();

    assert!(error.to_string().contains("the training loss became"), "{error}");
}

#[test]
fn saved_weights_load_identically() {
    let mnist = subset();
    let (model, log) = train_subset(&mnist, &Recipe { epochs: 1, ..short_recipe(3) });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("weights.safetensors");
    model.save(&path).unwrap();

    let loaded = Mlp::load(&path, DType::F32, &Device::Cpu).unwrap();
    let test_split = DeviceSplit::new(&mnist.test, DType::F32, &Device::Cpu).unwrap();
    let evaluation = train::evaluate(&loaded, &test_split).unwrap();

    assert_eq!(evaluation.accuracy, log.epochs[0].test_accuracy);
    assert_eq!(loaded.hidden(), 128);
}

#[test]
fn load_rejects_wrong_shapes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("small.safetensors");
    let mut rng = Rng::new(0);
    let model = Mlp::glorot(4, &mut rng, DType::F32, &Device::Cpu).unwrap();
    let mut tensors = std::collections::HashMap::new();
    tensors.insert("w1".to_owned(), model.w1.as_tensor().clone());
    tensors.insert("b1".to_owned(), model.b1.as_tensor().clone());
    tensors.insert("w2".to_owned(), model.w2.as_tensor().t().unwrap().contiguous().unwrap());
    tensors.insert("b2".to_owned(), model.b2.as_tensor().clone());
    candle_core::safetensors::save(&tensors, &path).unwrap();

    let error = Mlp::load(&path, DType::F32, &Device::Cpu).unwrap_err();

    assert!(error.to_string().contains("w2 has shape [10, 4], but the model needs [4, 10]"), "{error}");
}

#[test]
fn confusion_matrix_counts_pairs() {
    let matrix = train::confusion_matrix(&[0, 1, 1, 9], &[0, 1, 7, 9]);
    assert_eq!(matrix[1][7], 1);
    assert_eq!(matrix[1][1], 1);
    assert_eq!(matrix.iter().flatten().sum::<u32>(), 4);
}

#[test]
fn diverged_last_update_stops_training() {
    // One batch per epoch, so the epoch's only update is also its last, and
    // no later batch loss would show that it diverged. A step size of 1e39
    // overflows f32 in that update.
    let mnist = subset();
    let device = Device::Cpu;
    let train_split = DeviceSplit::new(&mnist.train.head(32), DType::F32, &device).unwrap();
    let test_split = DeviceSplit::new(&mnist.test, DType::F32, &device).unwrap();
    let recipe = Recipe {
        epochs: 1,
        adam: ch05::adam::AdamConfig { learning_rate: 1e39, ..Default::default() },
        ..Recipe::default()
    };
    let mut rng = Rng::new(0);
    let model = Mlp::glorot(recipe.hidden, &mut rng, DType::F32, &device).unwrap();

    let error = train::train(&model, &recipe, &mut rng, &train_split, &test_split, &mut Silent).unwrap_err();

    let message = error.to_string();
    assert!(message.contains("the weights became non-finite in epoch 1, although every batch loss"), "{message}");
    assert!(message.contains("w1 contains 100352 non-finite values out of 100352"), "{message}");
    assert!(message.contains("pass a smaller --learning-rate (now 1e39)"), "{message}");
}

/// Returns the subset's test split on the CPU.
fn test_split() -> DeviceSplit {
    DeviceSplit::new(&subset().test, DType::F32, &Device::Cpu).unwrap()
}

#[test]
fn evaluate_rejects_non_finite_weights() {
    let hidden = 4;
    let mut b1 = vec![0.0; hidden];
    b1[2] = f64::INFINITY;
    let values = [&vec![0.01; INPUTS * hidden][..], &b1, &vec![0.01; hidden * CLASSES], &[0.0; CLASSES]];
    let model = Mlp::from_values(hidden, values, DType::F32, &Device::Cpu).unwrap();

    let error = train::evaluate(&model, &test_split()).unwrap_err();

    let message = error.to_string();
    assert!(message.contains("b1 contains 1 non-finite value out of 4 (the first is inf at index [2])"), "{message}");
    assert!(message.contains("train again with a smaller --learning-rate"), "{message}");
}

#[test]
fn evaluate_rejects_empty_split() {
    let mut rng = Rng::new(0);
    let model = Mlp::glorot(4, &mut rng, DType::F32, &Device::Cpu).unwrap();
    let empty = DeviceSplit::new(&subset().test.head(0), DType::F32, &Device::Cpu).unwrap();

    let error = train::evaluate(&model, &empty).unwrap_err();

    assert!(error.to_string().contains("empty split (0 images); pass a data directory"), "{error}");
}

#[test]
fn load_rejects_non_finite_weights() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("diverged.safetensors");
    let mut rng = Rng::new(0);
    let model = Mlp::glorot(4, &mut rng, DType::F32, &Device::Cpu).unwrap();
    let mut w1 = model.w1.flatten_all().unwrap().to_vec1::<f32>().unwrap();
    w1[5] = f32::NEG_INFINITY;
    w1[9] = f32::NAN;
    model.w1.set(&candle_core::Tensor::from_vec(w1, (INPUTS, 4), &Device::Cpu).unwrap()).unwrap();
    model.save(&path).unwrap();

    let error = Mlp::load(&path, DType::F32, &Device::Cpu).unwrap_err();

    let message = error.to_string();
    assert!(
        message.contains("w1 contains 2 non-finite values out of 3136 (the first is -inf at index [1, 1])"),
        "{message}"
    );
    assert!(message.contains("pass --load a file saved by a run that finished"), "{message}");
}

#[test]
fn load_rejects_matrix_bias() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("matrix-bias.safetensors");
    let mut rng = Rng::new(0);
    let model = Mlp::glorot(4, &mut rng, DType::F32, &Device::Cpu).unwrap();
    let mut tensors = std::collections::HashMap::new();
    for (name, var) in ch05::model::PARAMETER_NAMES.iter().zip(model.vars()) {
        tensors.insert(name.to_string(), var.as_tensor().clone());
    }
    tensors.insert("b1".to_owned(), model.b1.as_tensor().reshape((2, 2)).unwrap());
    candle_core::safetensors::save(&tensors, &path).unwrap();

    let error = Mlp::load(&path, DType::F32, &Device::Cpu).unwrap_err();

    let message = error.to_string();
    assert!(message.contains("b1 has shape [2, 2], but the model needs a vector of shape [H]"), "{message}");
    assert!(message.contains("pass a file written by --save"), "{message}");
}

#[test]
fn huge_hidden_layer_is_rejected() {
    // Without the bound, this width needs terabytes and the allocation aborts the process.
    let error = Mlp::glorot(1 << 40, &mut Rng::new(0), DType::F32, &Device::Cpu).unwrap_err();

    let message = error.to_string();
    assert!(
        message.contains("a hidden layer of 1099511627776 units is outside the allowed range 1 to 16384"),
        "{message}"
    );
}

#[test]
fn save_replaces_file_atomically() {
    // A hard link to the old file keeps the old bytes only when the new
    // weights go to a new file that is renamed over the old name.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("weights.safetensors");
    let link = dir.path().join("previous.safetensors");
    std::fs::write(&path, "previous weights").unwrap();
    std::fs::hard_link(&path, &link).unwrap();
    let model = Mlp::glorot(4, &mut Rng::new(0), DType::F32, &Device::Cpu).unwrap();

    model.save(&path).unwrap();

    assert_eq!(std::fs::read_to_string(&link).unwrap(), "previous weights");
    assert!(Mlp::load(&path, DType::F32, &Device::Cpu).is_ok());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2, "a temporary file was left behind");
}
