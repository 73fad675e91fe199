//! The `ch05` program's options and its errors on bad input.

use std::path::Path;
use std::process::{Command, Output};

fn ch05(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ch05"))
        .args(args)
        .env_remove(ch05::download::MIRROR_ENV)
        .output()
        .expect("the ch05 binary runs")
}

#[test]
fn help_states_every_default() {
    let output = ch05(&["--help"]);
    let help = String::from_utf8(output.stdout).unwrap();

    for default in [
        "[default: data/mnist in the workspace root]",
        "[default: auto]",
        "[default: 5]",
        "[default: 32]",
        "[default: 0.001]",
        "[default: 128]",
        "[default: 0]",
        "[default: cpu]",
        "[default: 1]",
        "[default: artifacts/ch05 in the workspace root]",
        "[default: summary.json in --out-dir]",
    ] {
        assert!(help.contains(default), "--help lacks {default}:\n{help}");
    }
    assert!(output.status.success());
}

#[cfg(not(feature = "cuda"))]
#[test]
fn cuda_without_feature_is_error() {
    let output = ch05(&["--device", "cuda", "--data-dir", "/nonexistent/mnist"]);
    let stderr = String::from_utf8(output.stderr).unwrap();

    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains("--device cuda needs a build with CUDA support"), "{stderr}");
    assert!(stderr.contains("--features cuda"), "{stderr}");
}

#[cfg(not(feature = "metal"))]
#[test]
fn metal_without_feature_is_error() {
    let output = ch05(&["--device", "metal", "--data-dir", "/nonexistent/mnist"]);
    let stderr = String::from_utf8(output.stderr).unwrap();

    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains("--features metal"), "{stderr}");
}

#[test]
fn wrong_data_files_are_moved_aside() {
    // The subset files have the full data set's names but other bytes. They
    // are copied first, because the program renames files that fail.
    let subset = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mnist-subset");
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(&subset).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    // Port 9 (discard) on the loopback address refuses the connection.
    let output = ch05(&[
        "--data-dir",
        dir.path().to_str().unwrap(),
        "--source",
        "mirror",
        "--mirror",
        "http://127.0.0.1:9/mnist",
        "--epochs",
        "1",
    ]);
    let stderr = String::from_utf8(output.stderr).unwrap();

    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains("train-images-idx3-ubyte has SHA-256 386bb018"), "{stderr}");
    assert!(stderr.contains("train-images-idx3-ubyte.rejected"), "{stderr}");
    assert!(stderr.contains("could not fetch"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!dir.path().join("train-images-idx3-ubyte").exists());
    assert!(dir.path().join("train-images-idx3-ubyte.rejected").exists());
}

#[test]
fn zero_batch_size_is_rejected() {
    let output = ch05(&["--batch-size", "0"]);
    let stderr = String::from_utf8(output.stderr).unwrap();

    assert_eq!(output.status.code(), Some(2));
    assert!(stderr.contains("--batch-size"), "{stderr}");
}

#[test]
fn out_of_range_sizes_are_rejected() {
    for (flag, value, range) in [
        ("--hidden", "100000000000", "1..=16384"),
        ("--hidden", "0", "1..=16384"),
        ("--batch-size", "60001", "1..=60000"),
        ("--epochs", "1000001", "0..=1000"),
        ("--threads", "5000", "1..=1024"),
    ] {
        let output = ch05(&[flag, value, "--data-dir", "/nonexistent/mnist"]);
        let stderr = String::from_utf8(output.stderr).unwrap();

        assert_eq!(output.status.code(), Some(2), "{flag} {value}: {stderr}");
        assert!(stderr.contains(&format!("{value} is not in {range}")), "{flag} {value}: {stderr}");
        assert!(stderr.contains(flag), "{flag} {value}: {stderr}");
    }
}

#[test]
fn help_states_every_range() {
    let help = String::from_utf8(ch05(&["--help"]).stdout).unwrap();
    for range in ["0 to 1000", "1 to 60000", "1 to 16384", "1 to 1024"] {
        assert!(help.contains(range), "--help lacks {range}:\n{help}");
    }
}

