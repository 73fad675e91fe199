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
fn wrong_data_files_fail_checksum() {
    // The subset files have the full data set's names but other bytes.
    let subset = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mnist-subset");
    let output = ch05(&["--data-dir", subset.to_str().unwrap(), "--epochs", "1"]);
    let stderr = String::from_utf8(output.stderr).unwrap();

    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains("train-images-idx3-ubyte has SHA-256 386bb018"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn zero_batch_size_is_rejected() {
    let output = ch05(&["--batch-size", "0"]);
    let stderr = String::from_utf8(output.stderr).unwrap();

    assert_eq!(output.status.code(), Some(2));
    assert!(stderr.contains("--batch-size"), "{stderr}");
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