#[test]
fn non_finite_weights_fail_load() {
    use candle_core::{DType, Device, Tensor};

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("diverged.safetensors");
    let hidden = 4;
    let mut w2 = vec![0.5f32; hidden * 10];
    w2[13] = f32::NAN;
    let tensors: std::collections::HashMap<String, Tensor> = [
        ("w1", Tensor::zeros((784, hidden), DType::F32, &Device::Cpu).unwrap()),
        ("b1", Tensor::zeros(hidden, DType::F32, &Device::Cpu).unwrap()),
        ("w2", Tensor::from_vec(w2, (hidden, 10), &Device::Cpu).unwrap()),
        ("b2", Tensor::zeros(10, DType::F32, &Device::Cpu).unwrap()),
    ]
    .into_iter()
    .map(|(name, tensor)| (name.to_owned(), tensor))
    .collect();
    candle_core::safetensors::save(&tensors, &path).unwrap();

    // The weights are checked before the data, so no data directory is needed.
    let output = ch05(&["--epochs", "0", "--load", path.to_str().unwrap(), "--data-dir", "/nonexistent/mnist"]);
    let stderr = String::from_utf8(output.stderr).unwrap();

    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("w2 contains 1 non-finite value out of 40 (the first is NaN at index [1, 3])"), "{stderr}");
    assert!(stderr.contains("pass --load a file saved by a run that finished"), "{stderr}");
    assert!(!stderr.contains("test accuracy"), "{stderr}");
}

#[test]
fn negative_learning_rate_is_rejected() {
    let output = ch05(&["--learning-rate=-1", "--data-dir", "/nonexistent/mnist"]);
    let stderr = String::from_utf8(output.stderr).unwrap();

    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains("--learning-rate -1 is invalid"), "{stderr}");
}

#[test]
fn zero_epochs_without_load_is_rejected() {
    let output = ch05(&["--epochs", "0", "--data-dir", "/nonexistent/mnist"]);
    let stderr = String::from_utf8(output.stderr).unwrap();

    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains("pass --load FILE"), "{stderr}");
}

#[test]
fn unreachable_mirror_names_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    // Port 9 (discard) on the loopback address refuses the connection.
    let output = ch05(&[
        "--data-dir",
        dir.path().to_str().unwrap(),
        "--source",
        "mirror",
        "--mirror",
        "http://127.0.0.1:9/mnist",
    ]);
    let stderr = String::from_utf8(output.stderr).unwrap();

    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains("could not fetch"), "{stderr}");
    assert!(stderr.contains("put the raw IDX files there by hand"), "{stderr}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn negative_learning_rate_after_space_is_error() {
    // `--learning-rate -1` with a space must reach the range check, not be
    // taken for an unknown option.
    let output = ch05(&["--learning-rate", "-1", "--data-dir", "/nonexistent/mnist"]);
    let stderr = String::from_utf8(output.stderr).unwrap();

    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("--learning-rate -1 is invalid"), "{stderr}");
    assert!(stderr.contains("pass a positive number"), "{stderr}");
}

#[test]
fn unwritable_outputs_fail_before_download() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"not a folder").unwrap();
    let data_dir = dir.path().join("mnist");
    let below_file = file.join("weights.safetensors");
    let cases = [
        ("--save", below_file.to_str().unwrap().to_owned()),
        ("--out-dir", file.join("figures").to_str().unwrap().to_owned()),
        ("--summary", file.join("summary.json").to_str().unwrap().to_owned()),
    ];

    for (flag, value) in cases {
        let output = ch05(&[flag, &value, "--data-dir", data_dir.to_str().unwrap(), "--source", "mirror"]);
        let stderr = String::from_utf8(output.stderr).unwrap();

        assert_eq!(output.status.code(), Some(1), "{flag}: {stderr}");
        assert!(stderr.contains(&format!("for {flag}")), "{flag}: {stderr}");
        assert!(!stderr.contains("MNIST is missing"), "{flag} was checked only after the download started: {stderr}");
        assert!(!data_dir.exists(), "{flag}: the data folder was created before the output check");
    }
}
